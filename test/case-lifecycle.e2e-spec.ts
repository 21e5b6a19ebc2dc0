import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { DAY_MS, ManualClock } from './support/clock';
import {
  AT_COORDINATOR,
  CaseSteps,
  MINUTE_MS,
  RS_INTAKE,
  bodies,
  caseEnvelope,
  startCaseNodes,
  isoDay,
  referralHandover,
  withHandPartner,
  withSealedConsent,
} from './support/cases';
import { call, eventually, problemFields } from './support/http';
import { TestNetwork } from './support/network';

/**
 * The case state machine (apps/gateway/src/cases/case-states.ts) with real nodes AT (referring) and RS (receiving):
 * every transition through the API, both nodes in the same state after each step, and what does not fit refused —
 * by the API with 409 and a reason, over the wire with a rejected receipt that changes nothing.
 */

const clock = new ManualClock();
let net: TestNetwork;
let steps: CaseSteps;

beforeAll(async () => ({ net, steps } = await startCaseNodes(clock)));
afterAll(() => net?.close());

/** The shared clock moves a minute between steps, so each step has its own instant. */
const tick = () => clock.advance(MINUTE_MS);
const both = (state: string) => ({ AT: state, RS: state });

describe('every transition, through the API, the same on both nodes', () => {
  it('follows a return from request to closed: accepted, return scheduled, arrived, follow-up, closed', async () => {
    const { caseRef } = await steps.open();
    expect(await steps.states(caseRef)).toEqual(both('referred'));
    expect(await steps.view('AT', caseRef)).toMatchObject({ side: 'referring', ourRole: AT_COORDINATOR, partnerRole: RS_INTAKE });
    expect(await steps.view('RS', caseRef)).toMatchObject({ side: 'receiving', ourRole: RS_INTAKE, partnerRole: AT_COORDINATOR });

    tick();
    // An NGO of RS takes the case on: it becomes RS's role for the case on both sides.
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted('RS/astra/return-support'));
    expect(await steps.states(caseRef)).toEqual(both('accepted'));
    expect(await steps.view('AT', caseRef)).toMatchObject({ partnerRole: 'RS/astra/return-support' });
    expect(await steps.view('RS', caseRef)).toMatchObject({ ourRole: 'RS/astra/return-support' });

    tick();
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 10)));
    expect(await steps.states(caseRef)).toEqual(both('return-scheduled'));

    tick();
    await steps.deliver('RS', caseRef, 'arrival.confirmed', bodies.arrived(clock.now()));
    expect(await steps.states(caseRef)).toEqual(both('arrived'));

    tick();
    await steps.deliver('RS', caseRef, 'followup.report', bodies.report(1));
    expect(await steps.states(caseRef)).toEqual(both('in-follow-up'));
    tick();
    await steps.deliver('RS', caseRef, 'followup.report', bodies.report(2));
    expect(await steps.states(caseRef)).toEqual(both('in-follow-up'));

    tick();
    await steps.deliver('AT', caseRef, 'case.closed', bodies.closed());
    expect(await steps.states(caseRef)).toEqual(both('closed'));
    // Closing leaves nothing to wait for on either side.
    for (const node of ['AT', 'RS']) expect((await steps.expectations(node, caseRef)).filter((x) => x.status === 'open')).toEqual([]);
  });

  it('declines a request, which ends the case: nothing more fits it', async () => {
    const { caseRef } = await steps.open();
    tick();
    await steps.deliver('RS', caseRef, 'handover.declined', bodies.declined());
    expect(await steps.states(caseRef)).toEqual(both('declined'));
    for (const node of ['AT', 'RS']) {
      expect((await steps.expectations(node, caseRef)).map((x) => [x.kind, x.status])).toEqual([['acceptance', 'met']]);
    }
    for (const [node, type, body] of [
      ['RS', 'handover.accepted', bodies.accepted()],
      ['AT', 'info.request', bodies.infoRequest()],
      ['RS', 'case.updated', bodies.updated()],
      ['RS', 'case.closed', { reason: 'declined' }],
    ] as const) {
      const r = await steps.attempt(node, caseRef, type, body);
      expect({ type, status: r.status, message: r.body.message }).toEqual({
        type,
        status: 409,
        message: `${type} does not fit case ${caseRef}: the case has ended (declined): no ${type} after that`,
      });
    }
    expect(await steps.states(caseRef)).toEqual(both('declined'));
  });

  it('reschedules a return after a missed arrival, then the person arrives', async () => {
    const { caseRef } = await steps.open();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    const first = isoDay(clock.now(), 5);
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(first));

    tick();
    await steps.deliver('RS', caseRef, 'arrival.missed', bodies.missed());
    expect(await steps.states(caseRef)).toEqual(both('arrival-missed'));

    tick();
    const second = isoDay(clock.now(), 12);
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(second));
    expect(await steps.states(caseRef)).toEqual(both('return-scheduled'));

    tick();
    await steps.deliver('RS', caseRef, 'arrival.confirmed', bodies.arrived(clock.now()));
    expect(await steps.states(caseRef)).toEqual(both('arrived'));

    // Each schedule set its own arrival deadline (date + 2 days); the miss met the first, the arrival the second.
    for (const node of ['AT', 'RS']) {
      const arrivals = (await steps.expectations(node, caseRef)).filter((x) => x.kind === 'arrival');
      expect(arrivals.map((x) => ({ status: x.status, due: x.due_at.toISOString() }))).toEqual([
        { status: 'met', due: new Date(Date.parse(`${first}T00:00:00Z`) + 2 * DAY_MS).toISOString() },
        { status: 'met', due: new Date(Date.parse(`${second}T00:00:00Z`) + 2 * DAY_MS).toISOString() },
      ]);
    }
  });

  it('takes a late arrival.confirmed after arrival.missed', async () => {
    const { caseRef } = await steps.open();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 3)));
    tick();
    await steps.deliver('RS', caseRef, 'arrival.missed', { reason: 'not-met' });
    tick();
    await steps.deliver('RS', caseRef, 'arrival.confirmed', bodies.arrived(clock.now()));
    expect(await steps.states(caseRef)).toEqual(both('arrived'));
  });

  it('exchanges questions, answers and corrections in open states without moving the case; answers name the question', async () => {
    const { caseRef } = await steps.open();
    // In "referred": RS asks, AT answers without naming the question, AT corrects its facts.
    tick();
    const rsQuestion = await steps.deliver('RS', caseRef, 'info.request', bodies.infoRequest());
    tick();
    const atAnswer = await steps.deliver('AT', caseRef, 'info.response', bodies.infoResponse());
    tick();
    await steps.deliver('AT', caseRef, 'case.updated', bodies.updated());
    expect(await steps.states(caseRef)).toEqual(both('referred'));

    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    // In "accepted": AT asks, RS answers, RS corrects.
    tick();
    const atQuestion = await steps.deliver('AT', caseRef, 'info.request', bodies.infoRequest());
    tick();
    const rsAnswer = await steps.deliver('RS', caseRef, 'info.response', bodies.infoResponse());
    tick();
    await steps.deliver('RS', caseRef, 'case.updated', bodies.updated());
    expect(await steps.states(caseRef)).toEqual(both('accepted'));

    const replyOf = async (node: string, id: string) =>
      (await net.sql<{ in_reply_to: string | null }>(node, 'SELECT in_reply_to FROM inbound_message WHERE id = $1', [id]))[0]?.in_reply_to;
    expect({ atAnswer: await replyOf('RS', atAnswer), rsAnswer: await replyOf('AT', rsAnswer) }).toEqual({ atAnswer: rsQuestion, rsAnswer: atQuestion });
  });

  it('follows a referral (no return): accepted, then follow-up reports; return messages do not fit it', async () => {
    const { caseRef } = await steps.open(referralHandover(clock.now()));
    tick();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    expect(await steps.states(caseRef)).toEqual(both('accepted'));
    // Without a return, the first report is due 90 days after acceptance, on both sides.
    for (const node of ['AT', 'RS']) {
      const followups = (await steps.expectations(node, caseRef)).filter((x) => x.kind === 'followup');
      expect(followups.map((x) => ({ status: x.status, due: x.due_at.toISOString() }))).toEqual([
        { status: 'open', due: new Date(clock.now().getTime() + 90 * DAY_MS).toISOString() },
      ]);
    }

    const scheduled = await steps.attempt('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 4)));
    expect(scheduled.status).toBe(409);
    expect(scheduled.body.message).toContain('return.scheduled is only for cases of purpose return');

    tick();
    await steps.deliver('RS', caseRef, 'followup.report', bodies.report(1));
    expect(await steps.states(caseRef)).toEqual(both('in-follow-up'));
    for (const node of ['AT', 'RS']) {
      expect((await steps.expectations(node, caseRef)).filter((x) => x.kind === 'followup').map((x) => x.status)).toEqual(['met', 'open']);
    }
  });

  it('withdraws consent: RS purges what it holds, answers purge.confirmed by itself, and both nodes hold the case withdrawn', async () => {
    const sample = sampleReturnHandover(clock.now());
    const request = await steps.open({
      body: withSealedConsent(sample.body),
      sealed: { givenName: 'Sample', familyName: 'Person', dateOfBirth: '1990-01-01' },
    });
    const { caseRef } = request;
    const held = async (node: string, table: string) =>
      (
        await net.sql<{ jws: string | null; sealed: string | null; purged: boolean; digest: string }>(
          node,
          `SELECT jws, envelope->>'sealed' AS sealed, purged_at IS NOT NULL AS purged, digest${table === 'outbound_message' ? ', sealed_at_rest' : ''} FROM ${table} WHERE id = $1`,
          [request.id],
        )
      )[0];
    const before = await held('RS', 'inbound_message');
    expect(before).toMatchObject({ jws: expect.any(String), sealed: expect.any(String), purged: false });
    expect(await held('AT', 'outbound_message')).toMatchObject({ sealed: before.sealed, sealed_at_rest: expect.any(String), purged: false });

    tick();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    tick();
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 6)));
    tick();
    const withdrawal = await steps.deliver('AT', caseRef, 'consent.withdrawn', bodies.withdrawn(clock.now()));

    // RS answers by itself; AT takes the answer.
    const [answer] = await eventually(async () => {
      const rows = await net.sql<{ id: string; in_reply_to: string; state: string; body: unknown }>(
        'RS',
        `SELECT id, in_reply_to, state, envelope->'body' AS body FROM outbound_message WHERE case_ref = $1 AND type = 'purge.confirmed' AND state NOT IN ('queued', 'sent')`,
        [caseRef],
      );
      return rows.length ? rows : undefined;
    });
    expect(answer).toEqual({
      id: expect.any(String),
      in_reply_to: withdrawal,
      state: 'delivered',
      body: { purgedAt: clock.now().toISOString(), scope: ['share-coded', 'share-sealed'] },
    });
    expect((await steps.received('AT', caseRef)).filter((m) => m.type === 'purge.confirmed')).toEqual([
      { id: answer.id, type: 'purge.confirmed', status: 'delivered', reject_reason: null, in_reply_to: withdrawal },
    ]);

    expect(await steps.states(caseRef)).toEqual(both('withdrawn'));
    // The sealed part and the signed bytes that carry it are gone on both nodes; the digest stays as evidence.
    expect(await held('RS', 'inbound_message')).toEqual({ jws: null, sealed: null, purged: true, digest: before.digest });
    expect(await held('AT', 'outbound_message')).toMatchObject({ jws: null, sealed: null, sealed_at_rest: null, purged: true });
    // Withdrawing everything erased the case's deadlines with its coded data on both sides (test/consent-withdrawal).
    for (const node of ['AT', 'RS']) expect(await steps.expectations(node, caseRef)).toEqual([]);
  });
});

describe('what does not fit is refused, with the reason', () => {
  it('refuses through the API with 409 naming why, and sends nothing', async () => {
    const { caseRef } = await steps.open();
    const outbox = async (node: string) => (await net.sql(node, 'SELECT id FROM outbound_message WHERE case_ref = $1', [caseRef])).length;
    const sentBefore = { AT: await outbox('AT'), RS: await outbox('RS') };

    const refusals = [
      ['RS', 'arrival.confirmed', bodies.arrived(clock.now()), 'arrival.confirmed does not fit a case that is referred'],
      ['RS', 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 4)), 'return.scheduled comes from the referring side of a case'],
      ['AT', 'handover.accepted', { role: AT_COORDINATOR }, 'handover.accepted comes from the receiving side of a case'],
      ['AT', 'followup.report', bodies.report(1), 'followup.report comes from the receiving side of a case'],
      ['RS', 'consent.withdrawn', bodies.withdrawn(clock.now()), 'consent.withdrawn comes from the referring side of a case'],
    ] as const;
    for (const [node, type, body, reason] of refusals) {
      const r = await steps.attempt(node, caseRef, type, body);
      expect({ type, status: r.status, message: r.body.message }).toEqual({ type, status: 409, message: `${type} does not fit case ${caseRef}: ${reason}` });
    }

    // A body that is not valid for its type is a 400 naming the field.
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    const bad = await steps.attempt('AT', caseRef, 'return.scheduled', {
      ...bodies.scheduled(isoDay(clock.now(), 4)),
      arrivalPoint: { kind: 'airport', code: 'beg' },
    });
    expect(bad.status).toBe(400);
    expect(problemFields(bad.body)).toEqual(['body.arrivalPoint.code']);

    await steps.deliver('AT', caseRef, 'case.closed', bodies.closed());
    for (const [node, type, body] of [
      ['AT', 'info.request', bodies.infoRequest()],
      ['RS', 'case.updated', bodies.updated()],
      ['AT', 'case.closed', bodies.closed()],
      ['RS', 'followup.report', bodies.report(1)],
    ] as const) {
      const r = await steps.attempt(node, caseRef, type, body);
      expect({ node, type, status: r.status, message: r.body.message }).toEqual({
        node,
        type,
        status: 409,
        message: `${type} does not fit case ${caseRef}: the case has ended (closed): no ${type} after that`,
      });
    }
    expect(await steps.states(caseRef)).toEqual(both('closed'));
    // Only the acceptance and the close went out.
    expect({ AT: await outbox('AT'), RS: await outbox('RS') }).toEqual({ AT: sentBefore.AT + 1, RS: sentBefore.RS + 1 });
  });

  it('answers a bad list query with 400 naming each field', async () => {
    const problems = async (path: string) => {
      const r = await call(steps.url('RS'), 'GET', path);
      expect(r.status).toBe(400);
      return problemFields(r.body)?.sort();
    };
    expect(await problems('/v1/cases?state=lost&limit=0&role=nobody')).toEqual(['limit', 'role', 'state']);
    expect(await problems('/v1/alerts?limit=501')).toEqual(['limit']);
  });

  it('rejects over the wire what RS (played by hand) sends before acceptance: invalid-body, AT unchanged', async () => {
    const { caseRef } = await steps.open();
    const before = await steps.expectations('AT', caseRef);
    await net.stop('RS');
    try {
      const envelope = caseEnvelope('RS', 'AT', caseRef, 'arrival.confirmed', bodies.arrived(clock.now()), clock.now());
      const receipt = await withHandPartner(net, 'RS', 'AT', async (rs) => {
        await rs.send(envelope);
        return rs.nextReceipt();
      });
      expect(receipt.envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'invalid-body' });
      expect((await steps.view('AT', caseRef)).state).toBe('referred');
      expect(await steps.expectations('AT', caseRef)).toEqual(before);
      expect((await steps.received('AT', caseRef)).find((m) => m.id === envelope.id)).toMatchObject({ status: 'rejected', reject_reason: 'invalid-body' });
      const shown = (await steps.view('AT', caseRef)).timeline.find((e) => e.message === envelope.id);
      expect(shown).toMatchObject({ event: 'received arrival.confirmed', receipt: 'rejected (invalid-body)' });
    } finally {
      await net.start('RS');
    }
  });

  it('rejects over the wire what AT (played by hand) sends after case.closed, or for the other side: invalid-body, RS unchanged', async () => {
    const closed = await steps.open();
    await steps.deliver('AT', closed.caseRef, 'case.closed', { reason: 'no-longer-needed' });
    const open = await steps.open();
    await steps.deliver('RS', open.caseRef, 'handover.accepted', bodies.accepted());
    await net.stop('AT');
    try {
      const late = caseEnvelope('AT', 'RS', closed.caseRef, 'case.updated', bodies.updated(), clock.now());
      const wrongSide = caseEnvelope('AT', 'RS', open.caseRef, 'followup.report', bodies.report(1), clock.now());
      const receipts = await withHandPartner(net, 'AT', 'RS', async (at) => {
        const out = [];
        for (const e of [late, wrongSide]) {
          await at.send(e);
          out.push((await at.nextReceipt()).envelope.body);
        }
        return out;
      });
      expect(receipts).toEqual([
        expect.objectContaining({ ref: late.id, status: 'rejected', reason: 'invalid-body' }),
        expect.objectContaining({ ref: wrongSide.id, status: 'rejected', reason: 'invalid-body' }),
      ]);
      expect((await steps.view('RS', closed.caseRef)).state).toBe('closed');
      expect((await steps.view('RS', open.caseRef)).state).toBe('accepted');
      expect((await steps.expectations('RS', open.caseRef)).filter((x) => x.kind === 'followup')).toEqual([]);
    } finally {
      await net.start('AT');
    }
    expect(await steps.states(open.caseRef)).toEqual(both('accepted'));
  });
});
