import { Clock } from '../../apps/gateway/src/clock/clock';

export const DAY_MS = 86_400_000;

/**
 * A node clock the test moves by hand; it stands still otherwise. Several nodes may share one, so that time passes
 * for all of them alike (their messages stay fresh for each other). Timers inside the gateway still run on real time.
 */
export class ManualClock extends Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    super();
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward by `ms`; returns the new time. */
  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }

  set(date: Date): void {
    this.current = date.getTime();
  }
}
