/** setInterval takes at most 2^31-1 ms; anything longer would fire at once, over and over. */
const MAX_TIMER_MS = 2_147_483_647;
/** How often a job run in turns looks whether it is due, at most: a long interval is not waited out again after a restart. */
const MAX_TURN_POLL_MS = 60_000;

/**
 * Turns of a job the node's replicas share (JobTurnRepository): `take` answers true to one replica per interval, `done`
 * says the run ended (the job is next due an interval after it began), `giveBack` makes the job due again after a run
 * that failed.
 */
export interface Turns {
  take(everyMs: number): Promise<boolean>;
  done(everyMs: number): Promise<void>;
  giveBack(): Promise<void>;
}

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

  /**
   * Runs every `everyMs`; with `atStart`, also now (a node restarted more often than that would never get to run).
   * With `turns`, the timer runs the work only when this replica takes the interval's turn: work on the node's shared
   * data (deadlines, retention, ...) is done once per interval by one of its replicas, not by each. The timer then
   * looks at least every minute, and at start, so a job due is run soon by whichever replica looks first (a restart
   * does not postpone it); `atStart` still runs it now, turn or not.
   */
  start(everyMs: number, { atStart = false, turns }: { atStart?: boolean; turns?: Turns } = {}): void {
    const run = () => void this.runOnce().catch(this.onError);
    const tick = turns ? () => void this.inTurn(turns, everyMs).catch(this.onError) : run;
    this.timer = setInterval(tick, Math.min(everyMs, turns ? MAX_TURN_POLL_MS : MAX_TIMER_MS));
    this.timer.unref();
    if (atStart) run();
    else if (turns) tick();
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

  private async inTurn(turns: Turns, everyMs: number): Promise<void> {
    if (!(await turns.take(everyMs))) return;
    if (!this.timer) return void (await turns.giveBack().catch(() => undefined)); // stopped meanwhile: another replica runs it
    try {
      await this.runOnce();
    } catch (err) {
      await turns.giveBack().catch(() => undefined);
      throw err;
    }
    await turns.done(everyMs);
  }
}
