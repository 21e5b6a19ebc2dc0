/** Socket errors of the driver: the server is not there, or went away. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * SQLSTATEs of a server that is going, gone or full: shutdowns (57P01–57P03), too many connections (53300), and a write
 * refused as read-only (25006) — a standby, or a primary demoted in a switchover, which is not the node's database.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '25006']);
/** SQLSTATEs of a transaction the server undid to keep others consistent: serialization failure, deadlock. */
const CONFLICT_STATES = new Set(['40001', '40P01']);
/** What node-postgres and its pool say, without a code, when a connection ends or none can be had in time. */
const DRIVER_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** The codes of `err` and of what it wraps (a TypeORM error's driver error, a cause). */
function codes(err: unknown): string[] {
  const found: string[] = [];
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, driverError, cause } = e as { code?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof code === 'string') found.push(code);
    e = driverError ?? cause;
  }
  return found;
}

/** Whether `err` says the server undid the transaction for another one's sake: the same work may simply run again. */
export function isTransactionConflict(err: unknown): boolean {
  return codes(err).some((c) => CONFLICT_STATES.has(c));
}

/**
 * Whether `err` says the database cannot be reached (rather than that a query was wrong): a refused or lost
 * connection, SQLSTATE class 08, an administrator or crash shutdown, a pool that found no connection in time.
 * Such a failure is the node's, not the caller's, and passes once the database is back.
 */
export function isConnectionLoss(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message, driverError, cause } = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || UNAVAILABLE_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof message === 'string' && DRIVER_MESSAGES.test(message)) return true;
    e = driverError ?? cause;
  }
  return false;
}
