/**
 * Which messages a purge of sealed data takes: those of one case (consent withdrawn), or — for retention — up to
 * `limit` of cases that ended before `endedBefore` and of messages stored before it that opened no case, oldest
 * first, leaving a row another transaction holds for the next run.
 */
export type SealedScope = { caseRef: string } | { endedBefore: Date; limit: number };
