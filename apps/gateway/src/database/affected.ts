/** Rows an UPDATE changed: TypeORM's postgres driver answers UPDATE and DELETE with [rows, count]. */
export function affected(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') return result[1];
  throw new Error('unexpected answer to an UPDATE');
}
