import type { NotificationsConfig } from '../config/node-config';

/**
 * When a notice or webhook call that failed its `attempts`-th try is tried next: `first`, doubling up to `max`; null
 * once it has been tried for `giveUpAfter` since `since` (it is failed then).
 */
export function nextTry(retry: NotificationsConfig['retry'], attempts: number, since: Date, now: Date): Date | null {
  if (now.getTime() - since.getTime() >= retry.giveUpAfterMs) return null;
  return new Date(now.getTime() + Math.min(retry.maxMs, retry.firstMs * 2 ** Math.min(attempts, 30)));
}

/** Runs `pass` when woken or every `everyMs`, one at a time; a wake during a pass asks for one more. */
export class SendLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => this.wake(), everyMs);
    this.timer.unref();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch(this.onError);
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = null));
  }

  /** Until the pass going (and any asked for meanwhile) is over. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.settled();
  }
}
