import { DAY_MS, ManualClock } from './support/clock';
import {
  AT_COORDINATOR,
  CaseSteps,
  HOUR_MS,
  MINUTE_MS,
  RS_COORDINATOR,
  RS_FALLBACK,
  RS_INTAKE,
  TimelineEntry,
  bodies,
  startCaseNodes,
  instants,
  isoDay,
} from './support/cases';
import { call } from './support/http';
import { directoryApi } from './support/directory';
import { TestNetwork } from './support/network';

/**
 * GET /v1/cases/:caseRef tells a case's whole story on each node: every message both ways with its receipt and what
 * it answers, each deadline set, met (in time or late), missed or cancelled, each escalation — in order. The shared
 * manual clock moves between steps, so each step has its own instant; events of one step share it.
 */

const clock = new ManualClock();
let net: TestNetwork;
let steps: CaseSteps;

beforeAll(async () => ({ net, steps } = await startCaseNodes(clock)));
afterAll(() => net?.close());

/** Each message's own events keep their order: submitted, sent, then the receipt. */
function expectMessagesInOrder(timeline: TimelineEntry[]): void {
  const byMessage = new Map<string, string[]>();
  for (const e of timeline)
    if (typeof e.message === 'string' && !e.event.startsWith('escalated'))
      byMessage.set(e.message, [...(byMessage.get(e.message) ?? []), e.event.split(' ')[0]]);
  for (const [message, events] of byMessage) {
    expect({ message, events }).toEqual({ message, events: events[0] === 'received' ? ['received'] : ['submitted', 'sent', 'receipt'] });
  }
}

it('lists, in order and on both nodes, every message with its receipt, every deadline and every escalation of a case', async () => {
  const t = [clock.now().toISOString()];
  const step = () => t.push(clock.advance(MINUTE_MS).toISOString());

  const { id, caseRef } = await steps.open();
  const due = new Date(Date.parse(t[0]) + 48 * HOUR_MS).toISOString();
  clock.set(new Date(Date.parse(due) + MINUTE_MS));
  t.push(clock.now().toISOString());
  await steps.runOnce('AT');
  const [copy] = (await steps.escalations('AT', caseRef)).filter((e) => e.action === 'copy-to-fallback').map((e) => e.message_id!);
  await steps.outcome('AT', copy);
  await steps.runOnce('RS');
  step();
  const accepted = await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
  step();
  const question = await steps.deliver('AT', caseRef, 'info.request', bodies.infoRequest());
  step();
  const answer = await steps.deliver('RS', caseRef, 'info.response', bodies.infoResponse());
  step();
  await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 5)));
  step();
  const participant = await call(net.node('RS').url, 'POST', `/v1/cases/${caseRef}/participants`, { role: 'RS/astra/return-support' });
  expect({ status: participant.status, participants: participant.body.participants }).toEqual({
    status: 200,
    participants: [RS_FALLBACK, 'RS/astra/return-support'],
  });
  step();
  await steps.deliver('RS', caseRef, 'arrival.confirmed', bodies.arrived(clock.now()));
  // The report comes a minute after it was due, before either node's deadline watch looked.
  const reportDue = new Date(Date.parse(t[7]) + 90 * DAY_MS).toISOString();
  clock.set(new Date(Date.parse(reportDue) + MINUTE_MS));
  t.push(clock.now().toISOString());
  await steps.deliver('RS', caseRef, 'followup.report', bodies.report(1));
  step();
  await steps.deliver('AT', caseRef, 'case.closed', bodies.closed());

  const sent = (type: string) => [`submitted ${type}`, `sent ${type}`, `receipt delivered for ${type}`];
  const atTimeline = (await steps.view('AT', caseRef)).timeline;
  expect(instants(atTimeline)).toEqual(
    [
      { at: t[0], events: [...sent('handover.request'), 'deadline set: acceptance'] },
      { at: due, events: ['deadline missed: acceptance'] },
      { at: t[1], events: ['escalated: alert', 'escalated: copy to fallback', ...sent('handover.request')] },
      { at: t[2], events: ['received handover.accepted', 'deadline met late: acceptance'] },
      { at: t[3], events: sent('info.request') },
      { at: t[4], events: ['received info.response'] },
      { at: t[5], events: [...sent('return.scheduled'), 'deadline set: arrival'] },
      { at: t[7], events: ['received arrival.confirmed', 'deadline met: arrival', 'deadline set: followup'] },
      { at: reportDue, events: ['deadline missed: followup'] },
      { at: t[8], events: ['received followup.report', 'deadline met late: followup', 'deadline set: followup'] },
      { at: t[9], events: [...sent('case.closed'), 'deadline cancelled: followup'] },
    ].map((i) => ({ at: i.at, events: i.events.sort() })),
  );
  const rsTimeline = (await steps.view('RS', caseRef)).timeline;
  expect(instants(rsTimeline)).toEqual(
    [
      { at: t[0], events: ['received handover.request', 'deadline set: acceptance'] },
      { at: due, events: ['deadline missed: acceptance'] },
      { at: t[1], events: ['received handover.request', 'participant added', 'escalated: alert'] },
      { at: t[2], events: [...sent('handover.accepted'), 'deadline met late: acceptance'] },
      { at: t[3], events: ['received info.request'] },
      { at: t[4], events: sent('info.response') },
      { at: t[5], events: ['received return.scheduled', 'deadline set: arrival'] },
      { at: t[6], events: ['participant added'] },
      { at: t[7], events: [...sent('arrival.confirmed'), 'deadline met: arrival', 'deadline set: followup'] },
      { at: reportDue, events: ['deadline missed: followup'] },
      { at: t[8], events: [...sent('followup.report'), 'deadline met late: followup', 'deadline set: followup'] },
      { at: t[9], events: ['received case.closed', 'deadline cancelled: followup'] },
    ].map((i) => ({ at: i.at, events: i.events.sort() })),
  );
  expectMessagesInOrder(atTimeline);
  expectMessagesInOrder(rsTimeline);

  // The entries name what they are about.
  const find = (timeline: TimelineEntry[], event: string, message?: string) => timeline.filter((e) => e.event === event && (!message || e.message === message));
  expect(find(atTimeline, 'sent handover.request')).toEqual([
    expect.objectContaining({ message: id, direction: 'out', to: RS_INTAKE }),
    expect.objectContaining({ message: copy, direction: 'out', to: RS_FALLBACK }),
  ]);
  expect(find(atTimeline, 'escalated: copy to fallback')).toEqual([
    { at: t[1], event: 'escalated: copy to fallback', kind: 'acceptance', target: RS_FALLBACK, message: copy },
  ]);
  expect(find(atTimeline, 'escalated: alert')).toEqual([{ at: t[1], event: 'escalated: alert', kind: 'acceptance', target: AT_COORDINATOR }]);
  expect(find(rsTimeline, 'escalated: alert')).toEqual([{ at: t[1], event: 'escalated: alert', kind: 'acceptance', target: RS_COORDINATOR }]);
  expect(find(atTimeline, 'deadline met late: acceptance')).toEqual([{ at: t[2], event: 'deadline met late: acceptance', by: accepted }]);
  expect(find(rsTimeline, 'deadline missed: followup')).toEqual([{ at: reportDue, event: 'deadline missed: followup', owedBy: 'us' }]);
  expect(find(rsTimeline, 'sent handover.accepted')).toEqual([expect.objectContaining({ message: accepted, from: RS_INTAKE, inReplyTo: id })]);
  expect(find(atTimeline, 'received info.response')).toEqual([expect.objectContaining({ message: answer, inReplyTo: question })]);
  expect(find(atTimeline, 'received handover.accepted')).toEqual([
    expect.objectContaining({ message: accepted, direction: 'in', from: RS_INTAKE, receipt: 'delivered' }),
  ]);
  expect(find(atTimeline, 'receipt delivered for handover.request', id)).toEqual([expect.objectContaining({ direction: 'in', receipt: expect.any(String) })]);
  expect(find(rsTimeline, 'received handover.request')).toEqual([
    expect.objectContaining({ message: id, from: AT_COORDINATOR, receipt: 'delivered' }),
    expect.objectContaining({ message: copy, from: AT_COORDINATOR, receipt: 'delivered' }),
  ]);
  expect(find(rsTimeline, 'participant added')).toEqual([
    { at: t[1], event: 'participant added', role: RS_FALLBACK, reason: 'escalation-copy', copy },
    { at: t[6], event: 'participant added', role: 'RS/astra/return-support' },
  ]);

  // The case lists by state and by a role taking part.
  const listed = async (node: string, query: string) =>
    (await call(net.node(node).url, 'GET', `/v1/cases?${query}`)).body.items.map((c: { caseRef: string }) => c.caseRef);
  expect(await listed('RS', 'role=RS/astra/return-support')).toEqual([caseRef]);
  expect(await listed('AT', 'state=closed')).toContain(caseRef);
  expect(await listed('AT', 'state=referred')).not.toContain(caseRef);
});

it("gives whoever works on a case each message's coded body, an auditor none; an ended case takes no participant", async () => {
  clock.advance(MINUTE_MS);
  const { caseRef } = await steps.open();
  const declined = await steps.deliver('RS', caseRef, 'handover.declined', bodies.declined());
  const year = 365 * 24 * 3600;
  const person = await directoryApi(steps.url('AT')).person('Timeline Caseworker');
  await directoryApi(steps.url('AT')).assign(AT_COORDINATOR, person);
  const caseworker = await net.token('AT', { subject: person, roles: ['caseworker'], now: clock.now(), ttlSeconds: year });
  const auditor = await net.token('AT', { subject: 'timeline-auditor', roles: ['auditor'], now: clock.now(), ttlSeconds: year });
  const timelineFor = async (token: string) => {
    const r = await call(steps.url('AT'), 'GET', `/v1/cases/${caseRef}`, undefined, token);
    expect(r.status).toBe(200);
    return r.body.timeline as TimelineEntry[];
  };

  // The partner's decline, as received: its reason and the role it redirects to.
  const seen = (await timelineFor(caseworker)).find((e) => e.event === 'received handover.declined');
  expect(seen).toMatchObject({ message: declined, body: bodies.declined() });
  // What a node sent, as sent; only the entry that opens the message carries it.
  const rsTimeline = (await steps.view('RS', caseRef)).timeline;
  expect(rsTimeline.filter((e) => e.message === declined && e.body).map((e) => e.event)).toEqual(['submitted handover.declined']);
  expect(rsTimeline.find((e) => e.event === 'submitted handover.declined')?.body).toEqual(bodies.declined());
  expect(rsTimeline.find((e) => e.event === 'received handover.request')?.body).toMatchObject({ purpose: 'return' });

  // An auditor reads the same entries without any body.
  const audited = await timelineFor(auditor);
  expect(audited.map((e) => e.event)).toContain('received handover.declined');
  expect(audited.filter((e) => 'body' in e)).toEqual([]);

  // Declined: the case has ended, so no other role of RS is told about it any more, nor offered to be.
  const added = await call(steps.url('RS'), 'POST', `/v1/cases/${caseRef}/participants`, { role: 'RS/astra/return-support' });
  expect(added.status).toBe(409);
  const rs = await call(steps.url('RS'), 'GET', `/v1/cases/${caseRef}`);
  expect({ participants: rs.body.participants, actions: rs.body.actions }).toEqual({ participants: [], actions: [] });
});
