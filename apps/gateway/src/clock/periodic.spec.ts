import { Periodic } from './periodic';

describe('Periodic', () => {
  it('runs one at a time: a run asked for during another starts after it ends', async () => {
    const log: string[] = [];
    let n = 0;
    const periodic = new Periodic(
      async () => {
        const me = ++n;
        log.push(`start ${me}`);
        await new Promise((r) => setTimeout(r, 20));
        log.push(`end ${me}`);
        return me;
      },
      () => undefined,
    );
    expect(await Promise.all([periodic.runOnce(), periodic.runOnce(), periodic.runOnce()])).toEqual([1, 2, 3]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('throws a failed run to the caller of runOnce, and runs again afterwards', async () => {
    let fail = true;
    const periodic = new Periodic(
      async () => {
        if (fail) throw new Error('database away');
        return 'ok';
      },
      () => undefined,
    );
    await expect(periodic.runOnce()).rejects.toThrow('database away');
    fail = false;
    await expect(periodic.runOnce()).resolves.toBe('ok');
  });

  it('reports to onError what fails on the timer, runs at start when asked, and stops', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const periodic = new Periodic(
      async () => {
        runs += 1;
        throw new Error(`run ${runs}`);
      },
      (err) => errors.push(err),
    );
    periodic.start(15, { atStart: true });
    await new Promise((r) => setTimeout(r, 5));
    expect(runs).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    await periodic.stop();
    const after = runs;
    expect(after).toBeGreaterThan(1);
    expect(errors.map((e) => (e as Error).message)).toEqual(Array.from({ length: after }, (_, i) => `run ${i + 1}`));
    await new Promise((r) => setTimeout(r, 40));
    expect(runs).toBe(after);
  });
});
