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

  it('with turns, runs on the timer only in a turn it took, says when the run is done, and gives the turn back when it fails', async () => {
    const asked: string[] = [];
    let grant = [false, true, true];
    let runs = 0;
    const turns = {
      take: async (everyMs: number) => {
        asked.push(`take ${everyMs}`);
        return grant.shift() ?? false;
      },
      done: async (everyMs: number) => void asked.push(`done ${everyMs}`),
      giveBack: async () => void asked.push('give back'),
    };
    const periodic = new Periodic(
      async () => {
        runs += 1;
        if (runs === 2) throw new Error('database away');
      },
      () => undefined,
    );
    periodic.start(15, { turns });
    while (asked.length < 6) await new Promise((r) => setTimeout(r, 5));
    await periodic.stop();
    expect(runs).toBe(2);
    expect(asked.slice(0, 6)).toEqual(['take 15', 'take 15', 'done 15', 'take 15', 'give back', 'take 15']);
    grant = [];
    await periodic.runOnce(); // on demand: no turn needed
    expect(runs).toBe(3);
  });
});
