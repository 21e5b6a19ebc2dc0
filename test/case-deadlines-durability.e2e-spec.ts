import { INestApplication } from '@nestjs/common';
import { startGateway } from '../apps/gateway/src/gateway';
import { DeadlineWatch } from '../apps/gateway/src/cases/deadline-watch';
import { ManualClock } from './support/clock';
import { AT_COORDINATOR, CaseSteps, HOUR_MS, MINUTE_MS, RS_FALLBACK, startCaseNodes } from './support/cases';
import { TestNetwork } from './support/network';

/**
 * Deadlines are rows, not timers: a node that was down when one passed escalates it after its restart, and two
 * replicas of one node (same schema, same vhost) escalate each missed deadline exactly once between them.
 */

const clock = new ManualClock();
let net: TestNetwork;
let steps: CaseSteps;

beforeAll(async () => ({ net, steps } = await startCaseNodes(clock)));
afterAll(() => net?.close());

const ESCALATED = (copy: string) => [
  { action: 'alert', target: AT_COORDINATOR, step: 1, message_id: null },
  { action: 'copy-to-fallback', target: RS_FALLBACK, step: 1, message_id: copy },
];

/** The copies of the handover.request AT sent for a case (those with inReplyTo). */
const copies = async (caseRef: string) =>
  (
    await net.sql<{ id: string }>('AT', `SELECT id FROM outbound_message WHERE case_ref = $1 AND type = 'handover.request' AND in_reply_to IS NOT NULL`, [
      caseRef,
    ])
  ).map((r) => r.id);

it('escalates after a restart an acceptance deadline that passed while AT was stopped', async () => {
  const requestedAt = clock.now().getTime();
  const { id, caseRef } = await steps.open();
  await net.stop('AT');
  clock.set(new Date(requestedAt + 48 * HOUR_MS + MINUTE_MS));
  await net.start('AT');
  expect(await steps.escalations('AT', caseRef)).toEqual([]);

  expect(await steps.runOnce('AT')).toBe(1);
  const [copy] = await copies(caseRef);
  expect(await steps.escalations('AT', caseRef)).toEqual(ESCALATED(copy));
  expect(await steps.outcome('AT', copy)).toEqual({ state: 'delivered', reject_reason: null });
  expect((await steps.received('RS', caseRef)).map((m) => [m.type, m.in_reply_to])).toEqual([
    ['handover.request', null],
    ['handover.request', id],
  ]);
});

it('escalates each missed deadline once when two replicas of AT look at the same moment', async () => {
  const requestedAt = clock.now().getTime();
  const cases = [];
  for (let i = 0; i < 5; i++) cases.push(await steps.open());
  clock.set(new Date(requestedAt + 48 * HOUR_MS + MINUTE_MS));

  let replica: INestApplication | null = null;
  try {
    replica = await startGateway(net.node('AT').config, { clock, logger: false });
    const watches = [net.node('AT').app!.get(DeadlineWatch), replica.get(DeadlineWatch)];
    const first = await Promise.all(watches.map((w) => w.runOnce()));
    const again = await Promise.all(watches.map((w) => w.runOnce()));
    expect({ first: first[0] + first[1], again: again[0] + again[1] }).toEqual({ first: cases.length, again: 0 });

    for (const { id, caseRef } of cases) {
      const sent = await copies(caseRef);
      expect({ caseRef, copies: sent.length }).toEqual({ caseRef, copies: 1 });
      expect({ caseRef, escalations: await steps.escalations('AT', caseRef) }).toEqual({ caseRef, escalations: ESCALATED(sent[0]) });
      expect(await steps.outcome('AT', sent[0])).toEqual({ state: 'delivered', reject_reason: null });
      expect({ caseRef, atRS: (await steps.received('RS', caseRef)).map((m) => m.in_reply_to) }).toEqual({ caseRef, atRS: [null, id] });
    }
    const refs = cases.map((c) => c.caseRef);
    const [{ n }] = await net.sql<{ n: number }>('AT', 'SELECT count(*)::int AS n FROM escalation WHERE case_ref = ANY($1)', [refs]);
    expect(n).toBe(2 * cases.length);
  } finally {
    await replica?.close();
  }
});
