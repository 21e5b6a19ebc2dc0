/** setInterval takes at most 2^31-1 ms; anything longer would fire at once, over and over. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Work a node does every so often and on demand (`runOnce`, as tests do): one run at a time — a run asked for while
 * another is going waits for it, then runs — on a timer that never keeps the process alive. A failed run is reported
 * to `onError` when the timer started it, and thrown to the caller of `runOnce`.
 */
export class Periodic<T> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<T> | null = null;

  constructor(
    private readonly work: () => Promise<T>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs every `everyMs`; with `atStart`, also now (a node restarted more often than that would never get to run). */
  start(everyMs: number, { atStart = false } = {}): void {
    const tick = () => void this.runOnce().catch(this.onError);
    this.timer = setInterval(tick, Math.min(everyMs, MAX_TIMER_MS));
    this.timer.unref();
    if (atStart) tick();
  }

  async runOnce(): Promise<T> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.work().finally(() => (this.running = null));
    return this.running;
  }

  /** No more runs; waits for the one going, if any. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
