import { CaseSteps, bodies } from './support/cases';
import { ManualClock } from './support/clock';
import { deliverHandover, directoryApi, holds, ok, republished, rolePath } from './support/directory';
import { call } from './support/http';
import { TestNetwork } from './support/network';

/**
 * Turnover as the people who carry it see it, across nodes AT (referring, through its API) and RS: the holder of a
 * vacant role's fallback works on what waits there, as the fallback, until the role is staffed again; and what a
 * role handover or retirement calls unanswered is what still asks RS for an answer.
 */

const VACANT = 'RS/astra/cover-desk';
const FALLBACK = 'RS/astra/cover-duty';
const DESK = 'RS/astra/turnover-desk';
const SUCCESSOR = 'RS/astra/turnover-successor';
const RETIRING = 'RS/astra/turnover-retiring';
const HEIR = 'RS/astra/turnover-heir';
const HEIR_FALLBACK = 'RS/astra/turnover-heir-fallback';

let net: TestNetwork;
let steps: CaseSteps;
let at: string;
let rs: string;
let registry: ReturnType<typeof directoryApi>;

beforeAll(async () => {
  net = await TestNetwork.create(['AT', 'RS']);
  await net.start('AT');
  await net.start('RS');
  await net.converged();
  at = net.node('AT').url;
  rs = net.node('RS').url;
  steps = new CaseSteps(net, new ManualClock());
  registry = directoryApi(rs);
  const version = await republished(net, 'RS', async () => {
    await registry.createRole(FALLBACK);
    await registry.createRole(VACANT, { fallback: FALLBACK });
    await registry.createRole(DESK);
    await registry.createRole(SUCCESSOR);
    await registry.createRole(HEIR_FALLBACK);
    await registry.createRole(HEIR, { fallback: HEIR_FALLBACK });
    await registry.createRole(RETIRING);
  });
  await holds(net, 'AT', 'RS', version);
}, 60_000);
afterAll(() => net?.close());

const caseworker = async (role: string, name: string) => {
  const person = await registry.person(name);
  await registry.assign(role, person);
  return net.token('RS', { subject: person, roles: ['caseworker'] });
};
const inboxItem = async (role: string, id: string, token?: string) =>
  (await call(rs, 'GET', `/v1/inbox?limit=500&role=${encodeURIComponent(role)}`, undefined, token)).body.items.find((i: { id: string }) => i.id === id);
const sendAs = (token: string, caseRef: string, message: Record<string, unknown>) => call(rs, 'POST', `/v1/cases/${caseRef}/messages`, message, token);
const outbound = async (node: string, id: string) =>
  (
    await net.sql<{ sender: string; in_reply_to: string | null }>(
      node,
      `SELECT envelope->>'sender' AS sender, in_reply_to FROM outbound_message WHERE id = $1`,
      [id],
    )
  )[0];

describe('the fallback of a vacant role', () => {
  it('opens, accepts and answers its case as the fallback, and hands it back when the role is staffed again', async () => {
    const onFallback = await caseworker(FALLBACK, 'Fallback caseworker');
    const { id, caseRef } = await deliverHandover(at, VACANT);

    expect(await inboxItem(FALLBACK, id, onFallback)).toMatchObject({
      recipient: VACANT,
      routedTo: FALLBACK,
      waiting: true,
      inReplyTo: null,
      body: expect.any(Object),
    });
    expect((await call(rs, 'GET', `/v1/cases/${caseRef}`, undefined, onFallback)).status).toBe(200);
    const listed = await call(rs, 'GET', `/v1/cases?role=${encodeURIComponent(VACANT)}`, undefined, onFallback);
    expect(listed.body.items.map((c: { caseRef: string }) => c.caseRef)).toContain(caseRef);

    // Acting for the vacant role is done as the fallback: the partner sees who acted.
    const asVacant = await sendAs(onFallback, caseRef, { type: 'handover.accepted', body: bodies.accepted(VACANT), sender: VACANT });
    expect({ status: asVacant.status, message: asVacant.body.message }).toEqual({ status: 403, message: `you do not hold ${VACANT}` });
    const accepted = await sendAs(onFallback, caseRef, { type: 'handover.accepted', body: bodies.accepted(VACANT) });
    expect(accepted.status).toBe(202);
    expect(await outbound('RS', accepted.body.id)).toEqual({ sender: FALLBACK, in_reply_to: id });
    expect(await steps.outcome('RS', accepted.body.id)).toEqual({ state: 'delivered', reject_reason: null });
    expect(await steps.states(caseRef)).toEqual({ AT: 'accepted', RS: 'accepted' });
    const atTimeline = (await steps.view('AT', caseRef)).timeline;
    expect(atTimeline.find((e) => e.event === 'received handover.accepted')).toMatchObject({ from: FALLBACK, inReplyTo: id });
    expect(await inboxItem(FALLBACK, id, onFallback)).toMatchObject({ waiting: false });

    // AT asks; the fallback answers, and the answer names the question without being told.
    const question = await steps.deliver('AT', caseRef, 'info.request', bodies.infoRequest());
    expect(await inboxItem(VACANT, question, onFallback)).toMatchObject({ waiting: true });
    const answer = await sendAs(onFallback, caseRef, { type: 'info.response', body: bodies.infoResponse() });
    expect(answer.status).toBe(202);
    expect(await steps.outcome('RS', answer.body.id)).toEqual({ state: 'delivered', reject_reason: null });
    expect((await net.sql('AT', 'SELECT sender, in_reply_to FROM inbound_message WHERE id = $1', [answer.body.id]))[0]).toEqual({
      sender: FALLBACK,
      in_reply_to: question,
    });
    expect(await inboxItem(VACANT, question, onFallback)).toMatchObject({ waiting: false, inReplyTo: null });

    // Staffed again: the new holder has the case with what the fallback did; the fallback no longer works on it.
    const onRole = await caseworker(VACANT, 'New holder of the desk');
    const seen = await call(rs, 'GET', `/v1/cases/${caseRef}`, undefined, onRole);
    expect(seen.status).toBe(200);
    expect(
      seen.body.timeline.filter((e: { event: string }) => e.event.startsWith('sent ')).map((e: { event: string; from: string }) => [e.event, e.from]),
    ).toEqual([
      ['sent handover.accepted', FALLBACK],
      ['sent info.response', FALLBACK],
    ]);
    expect((await call(rs, 'GET', `/v1/cases/${caseRef}`, undefined, onFallback)).status).toBe(403);
    expect({ inbox: await inboxItem(FALLBACK, id, onFallback), question: await inboxItem(FALLBACK, question, onFallback) }).toEqual({
      inbox: undefined,
      question: undefined,
    });
    expect(await inboxItem(VACANT, id, onRole)).toMatchObject({ routedTo: null, body: expect.any(Object) });
    expect((await sendAs(onFallback, caseRef, { type: 'case.updated', body: bodies.updated() })).status).toBe(403);
    const update = await sendAs(onRole, caseRef, { type: 'case.updated', body: bodies.updated() });
    expect(update.status).toBe(202);
    expect(await outbound('RS', update.body.id)).toEqual({ sender: VACANT, in_reply_to: null });
  });

  it('keeps the vacant role in a case its fallback takes on itself, so the next holder sees it', async () => {
    const onFallback = await net.token('RS', { subject: (await ok(rs, 'GET', rolePath(FALLBACK))).holders[0].person.id, roles: ['caseworker'] });
    // The role was staffed by the first test; vacate it again.
    const role = await registry.role(VACANT);
    for (const h of role.holders) await registry.endAssignment(h.assignment);
    const { caseRef } = await deliverHandover(at, VACANT);
    const accepted = await sendAs(onFallback, caseRef, { type: 'handover.accepted', body: bodies.accepted(FALLBACK) });
    expect(accepted.status).toBe(202);
    await steps.outcome('RS', accepted.body.id);
    const view = await steps.view('RS', caseRef);
    expect({ ourRole: view.ourRole, participants: view.participants }).toEqual({ ourRole: FALLBACK, participants: [VACANT] });
    expect((await steps.view('AT', caseRef)).partnerRole).toBe(FALLBACK);
  });

  it('refuses an acceptance naming a role this node does not have, and an inReplyTo from another case', async () => {
    const { caseRef } = await deliverHandover(at, FALLBACK);
    const other = await deliverHandover(at, FALLBACK);
    const foreign = await steps.attempt('RS', caseRef, 'handover.accepted', bodies.accepted('RS/astra/no-such-desk'));
    expect({ status: foreign.status, problems: foreign.body.problems }).toEqual({
      status: 400,
      problems: [{ field: 'body.role', problem: 'is not a role of this node' }],
    });
    const elsewhere = await steps.attempt('RS', caseRef, 'handover.accepted', bodies.accepted(FALLBACK), { inReplyTo: other.id });
    expect({ status: elsewhere.status, problems: elsewhere.body.problems }).toEqual({
      status: 400,
      problems: [{ field: 'inReplyTo', problem: `is not a message of case ${caseRef}` }],
    });
  });
});

describe('what is unanswered', () => {
  it('is what still asks for an answer: in the handover of a role, in its retirement, and in the inbox', async () => {
    await caseworker(DESK, 'Desk holder leaving');
    const cases: Array<{ id: string; caseRef: string }> = [];
    for (let i = 0; i < 5; i++) cases.push(await deliverHandover(at, DESK));
    const [a, b, c, d, e] = cases;
    await steps.deliver('RS', a.caseRef, 'handover.accepted', bodies.accepted(DESK));
    await steps.deliver('RS', b.caseRef, 'handover.declined', bodies.declined());
    await steps.deliver('AT', c.caseRef, 'case.closed', bodies.closed());
    await steps.deliver('RS', e.caseRef, 'handover.accepted', bodies.accepted(DESK));
    const openQuestion = await steps.deliver('AT', a.caseRef, 'info.request', bodies.infoRequest());
    const settledQuestion = await steps.deliver('AT', e.caseRef, 'info.request', bodies.infoRequest());
    await steps.deliver('RS', e.caseRef, 'info.response', bodies.infoResponse());

    const waitingNow = { [a.id]: false, [b.id]: false, [c.id]: false, [d.id]: true, [e.id]: false, [openQuestion]: true, [settledQuestion]: false };
    for (const [id, want] of Object.entries(waitingNow)) expect({ id, waiting: (await inboxItem(DESK, id)).waiting }).toEqual({ id, waiting: want });

    const handedOver = await ok(rs, 'POST', rolePath(DESK, '/handover'), { to: await registry.person('Desk holder arriving') });
    expect({ open: handedOver.openCases, unanswered: handedOver.unansweredMessages }).toEqual({
      open: [a.caseRef, d.caseRef, e.caseRef],
      unanswered: [d.id, openQuestion],
    });

    const retired = await ok(rs, 'POST', rolePath(DESK, '/deactivate'), { successor: SUCCESSOR });
    expect({ open: retired.openCases, unanswered: retired.unansweredMessages }).toEqual({
      open: [a.caseRef, d.caseRef, e.caseRef],
      unanswered: [d.id, openQuestion],
    });
    const routed = await net.sql<{ id: string; routed_to: string }>(
      'RS',
      'SELECT id, routed_to FROM inbound_message WHERE id = ANY($1::uuid[]) ORDER BY received_at',
      [Object.keys(waitingNow)],
    );
    expect(Object.fromEntries(routed.map((r) => [r.id, r.routed_to]))).toEqual({
      [a.id]: DESK,
      [b.id]: DESK,
      [c.id]: DESK,
      [d.id]: SUCCESSOR,
      [e.id]: DESK,
      [openQuestion]: SUCCESSOR,
      [settledQuestion]: DESK,
    });
    const roles = await net.sql<{ case_ref: string; our_role: string }>('RS', 'SELECT case_ref, our_role FROM case_file WHERE case_ref = ANY($1)', [
      cases.map((x) => x.caseRef),
    ]);
    expect(Object.fromEntries(roles.map((r) => [r.case_ref, r.our_role]))).toEqual({
      [a.caseRef]: SUCCESSOR,
      [b.caseRef]: DESK,
      [c.caseRef]: DESK,
      [d.caseRef]: SUCCESSOR,
      [e.caseRef]: SUCCESSOR,
    });
    expect(await inboxItem(SUCCESSOR, d.id)).toMatchObject({ recipient: DESK, routedTo: SUCCESSOR, waiting: true });
  });

  it('passes to a successor what waits for the retired role, also what came while the successor was vacant', async () => {
    await caseworker(HEIR_FALLBACK, 'Heir fallback holder');
    await caseworker(RETIRING, 'Retiring holder');
    const before = await deliverHandover(at, RETIRING);
    await ok(rs, 'POST', rolePath(RETIRING, '/deactivate'), { successor: HEIR });
    // The heir is vacant: what still comes for the retired address waits with the heir's fallback for now.
    const after = await deliverHandover(at, RETIRING);
    expect(await inboxItem(HEIR_FALLBACK, after.id)).toMatchObject({ recipient: RETIRING, routedTo: HEIR_FALLBACK, waiting: true });

    const heir = await registry.person('Heir holder');
    const handedOver = await ok(rs, 'POST', rolePath(HEIR, '/handover'), { to: heir });
    expect(handedOver.unansweredMessages).toEqual([before.id, after.id]);
    expect(await inboxItem(HEIR, after.id)).toMatchObject({ recipient: RETIRING, routedTo: HEIR, waiting: true });
    expect(await inboxItem(HEIR_FALLBACK, after.id)).toBeUndefined();
    const fallbackHandover = await ok(rs, 'POST', rolePath(HEIR_FALLBACK, '/handover'), { to: await registry.person('Heir fallback, next') });
    expect(fallbackHandover.unansweredMessages).toEqual([]);
  });

  it('answers two questions sent at once with one answer each', async () => {
    const { caseRef } = await deliverHandover(at, SUCCESSOR);
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted(SUCCESSOR));
    const first = await steps.deliver('AT', caseRef, 'info.request', bodies.infoRequest());
    const second = await steps.deliver('AT', caseRef, 'info.request', bodies.infoRequest());
    const answers = await Promise.all([0, 1].map(() => steps.submit('RS', caseRef, 'info.response', bodies.infoResponse())));
    const replies = await Promise.all(answers.map(async (id) => (await outbound('RS', id)).in_reply_to));
    expect(replies.sort()).toEqual([first, second].sort());
  });
});
