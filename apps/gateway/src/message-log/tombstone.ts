/**
 * Which messages become tombstones: every message of the cases but those of `keepTypes` (case data purged or erased),
 * or — the message log's retention — up to `limit` stored before `storedBefore` whose case is not open, oldest first,
 * leaving a row another transaction holds for the next run.
 */
export type TombstoneScope = { caseRefs: string[]; keepTypes: string[] } | { storedBefore: Date; limit: number };

/**
 * What a message keeps once it is reduced to its tombstone: the routing frame of its envelope (profile, id, type,
 * from, to, the two role addresses, caseRef, inReplyTo, createdAt, expiresAt) with body and sealed part null. The row's
 * own columns keep the digest, status or state, reject reason and receipt id; every JWS goes.
 */
export const FRAME = (e: string) =>
  `jsonb_build_object('profile', ${e}->'profile', 'id', ${e}->'id', 'type', ${e}->'type', 'from', ${e}->'from', 'to', ${e}->'to',
     'sender', ${e}->'sender', 'recipient', ${e}->'recipient', 'caseRef', ${e}->'caseRef', 'inReplyTo', ${e}->'inReplyTo',
     'createdAt', ${e}->'createdAt', 'expiresAt', ${e}->'expiresAt', 'body', NULL, 'sealed', NULL)`;

/** A message whose case is still open (not ended: closed_at unset) is kept, whatever its age. */
export const OPEN_CASE = (alias: string) => `EXISTS (SELECT 1 FROM case_file c WHERE c.case_ref = ${alias}.case_ref AND c.closed_at IS NULL)`;
