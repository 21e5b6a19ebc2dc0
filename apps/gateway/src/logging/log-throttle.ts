/** While a failure goes on (the database unreachable, say), one log line per this interval, however often it recurs. */
export const REPEAT_LOG_INTERVAL_MS = 30_000;

/**
 * At most one log line per key and interval: the first failure is logged at once, repeats within the interval are
 * only counted, and the next line says how many there were.
 */
export class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs = REPEAT_LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The number of lines suppressed since the last one, if this one is to be logged; null if not. */
  take(key: string): number | null {
    const now = this.now();
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return null;
    }
    this.last.set(key, { at: now, suppressed: 0 });
    return entry?.suppressed ?? 0;
  }
}
