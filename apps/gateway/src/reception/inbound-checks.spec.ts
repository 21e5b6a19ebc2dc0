import { Envelope } from '@trm/wire';
import { InboundCheck, InboundChecks } from './inbound-checks';

const envelope = (id: string) => ({ id }) as Envelope;

/** A check that refuses the given ids and writes down which ids it was shown. */
const refusing = (name: string, refuse: Record<string, string>, shown: string[][]): InboundCheck => ({
  refusals: (envelopes) => {
    shown.push([name, ...envelopes.map((e) => e.id)]);
    return Promise.resolve(new Map(envelopes.filter((e) => e.id in refuse).map((e) => [e.id, refuse[e.id]])));
  },
});

describe('InboundChecks', () => {
  it('runs the checks in order, each on the batch in order without what an earlier one refused, and merges the refusals in that order', async () => {
    const shown: string[][] = [];
    const checks = new InboundChecks([
      refusing('case', { b: 'no such case' }, shown),
      refusing('state', { b: 'not now', d: 'case is closed' }, shown),
      refusing('sequence', { a: 'out of order' }, shown),
    ]);
    const refused = await checks.refusals(['a', 'b', 'c', 'd'].map(envelope));
    expect(shown).toEqual([
      ['case', 'a', 'b', 'c', 'd'],
      ['state', 'a', 'c', 'd'],
      ['sequence', 'a', 'c'],
    ]);
    expect([...refused]).toEqual([
      ['b', 'no such case'],
      ['d', 'case is closed'],
      ['a', 'out of order'],
    ]);
  });

  it('refuses nothing without checks, or when no check refuses', async () => {
    expect((await new InboundChecks([]).refusals([envelope('a')])).size).toBe(0);
    expect((await new InboundChecks([refusing('case', {}, [])]).refusals([envelope('a')])).size).toBe(0);
  });
});
