import { localMidnight } from '../apps/gateway/src/clock/local-day';
import { DAY_MS, ManualClock } from './support/clock';
import {
  AT_COORDINATOR,
  CaseSteps,
  HOUR_MS,
  MINUTE_MS,
  RS_COORDINATOR,
  RS_FALLBACK,
  bodies,
  caseEnvelope,
  startCaseNodes,
  isoDay,
  withHandPartner,
} from './support/cases';
import { call } from './support/http';
import { TestNetwork } from './support/network';

/**
 * The deadlines of profile section 9 with real nodes AT (referring) and RS (receiving) on one manual clock, row by row
 * of the README's table: RS owes each answer and alerts its coordinator at the deadline; AT waits and alerts its own
 * at the deadline (acceptance, with a copy to the recipient's fallback; arrival) or 14 days later (follow-up). Each
 * escalated once, and met late when the answer comes; an answer made in time is met in time, however late it arrives.
 * The return date is a day in RS's time zone. Deadlines are checked only when the test calls runOnce().
 */

const at = (ms: number) => new Date(ms).toISOString();
const alertsFor = async (net: TestNetwork, node: string, role: string, caseRef: string) =>
  (await call(net.node(node).url, 'GET', `/v1/alerts?role=${encodeURIComponent(role)}`)).body.items.filter((a: { caseRef: string }) => a.caseRef === caseRef);
/** An alert of `role` at the clock's now about a deadline of `kind` due at `due`. */
const alert = (caseRef: string, role: string, now: Date, kind: string, due: number) => ({
  caseRef,
  at: now.toISOString(),
  role,
  expectation: expect.any(String),
  kind,
  dueAt: at(due),
});
/** `instant` as a wall clock in Belgrade, `YYYY-MM-DD hh:mm`. */
const inBelgrade = (instant: number) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Belgrade', dateStyle: 'short', timeStyle: 'short' }).format(instant);

describe('deadlines of the default agreement', () => {
  const clock = new ManualClock();
  let net: TestNetwork;
  let steps: CaseSteps;

  // RS is in Belgrade, and AT knows it; AT's own zone (London, an hour off Belgrade's) is not the one that counts.
  beforeAll(async () => {
    ({ net, steps } = await startCaseNodes(clock, (config) => {
      config.timeZone = config.node === 'RS' ? 'Europe/Belgrade' : 'Europe/London';
      for (const p of config.partners) p.timeZone = p.node === 'RS' ? 'Europe/Belgrade' : 'Europe/London';
    }));
  });
  afterAll(() => net?.close());

  it('escalates an unanswered handover once after 48 h: a copy to the fallback, both coordinators alerted; a late acceptance meets it', async () => {
    const requestedAt = clock.now().getTime();
    const { id, caseRef } = await steps.open();
    const due = requestedAt + 48 * HOUR_MS;
    expect((await steps.expectations('AT', caseRef)).map((x) => [x.kind, x.owed_by, x.status, x.due_at.toISOString()])).toEqual([
      ['acceptance', 'partner', 'open', at(due)],
    ]);
    expect((await steps.expectations('RS', caseRef)).map((x) => [x.kind, x.owed_by, x.status, x.due_at.toISOString()])).toEqual([
      ['acceptance', 'us', 'open', at(due)],
    ]);

    // Not yet due: nothing happens.
    clock.set(new Date(due - MINUTE_MS));
    await steps.runOnce('AT');
    await steps.runOnce('RS');
    expect({ AT: await steps.escalations('AT', caseRef), RS: await steps.escalations('RS', caseRef) }).toEqual({ AT: [], RS: [] });
    expect(await steps.overdue('AT', caseRef)).toEqual([]);

    clock.set(new Date(due + MINUTE_MS));
    expect(await steps.runOnce('AT')).toBeGreaterThanOrEqual(1);
    const atEscalations = await steps.escalations('AT', caseRef);
    expect(atEscalations).toEqual([
      { action: 'alert', target: AT_COORDINATOR, step: 1, message_id: null },
      { action: 'copy-to-fallback', target: RS_FALLBACK, step: 1, message_id: expect.any(String) },
    ]);
    const copy = atEscalations[1].message_id!;
    expect(await steps.outcome('AT', copy)).toEqual({ state: 'delivered', reject_reason: null });
    const [original, sent] = await net.sql<{ envelope: any; trace_context: unknown }>(
      'AT',
      'SELECT envelope, trace_context FROM outbound_message WHERE id = ANY($1::uuid[]) ORDER BY in_reply_to NULLS FIRST',
      [[id, copy]],
    );
    expect(sent.envelope).toEqual({ ...original.envelope, id: copy, recipient: RS_FALLBACK, inReplyTo: id, createdAt: clock.now().toISOString() });
    // It goes on in the handover's trace.
    expect(sent.trace_context).toEqual(original.trace_context);

    // RS takes the copy as part of the case, for the fallback role: no second case.
    expect((await steps.received('RS', caseRef)).map((m) => [m.id, m.type, m.status, m.in_reply_to])).toEqual([
      [id, 'handover.request', 'delivered', null],
      [copy, 'handover.request', 'delivered', id],
    ]);
    expect((await net.sql('RS', 'SELECT routed_to FROM inbound_message WHERE id = $1', [copy]))[0]).toEqual({ routed_to: RS_FALLBACK });
    expect((await net.sql('RS', 'SELECT id FROM case_file WHERE case_ref = $1', [caseRef])).map((r: any) => r.id)).toEqual([id]);
    expect(await steps.states(caseRef)).toEqual({ AT: 'referred', RS: 'referred' });
    expect((await steps.expectations('RS', caseRef)).map((x) => x.kind)).toEqual(['acceptance']);
    // The fallback the copy waits with now takes part in the case, so its holders can open and answer it.
    const onRs = await steps.view('RS', caseRef);
    expect({ participants: onRs.participants, added: onRs.timeline.filter((e) => e.event === 'participant added') }).toEqual({
      participants: [RS_FALLBACK],
      added: [{ at: clock.now().toISOString(), event: 'participant added', role: RS_FALLBACK, reason: 'escalation-copy', copy }],
    });

    expect(await steps.overdue('AT', caseRef)).toEqual([
      {
        caseRef,
        kind: 'acceptance',
        owedBy: 'partner',
        dueAt: at(due),
        overdueMs: MINUTE_MS,
        overdue: '1 min',
        status: 'missed',
        alerted: [AT_COORDINATOR],
        copiedTo: [RS_FALLBACK],
      },
    ]);
    expect(await alertsFor(net, 'AT', AT_COORDINATOR, caseRef)).toEqual([alert(caseRef, AT_COORDINATOR, clock.now(), 'acceptance', due)]);

    // RS owes the answer: overdue there too, and its own coordinator is alerted when RS looks.
    expect(await steps.overdue('RS', caseRef)).toEqual([
      { caseRef, kind: 'acceptance', owedBy: 'us', dueAt: at(due), overdueMs: MINUTE_MS, overdue: '1 min', status: 'open', alerted: [], copiedTo: [] },
    ]);
    expect(await steps.runOnce('RS')).toBeGreaterThanOrEqual(1);
    expect(await steps.escalations('RS', caseRef)).toEqual([{ action: 'alert', target: RS_COORDINATOR, step: 1, message_id: null }]);
    expect(await steps.overdue('RS', caseRef)).toEqual([
      {
        caseRef,
        kind: 'acceptance',
        owedBy: 'us',
        dueAt: at(due),
        overdueMs: MINUTE_MS,
        overdue: '1 min',
        status: 'missed',
        alerted: [RS_COORDINATOR],
        copiedTo: [],
      },
    ]);
    expect(await alertsFor(net, 'RS', RS_COORDINATOR, caseRef)).toEqual([alert(caseRef, RS_COORDINATOR, clock.now(), 'acceptance', due)]);

    // Never repeated, however often and however late the nodes look again.
    for (const later of [0, DAY_MS]) {
      clock.advance(later);
      await steps.runOnce('AT');
      await steps.runOnce('RS');
    }
    expect({ AT: await steps.escalations('AT', caseRef), RS: await steps.escalations('RS', caseRef) }).toEqual({
      AT: atEscalations,
      RS: [{ action: 'alert', target: RS_COORDINATOR, step: 1, message_id: null }],
    });
    expect((await net.sql('AT', `SELECT id FROM outbound_message WHERE case_ref = $1 AND type = 'handover.request'`, [caseRef])).length).toBe(2);

    // The acceptance comes late: the deadline is met (late) on both sides and no longer overdue.
    const accepted = await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    for (const node of ['AT', 'RS']) {
      expect({ node, overdue: await steps.overdue(node, caseRef) }).toEqual({ node, overdue: [] });
      expect({ node, deadlines: (await steps.expectations(node, caseRef)).map((x) => [x.kind, x.status, x.settled_by]) }).toEqual({
        node,
        deadlines: [['acceptance', 'met', accepted]],
      });
    }
    expect(await steps.states(caseRef)).toEqual({ AT: 'accepted', RS: 'accepted' });
  });

  it('alerts both coordinators when 2 days pass after the return date began in Belgrade without news of the arrival', async () => {
    const { caseRef } = await steps.open();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    const date = isoDay(clock.now(), 3);
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(date));
    const due = localMidnight(date, 'Europe/Belgrade').getTime() + 2 * DAY_MS;
    expect(inBelgrade(due - 2 * DAY_MS)).toBe(`${date} 00:00`);
    for (const node of ['AT', 'RS']) {
      expect({
        node,
        arrival: (await steps.expectations(node, caseRef)).filter((x) => x.kind === 'arrival').map((x) => [x.status, x.due_at.toISOString()]),
      }).toEqual({
        node,
        arrival: [['open', at(due)]],
      });
    }

    clock.set(new Date(due - MINUTE_MS));
    await steps.runOnce('AT');
    await steps.runOnce('RS');
    expect({ AT: await steps.escalations('AT', caseRef), RS: await steps.escalations('RS', caseRef) }).toEqual({ AT: [], RS: [] });

    clock.set(new Date(due + HOUR_MS));
    await steps.runOnce('AT');
    await steps.runOnce('RS');
    expect({ AT: await steps.escalations('AT', caseRef), RS: await steps.escalations('RS', caseRef) }).toEqual({
      AT: [{ action: 'alert', target: AT_COORDINATOR, step: 1, message_id: null }],
      RS: [{ action: 'alert', target: RS_COORDINATOR, step: 1, message_id: null }],
    });
    expect(await steps.overdue('AT', caseRef)).toEqual([
      {
        caseRef,
        kind: 'arrival',
        owedBy: 'partner',
        dueAt: at(due),
        overdueMs: HOUR_MS,
        overdue: '1 h 0 min',
        status: 'missed',
        alerted: [AT_COORDINATOR],
        copiedTo: [],
      },
    ]);
    expect(await steps.overdue('RS', caseRef)).toEqual([
      {
        caseRef,
        kind: 'arrival',
        owedBy: 'us',
        dueAt: at(due),
        overdueMs: HOUR_MS,
        overdue: '1 h 0 min',
        status: 'missed',
        alerted: [RS_COORDINATOR],
        copiedTo: [],
      },
    ]);
    expect(await alertsFor(net, 'AT', AT_COORDINATOR, caseRef)).toEqual([alert(caseRef, AT_COORDINATOR, clock.now(), 'arrival', due)]);
    expect(await alertsFor(net, 'RS', RS_COORDINATOR, caseRef)).toEqual([alert(caseRef, RS_COORDINATOR, clock.now(), 'arrival', due)]);

    // Late news of the arrival meets it on both sides.
    await steps.deliver('RS', caseRef, 'arrival.confirmed', bodies.arrived(clock.now()));
    for (const node of ['AT', 'RS']) expect({ node, overdue: await steps.overdue(node, caseRef) }).toEqual({ node, overdue: [] });
  });

  it("alerts RS's coordinator 90 days after the arrival without a report, AT's only 14 days later; a report meets it and sets the next", async () => {
    const { caseRef } = await steps.open();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 2)));
    clock.advance(2 * DAY_MS);
    const arrivedAt = clock.now().getTime();
    await steps.deliver('RS', caseRef, 'arrival.confirmed', bodies.arrived(clock.now()));
    const due = arrivedAt + 90 * DAY_MS;
    const followups = async (node: string) =>
      (await steps.expectations(node, caseRef))
        .filter((x) => x.kind === 'followup')
        .map((x) => [x.status, x.due_at.toISOString(), x.next_escalation_at?.toISOString() ?? null]);
    expect({ AT: await followups('AT'), RS: await followups('RS') }).toEqual({
      AT: [['open', at(due), at(due + 14 * DAY_MS)]],
      RS: [['open', at(due), at(due)]],
    });

    clock.set(new Date(due - MINUTE_MS));
    await steps.runOnce('RS');
    expect(await steps.escalations('RS', caseRef)).toEqual([]);
    clock.set(new Date(due + HOUR_MS));
    await steps.runOnce('RS');
    await steps.runOnce('AT');
    expect({ AT: await steps.escalations('AT', caseRef), RS: await steps.escalations('RS', caseRef) }).toEqual({
      AT: [],
      RS: [{ action: 'alert', target: RS_COORDINATOR, step: 1, message_id: null }],
    });
    expect(await alertsFor(net, 'RS', RS_COORDINATOR, caseRef)).toEqual([alert(caseRef, RS_COORDINATOR, clock.now(), 'followup', due)]);
    // AT sees the report overdue, but does not alert yet.
    expect(await steps.overdue('AT', caseRef)).toEqual([
      { caseRef, kind: 'followup', owedBy: 'partner', dueAt: at(due), overdueMs: HOUR_MS, overdue: '1 h 0 min', status: 'open', alerted: [], copiedTo: [] },
    ]);

    clock.set(new Date(due + 14 * DAY_MS - MINUTE_MS));
    await steps.runOnce('AT');
    expect(await steps.escalations('AT', caseRef)).toEqual([]);
    clock.set(new Date(due + 14 * DAY_MS + HOUR_MS));
    await steps.runOnce('AT');
    await steps.runOnce('RS');
    expect({ AT: await steps.escalations('AT', caseRef), RS: await steps.escalations('RS', caseRef) }).toEqual({
      AT: [{ action: 'alert', target: AT_COORDINATOR, step: 1, message_id: null }],
      RS: [{ action: 'alert', target: RS_COORDINATOR, step: 1, message_id: null }],
    });
    expect((await steps.overdue('AT', caseRef))[0]).toMatchObject({ status: 'missed', overdue: '14 d 1 h', alerted: [AT_COORDINATOR] });
    expect(await alertsFor(net, 'AT', AT_COORDINATOR, caseRef)).toEqual([alert(caseRef, AT_COORDINATOR, clock.now(), 'followup', due)]);

    // The report comes: met on both sides; the next is due 90 days after it.
    const reportedAt = clock.now().getTime();
    await steps.deliver('RS', caseRef, 'followup.report', bodies.report(1));
    const next = reportedAt + 90 * DAY_MS;
    expect({ AT: await followups('AT'), RS: await followups('RS') }).toEqual({
      AT: [
        ['met', at(due), null],
        ['open', at(next), at(next + 14 * DAY_MS)],
      ],
      RS: [
        ['met', at(due), null],
        ['open', at(next), at(next)],
      ],
    });
    for (const node of ['AT', 'RS']) expect({ node, overdue: await steps.overdue(node, caseRef) }).toEqual({ node, overdue: [] });

    // A report that names the next due date sets that one instead: the day begins in Belgrade.
    clock.advance(DAY_MS);
    const agreed = isoDay(clock.now(), 30);
    await steps.deliver('RS', caseRef, 'followup.report', bodies.report(2, agreed));
    for (const node of ['AT', 'RS']) {
      expect({ node, last: (await followups(node)).at(-1)![1], open: (await followups(node)).filter((f) => f[0] === 'open').length }).toEqual({
        node,
        last: at(localMidnight(agreed, 'Europe/Belgrade').getTime()),
        open: 1,
      });
    }
  });

  it('lists nothing as overdue for a case that was closed, even a deadline already escalated', async () => {
    const { caseRef } = await steps.open();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    const date = isoDay(clock.now(), 1);
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(date));
    clock.set(new Date(localMidnight(date, 'Europe/Belgrade').getTime() + 2 * DAY_MS + HOUR_MS));
    await steps.runOnce('AT');
    await steps.runOnce('RS');
    expect((await steps.overdue('AT', caseRef)).map((i) => [i.kind, i.status])).toEqual([['arrival', 'missed']]);

    // The person never came; the case is closed. Nothing of it is owed any more.
    await steps.deliver('AT', caseRef, 'case.closed', { reason: 'lost-contact' });
    expect(await steps.states(caseRef)).toEqual({ AT: 'closed', RS: 'closed' });
    for (const node of ['AT', 'RS']) expect({ node, overdue: await steps.overdue(node, caseRef) }).toEqual({ node, overdue: [] });
  });
  it('counts an acceptance RS made before the deadline as in time though AT was away until after it: no alert, met on both nodes', async () => {
    const requestedAt = clock.now().getTime();
    const { caseRef } = await steps.open();
    const due = requestedAt + 48 * HOUR_MS;
    let accepted: string;
    await net.stop('AT');
    try {
      clock.set(new Date(due - HOUR_MS));
      accepted = await steps.submit('RS', caseRef, 'handover.accepted', bodies.accepted());
      await steps.published('RS', accepted);

      // Past the deadline, the answer still on its way: RS neither alerts nor lists it, and looks again at its next check.
      clock.set(new Date(due + HOUR_MS));
      await steps.runOnce('RS');
      expect(await steps.escalations('RS', caseRef)).toEqual([]);
      expect(await steps.overdue('RS', caseRef)).toEqual([]);
      expect((await steps.expectations('RS', caseRef)).map((x) => [x.status, x.next_escalation_at?.toISOString()])).toEqual([['open', at(due + HOUR_MS + 1)]]);
    } finally {
      await net.start('AT');
    }
    expect(await steps.outcome('RS', accepted)).toEqual({ state: 'delivered', reject_reason: null });
    await steps.runOnce('AT');
    await steps.runOnce('RS');

    // Met when it was made, the same instant on both nodes: in time, nothing missed, nobody alerted.
    for (const node of ['AT', 'RS']) {
      const acceptance = (await steps.view(node, caseRef)).timeline.filter((e) => e.event.endsWith(': acceptance') || e.event.startsWith('escalated'));
      expect({ node, acceptance }).toEqual({
        node,
        acceptance: [
          { at: at(requestedAt), event: 'deadline set: acceptance', owedBy: node === 'AT' ? 'partner' : 'us', dueAt: at(due) },
          { at: at(due - HOUR_MS), event: 'deadline met: acceptance', by: accepted },
        ],
      });
      expect({ node, escalations: await steps.escalations(node, caseRef), overdue: await steps.overdue(node, caseRef) }).toEqual({
        node,
        escalations: [],
        overdue: [],
      });
    }
  });

  it("keeps AT's escalation on record, but no miss, when the acceptance RS made in time reaches AT after AT escalated", async () => {
    const requestedAt = clock.now().getTime();
    const { id, caseRef } = await steps.open();
    const due = requestedAt + 48 * HOUR_MS;
    await net.stop('RS');
    let accepted: string;
    try {
      clock.set(new Date(due + HOUR_MS));
      await steps.runOnce('AT');
      // RS's acceptance, made an hour before the deadline, reaches AT only now (RS played by hand).
      const envelope = caseEnvelope('RS', 'AT', caseRef, 'handover.accepted', bodies.accepted(), new Date(due - HOUR_MS), { inReplyTo: id });
      accepted = envelope.id;
      const receipt = await withHandPartner(net, 'RS', 'AT', async (rs) => {
        await rs.send(envelope);
        return rs.nextReceipt();
      });
      expect(receipt.envelope.body).toMatchObject({ ref: accepted, status: 'delivered' });
    } finally {
      await net.start('RS');
    }
    const acceptance = (await steps.view('AT', caseRef)).timeline
      .filter((e) => e.event.endsWith(': acceptance') || e.event.startsWith('escalated'))
      .sort((a, b) => a.at.localeCompare(b.at) || a.event.localeCompare(b.event));
    expect(acceptance).toEqual([
      { at: at(requestedAt), event: 'deadline set: acceptance', owedBy: 'partner', dueAt: at(due) },
      { at: at(due - HOUR_MS), event: 'deadline met: acceptance', by: accepted },
      { at: at(due + HOUR_MS), event: 'escalated: alert', kind: 'acceptance', target: AT_COORDINATOR },
      { at: at(due + HOUR_MS), event: 'escalated: copy to fallback', kind: 'acceptance', target: RS_FALLBACK, message: expect.any(String) },
    ]);
    expect(await steps.overdue('AT', caseRef)).toEqual([]);
  });

  it("alerts RS's coordinator for an acceptance on its way that it made too late, and at the next check once one made in time is undeliverable", async () => {
    const requestedAt = clock.now().getTime();
    const { caseRef } = await steps.open();
    const late = await steps.open();
    const due = requestedAt + 48 * HOUR_MS;
    const rsAlerted = [{ action: 'alert', target: RS_COORDINATOR, step: 1, message_id: null }];
    await net.stop('AT');
    try {
      clock.set(new Date(due - HOUR_MS));
      const accepted = await steps.submit('RS', caseRef, 'handover.accepted', bodies.accepted());
      clock.set(new Date(due + MINUTE_MS));
      const tooLate = await steps.submit('RS', late.caseRef, 'handover.accepted', bodies.accepted());
      await steps.published('RS', accepted);
      await steps.published('RS', tooLate);
      clock.set(new Date(due + HOUR_MS));
      await steps.runOnce('RS');
      expect({ inTime: await steps.escalations('RS', caseRef), late: await steps.escalations('RS', late.caseRef) }).toEqual({ inTime: [], late: rsAlerted });

      // AT stays away longer than RS keeps trying: RS gives the acceptance up, and its deadline is missed after all.
      clock.set(new Date(due - HOUR_MS + 7 * DAY_MS + MINUTE_MS));
      expect(await steps.outcome('RS', accepted)).toEqual({ state: 'undeliverable', reject_reason: null });
      await steps.runOnce('RS');
      expect(await steps.escalations('RS', caseRef)).toEqual(rsAlerted);
      expect(await alertsFor(net, 'RS', RS_COORDINATOR, caseRef)).toEqual([alert(caseRef, RS_COORDINATOR, clock.now(), 'acceptance', due)]);
      expect((await steps.overdue('RS', caseRef)).map((i) => [i.kind, i.status])).toEqual([['acceptance', 'missed']]);
    } finally {
      await net.start('AT');
    }
  });
});

describe("a bilateral agreement that shortens acceptance to 1 h (in AT's configuration for RS)", () => {
  const clock = new ManualClock();
  let net: TestNetwork;
  let steps: CaseSteps;

  beforeAll(async () => {
    ({ net, steps } = await startCaseNodes(clock, (config) => {
      if (config.node === 'AT') config.partners.find((p) => p.node === 'RS')!.agreement.acceptanceMs = HOUR_MS;
    }));
  });
  afterAll(() => net?.close());

  it('escalates at AT after 1 h, while RS (default 48 h) owes nothing yet', async () => {
    const requestedAt = clock.now().getTime();
    const { caseRef } = await steps.open();
    expect((await steps.expectations('AT', caseRef)).map((x) => x.due_at.toISOString())).toEqual([at(requestedAt + HOUR_MS)]);
    expect((await steps.expectations('RS', caseRef)).map((x) => x.due_at.toISOString())).toEqual([at(requestedAt + 48 * HOUR_MS)]);

    clock.set(new Date(requestedAt + HOUR_MS + MINUTE_MS));
    await steps.runOnce('AT');
    await steps.runOnce('RS');
    expect(await steps.escalations('AT', caseRef)).toEqual([
      { action: 'alert', target: AT_COORDINATOR, step: 1, message_id: null },
      { action: 'copy-to-fallback', target: RS_FALLBACK, step: 1, message_id: expect.any(String) },
    ]);
    expect(await steps.escalations('RS', caseRef)).toEqual([]);
    expect(await steps.overdue('RS', caseRef)).toEqual([]);
    expect((await steps.overdue('AT', caseRef)).map((i) => [i.kind, i.overdue, i.copiedTo])).toEqual([['acceptance', '1 min', [RS_FALLBACK]]]);
    expect(await steps.states(caseRef)).toEqual({ AT: 'referred', RS: 'referred' });
  });
});
