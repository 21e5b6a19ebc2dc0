/**
 * A description of an error that is safe to log: database errors can quote stored values, so only their SQLSTATE
 * is kept. Our own errors never carry case contents.
 */
export function safeError(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; code?: unknown; message?: string; driverError?: unknown };
    if (e.name === 'QueryFailedError' || e.driverError !== undefined)
      return `database error ${typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : 'unknown'}`;
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return `database error ${e.code}`;
    return `${e.name ?? 'Error'}: ${e.message ?? ''}`;
  }
  return String(err);
}
