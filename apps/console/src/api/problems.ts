/** The API's answer to a request it refuses (400, 403, 404, 409): a message and, for 400, each field's problem. */
export interface Refusal {
  statusCode: number;
  message?: string | string[];
  problems?: Array<{ field: string; problem: string }>;
}

/** A refused request, thrown by `answer` (api/polling.ts) so that pages and forms can show why. */
export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(`HTTP ${refusal.statusCode}`);
  }
}

export const asRefusal = (error: unknown): Refusal | undefined => (error instanceof Refused ? error.refusal : undefined);

/** Each field's problem, keyed by the API's field path (`body.person.ageGroup`, `recipient`), for errors next to it. */
export function fieldProblems(error: unknown): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const p of asRefusal(error)?.problems ?? []) problems[p.field] ??= p.problem;
  return problems;
}

/** The refusal's message as one line (the API's words, in English: shown below a translated heading). */
export function refusalText(error: unknown): string {
  const message = asRefusal(error)?.message;
  return Array.isArray(message) ? message.join('; ') : (message ?? '');
}
