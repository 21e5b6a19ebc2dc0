import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { call, eventually } from './support/http';
import { ManualClock } from './support/clock';
import { CaseSteps, MINUTE_MS, bodies, startCaseNodes, isoDay, referralHandover, withHandPartner } from './support/cases';
import { TestNetwork } from './support/network';

/**
 * Case messages that come twice, too early, or queued while the partner is away — with real nodes AT and RS (and
 * HandPartner where a well-behaved gateway would never send such a thing). A message changes a case on both nodes or
 * on neither, once, and a case's messages arrive in the order they were sent.
 */

const clock = new ManualClock();
let net: TestNetwork;
let steps: CaseSteps;

beforeAll(async () => ({ net, steps } = await startCaseNodes(clock)));
afterAll(() => net?.close());

const tick = () => clock.advance(MINUTE_MS);
const both = (state: string) => ({ AT: state, RS: state });
const count = async (node: string, sql: string, params: unknown[]) =>
  (await net.sql<{ n: number }>(node, `SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;

/** Runs `work` while `node`'s gateway is stopped, and starts it again. */
async function whileStopped<T>(node: string, work: () => Promise<T>): Promise<T> {
  await net.stop(node);
  try {
    return await work();
  } finally {
    await net.start(node);
  }
}

describe('duplicates', () => {
  it('applies a handover.request delivered twice (the same JWS) once, and answers the repeat with the first receipt', async () => {
    const { request, receipts } = await whileStopped('AT', () =>
      withHandPartner(net, 'AT', 'RS', async (at) => {
        const envelope = at.handover({ createdAt: clock.now().toISOString() });
        const jws = await at.sign(envelope);
        await at.publish(jws, envelope);
        const first = await at.nextReceipt();
        await at.publish(jws, envelope);
        const second = await at.nextReceipt();
        return { request: envelope, receipts: [first, second] };
      }),
    );
    expect(receipts[0].envelope.body).toMatchObject({ ref: request.id, status: 'delivered' });
    expect(receipts[1].jws).toBe(receipts[0].jws);

    expect(await count('RS', 'case_file WHERE case_ref = $1', [request.caseRef])).toBe(1);
    expect(await count('RS', 'inbound_message WHERE id = $1', [request.id])).toBe(1);
    expect((await steps.expectations('RS', request.caseRef)).map((x) => [x.kind, x.status])).toEqual([['acceptance', 'open']]);
    const timeline = (await steps.view('RS', request.caseRef)).timeline.map((e) => e.event);
    expect(timeline.filter((e) => e === 'received handover.request')).toHaveLength(1);
    expect(timeline.filter((e) => e === 'deadline set: acceptance')).toHaveLength(1);
  });

  it('applies a return.scheduled that AT resent (no receipt in time) once, on both nodes', async () => {
    const { caseRef } = await steps.open();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    tick();
    const id = await whileStopped('RS', async () => {
      const sent = await steps.submit('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 8)));
      await steps.published('AT', sent);
      // No receipt within the receipt timeout (5 min): AT publishes the same bytes again.
      clock.advance(6 * MINUTE_MS);
      await eventually(
        async () =>
          (await net.sql<{ attempts: number }>('AT', 'SELECT attempts FROM outbound_message WHERE id = $1', [sent]))[0].attempts >= 2 ? true : undefined,
        20_000,
        'AT to resend',
      );
      return sent;
    });
    expect(await steps.outcome('AT', id)).toEqual({ state: 'delivered', reject_reason: null });
    expect(await steps.states(caseRef)).toEqual(both('return-scheduled'));
    for (const node of ['AT', 'RS']) {
      expect({ node, arrivals: (await steps.expectations(node, caseRef)).filter((x) => x.kind === 'arrival').map((x) => x.status) }).toEqual({
        node,
        arrivals: ['open'],
      });
    }
    expect((await steps.received('RS', caseRef)).filter((m) => m.type === 'return.scheduled')).toHaveLength(1);
    expect((await steps.view('AT', caseRef)).timeline.map((e) => e.event)).toContain('resent return.scheduled');
  });
});

describe('a message before its prerequisite', () => {
  it('is refused by the receiver, and the sender does not move either: both stay equal', async () => {
    const { caseRef } = await steps.open(referralHandover(clock.now()));
    const [accepted, report] = await whileStopped('AT', async () => {
      // The acceptance goes to a role AT does not publish: AT will reject it. The report, checked against the case as
      // it will be once the acceptance is delivered, waits behind it.
      tick();
      const a = await steps.submit('RS', caseRef, 'handover.accepted', bodies.accepted(), { recipient: 'AT/nobody/here' });
      await steps.published('RS', a);
      tick();
      const r = await steps.submit('RS', caseRef, 'followup.report', bodies.report(1));
      return [a, r];
    });
    expect(await steps.outcome('RS', accepted)).toEqual({ state: 'rejected', reject_reason: 'unknown-recipient' });
    expect(await steps.outcome('RS', report)).toEqual({ state: 'rejected', reject_reason: 'invalid-body' });
    expect((await steps.received('AT', caseRef)).map((m) => [m.type, m.status, m.reject_reason])).toEqual([
      ['handover.accepted', 'rejected', 'unknown-recipient'],
      ['followup.report', 'rejected', 'invalid-body'],
    ]);
    expect(await steps.states(caseRef)).toEqual(both('referred'));
    for (const node of ['AT', 'RS']) {
      expect({ node, deadlines: (await steps.expectations(node, caseRef)).map((x) => [x.kind, x.status]) }).toEqual({
        node,
        deadlines: [['acceptance', 'open']],
      });
    }
  });
});

describe('per-case order at the sender', () => {
  it('delivers two messages queued for a case while the partner is stopped in the order they were sent', async () => {
    const { caseRef } = await steps.open();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    const [scheduled, closed] = await whileStopped('RS', async () => {
      tick();
      const s = await steps.submit('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 9)));
      tick();
      const c = await steps.submit('AT', caseRef, 'case.closed', bodies.closed());
      await steps.published('AT', s);
      return [s, c];
    });
    // Reversed, the schedule would have come after the close and been refused.
    expect({ scheduled: await steps.outcome('AT', scheduled), closed: await steps.outcome('AT', closed) }).toEqual({
      scheduled: { state: 'delivered', reject_reason: null },
      closed: { state: 'delivered', reject_reason: null },
    });
    expect((await steps.received('RS', caseRef)).map((m) => [m.type, m.status])).toEqual([
      ['handover.request', 'delivered'],
      ['return.scheduled', 'delivered'],
      ['case.closed', 'delivered'],
    ]);
    expect(await steps.states(caseRef)).toEqual(both('closed'));
  });

  it('keeps the order of messages of one case submitted within the same millisecond', async () => {
    // The manual clock stands still: the messages below are created at the same instant, as a script's calls may be.
    // Each case's handover.request leaves at once (RS's broker confirms it); its info.request and case.closed wait
    // behind it. Random ids put the close before the question in about half the cases: make sure two are such.
    const inverted = (c: { ids: string[] }) => c.ids[2] < c.ids[1];
    const sent = await whileStopped('RS', async () => {
      const cases: Array<{ caseRef: string; ids: string[] }> = [];
      while (cases.filter(inverted).length < 2 && cases.length < 40) {
        const r = await call(net.node('AT').url, 'POST', '/v1/handovers', sampleReturnHandover(clock.now()));
        expect(r.status).toBe(202);
        const question = await steps.submit('AT', r.body.caseRef, 'info.request', bodies.infoRequest());
        const close = await steps.submit('AT', r.body.caseRef, 'case.closed', bodies.closed());
        cases.push({ caseRef: r.body.caseRef, ids: [r.body.id, question, close] });
      }
      return cases;
    });
    expect(sent.filter(inverted).length).toBeGreaterThanOrEqual(2);
    for (const c of sent) {
      const outcomes = [];
      for (const id of c.ids) outcomes.push((await steps.outcome('AT', id)).state);
      expect({ caseRef: c.caseRef, outcomes, states: await steps.states(c.caseRef) }).toEqual({
        caseRef: c.caseRef,
        outcomes: ['delivered', 'delivered', 'delivered'],
        states: both('closed'),
      });
    }
  });
});

describe('an answer that arrives together with the receipt of what it answers', () => {
  it("takes RS's automatic purge.confirmed when it comes in with the receipt of AT's consent.withdrawn", async () => {
    const { caseRef } = await steps.open();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    tick();
    // AT withdraws consent while RS is down, and is down itself when RS comes back and answers: the receipt and
    // purge.confirmed wait together in AT's queue.
    await net.stop('RS');
    const withdrawal = await steps.submit('AT', caseRef, 'consent.withdrawn', bodies.withdrawn(clock.now()));
    await steps.published('AT', withdrawal);
    await net.stop('AT');
    await net.start('RS');
    const answer = await eventually(
      async () => {
        const [row] = await net.sql<{ id: string; state: string }>(
          'RS',
          `SELECT id, state FROM outbound_message WHERE case_ref = $1 AND type = 'purge.confirmed'`,
          [caseRef],
        );
        return row?.state === 'sent' ? row.id : undefined;
      },
      20_000,
      'RS to send purge.confirmed',
    );
    await net.start('AT');

    expect(await steps.outcome('AT', withdrawal)).toEqual({ state: 'delivered', reject_reason: null });
    expect(await steps.outcome('RS', answer)).toEqual({ state: 'delivered', reject_reason: null });
    expect(await steps.states(caseRef)).toEqual(both('withdrawn'));
  });
});
