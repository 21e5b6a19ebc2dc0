import { EventLoopWatch } from './event-loop-watch';

describe('EventLoopWatch', () => {
  it('sees how long the event loop was held', async () => {
    const watch = new EventLoopWatch();
    try {
      await new Promise((r) => setTimeout(r, 50));
      const held = Date.now() + 300;
      while (Date.now() < held); // the loop can do nothing else meanwhile
      await new Promise((r) => setTimeout(r, 50));
      expect(watch.maxDelayMs()).toBeGreaterThanOrEqual(250);
    } finally {
      watch.onModuleDestroy();
    }
  });
});
