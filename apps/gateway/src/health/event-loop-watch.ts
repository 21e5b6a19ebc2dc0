import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** How long one sampling window of the event loop's delay lasts. */
const WINDOW_MS = 30_000;

/**
 * How late the event loop ran, lately: the longest delay seen in this window and the one before (so a stall just
 * before a window ended is still seen). A process whose loop is stuck answers nothing at all; this tells a loop that
 * still turns, but only now and then.
 */
@Injectable()
export class EventLoopWatch implements OnModuleDestroy {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private previousMaxMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.previousMaxMs = this.histogram.max / 1e6;
      this.histogram.reset();
    }, WINDOW_MS);
    this.timer.unref();
  }

  /** The longest delay of the event loop within the last one to two windows, in ms. */
  maxDelayMs(): number {
    return Math.round(Math.max(this.previousMaxMs, this.histogram.max / 1e6));
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
