import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { DAY_MS, ManualClock } from './support/clock';
import { deliverHandover, directoryApi, holds, ok, republished, rolePath } from './support/directory';
import { call, eventually, problemFields } from './support/http';
import { TestNetwork } from './support/network';
import { HandPartner } from './support/partner';

/**
 * Staff change, addresses do not: what happens to messages for a role when its holder leaves, hands over, or the role
 * is retired — with real nodes AT (sending through its API) and RS (whose directory changes).
 */

const routedTo = async (net: TestNetwork, id: string) =>
  (await net.sql<{ status: string; routed_to: string }>('RS', 'SELECT status, routed_to FROM inbound_message WHERE id = $1', [id]))[0];

describe('a member of staff leaves: messages for their role still arrive', () => {
  const ROLE = 'RS/astra/case-work';
  const FALLBACK = 'RS/cptv/intake';
  let net: TestNetwork;
  let rs: ReturnType<typeof directoryApi>;
  let atUrl: string;

  beforeAll(async () => {
    net = await TestNetwork.started(['AT', 'RS']);
    atUrl = net.node('AT').url;
    rs = directoryApi(net.node('RS').url);
    const version = await republished(net, 'RS', () => rs.createRole(ROLE, { fallback: FALLBACK }));
    await holds(net, 'AT', 'RS', version);
  });
  afterAll(() => net?.close());

  it('delivers a handover for the vacated role to its fallback, and shows it in both inboxes and to the next holder', async () => {
    const leaver = await rs.person('Leaving case worker');
    let assigned: any;
    await republished(net, 'RS', async () => (assigned = await rs.assign(ROLE, leaver)));
    expect(assigned).toMatchObject({ status: 'active', holders: [{ assignment: assigned.assignment, person: { id: leaver } }] });

    const vacated = await republished(net, 'RS', () => rs.endAssignment(assigned.assignment));
    expect(await rs.role(ROLE)).toMatchObject({ status: 'vacant', holders: [] });
    // AT learns of the vacancy.
    await holds(net, 'AT', 'RS', vacated);
    const seen = (await directoryApi(atUrl).lookup({ country: 'RS' })).matches.find((m: { address: string }) => m.address === ROLE);
    expect(seen).toMatchObject({ status: 'vacant', fallback: FALLBACK });

    const { id } = await deliverHandover(atUrl, ROLE);
    expect(await routedTo(net, id)).toEqual({ status: 'delivered', routed_to: FALLBACK });
    expect(await rs.inbox(FALLBACK)).toContain(id);
    expect(await rs.inbox(ROLE)).toContain(id);
    expect(await rs.inbox('RS/cptv/duty')).not.toContain(id);

    const successor = await rs.person('New case worker');
    expect(await rs.assign(ROLE, successor)).toMatchObject({ status: 'active', holders: [{ person: { id: successor } }] });
    expect(await rs.inbox(ROLE)).toContain(id);

    // Staffed again, the role receives its messages itself.
    const later = await deliverHandover(atUrl, ROLE);
    expect(await routedTo(net, later.id)).toEqual({ status: 'delivered', routed_to: ROLE });
    expect(await rs.inbox(FALLBACK)).not.toContain(later.id);
  });

  it('keeps a message for a role whose holder has a deputy with the role itself', async () => {
    const covered = 'RS/astra/outreach';
    await holds(net, 'AT', 'RS', await republished(net, 'RS', () => rs.createRole(covered, { fallback: FALLBACK })));
    const [holder, deputy] = [await rs.person('Outreach worker'), await rs.person('Outreach deputy')];
    const role = await rs.assign(covered, holder, { deputy });
    expect(role).toMatchObject({ status: 'active', holders: [{ person: { id: holder }, deputy: { id: deputy }, endsAt: null }] });

    const { id } = await deliverHandover(atUrl, covered);
    expect(await routedTo(net, id)).toEqual({ status: 'delivered', routed_to: covered });
    expect(await rs.inbox(covered)).toContain(id);
    expect(await rs.inbox(FALLBACK)).not.toContain(id);
  });
});

describe('a role is handed over, then retired in favour of a successor', () => {
  const ROLE = 'RS/atina/reintegration';
  const SUCCESSOR = 'RS/atina/transition-house';
  let net: TestNetwork;
  let rs: ReturnType<typeof directoryApi>;
  let atUrl: string;
  let sent: Array<{ id: string; caseRef: string }>;

  const ourRoles = async (ids: string[]) =>
    (await net.sql<{ our_role: string }>('RS', 'SELECT our_role FROM case_file WHERE id = ANY($1::uuid[]) ORDER BY id', [ids])).map((r) => r.our_role);
  const routes = async (ids: string[]) =>
    (await net.sql<{ routed_to: string }>('RS', 'SELECT routed_to FROM inbound_message WHERE id = ANY($1::uuid[]) ORDER BY id', [ids])).map((r) => r.routed_to);

  beforeAll(async () => {
    net = await TestNetwork.started(['AT', 'RS']);
    atUrl = net.node('AT').url;
    rs = directoryApi(net.node('RS').url);
    sent = [await deliverHandover(atUrl, ROLE), await deliverHandover(atUrl, ROLE)];
  });
  afterAll(() => net?.close());

  it('hands the role to another person with its open cases and unanswered messages; the role stays responsible', async () => {
    const before = await rs.role(ROLE);
    expect(before.holders).toHaveLength(1);
    const newcomer = await rs.person('Incoming reintegration lead');

    const { assignment, ...transfer } = await ok(net.node('RS').url, 'POST', rolePath(ROLE, '/handover'), { to: newcomer });
    expect(transfer).toMatchObject({
      role: ROLE,
      kind: 'handover',
      from: before.holders[0].person.id,
      to: newcomer,
      successor: null,
      openCases: sent.map((s) => s.caseRef),
      unansweredMessages: sent.map((s) => s.id),
    });
    expect(await ok(net.node('RS').url, 'GET', `/v1/role-transfers/${transfer.id}`)).toEqual(transfer);

    expect(await rs.role(ROLE)).toMatchObject({ status: 'active', holders: [{ assignment, person: { id: newcomer } }] });
    const ids = sent.map((s) => s.id);
    expect(await ourRoles(ids)).toEqual([ROLE, ROLE]);
    expect(await routes(ids)).toEqual([ROLE, ROLE]);
    expect(await rs.inbox(ROLE)).toEqual(expect.arrayContaining(ids));
  });

  it('moves open cases and unanswered messages to the successor when the role is retired', async () => {
    const transfer = await ok(net.node('RS').url, 'POST', rolePath(ROLE, '/deactivate'), { successor: SUCCESSOR });
    expect(transfer).toMatchObject({
      role: ROLE,
      kind: 'deactivation',
      successor: SUCCESSOR,
      openCases: sent.map((s) => s.caseRef),
      unansweredMessages: sent.map((s) => s.id),
    });

    expect(await rs.role(ROLE)).toMatchObject({ status: 'retired', successor: SUCCESSOR, holders: [] });
    const ids = sent.map((s) => s.id);
    expect(await ourRoles(ids)).toEqual([SUCCESSOR, SUCCESSOR]);
    expect(await routes(ids)).toEqual([SUCCESSOR, SUCCESSOR]);
    expect(await rs.inbox(SUCCESSOR)).toEqual(expect.arrayContaining(ids));

    // A retired role takes no more staff and cannot be handed over again.
    const someone = await rs.person('Too late');
    expect((await call(net.node('RS').url, 'POST', rolePath(ROLE, '/handover'), { to: someone })).status).toBe(409);
    expect((await call(net.node('RS').url, 'POST', rolePath(ROLE, '/assignments'), { person: someone })).status).toBe(409);
  });

  it('delivers a later message to the retired address and routes it to the successor', async () => {
    // AT played by hand: its gateway would refuse the retired address once it knows (next test).
    const at = await new HandPartner(net, 'AT', 'RS').open();
    try {
      const envelope = at.handover({ recipient: ROLE });
      await at.send(envelope);
      const row = await eventually(async () => routedTo(net, envelope.id), 15_000, 'RS to store the message');
      expect(row).toEqual({ status: 'delivered', routed_to: SUCCESSOR });
      expect(await rs.inbox(SUCCESSOR)).toContain(envelope.id);
      // The running AT stored RS's receipt for it.
      const receipt = await eventually(async () => {
        const [r] = await net.sql<{ envelope: { body: { status: string } } }>(
          'AT',
          `SELECT envelope FROM inbound_message WHERE type = 'receipt' AND in_reply_to = $1`,
          [envelope.id],
        );
        return r;
      });
      expect(receipt.envelope.body.status).toBe('delivered');
    } finally {
      await at.close();
    }
  });

  it('makes a case that arrives for the retired address a case of the successor', async () => {
    const at = await new HandPartner(net, 'AT', 'RS').open();
    let late: { id: string; caseRef: string };
    try {
      const envelope = at.handover({ recipient: ROLE });
      await at.send(envelope);
      await eventually(async () => routedTo(net, envelope.id), 15_000, 'RS to store the message');
      late = { id: envelope.id, caseRef: envelope.caseRef };
    } finally {
      await at.close();
    }
    // When the successor changes hands, the case must be among the work that goes along.
    const transfer = await ok(net.node('RS').url, 'POST', rolePath(SUCCESSOR, '/handover'), { to: await rs.person('Transition house lead') });
    expect(transfer.unansweredMessages).toContain(late.id);
    expect(transfer.openCases).toEqual(expect.arrayContaining([...sent.map((s) => s.caseRef), late.caseRef]));
    expect(await ourRoles([late.id])).toEqual([SUCCESSOR]);
  });

  it('refuses at AT a handover to the retired address once RS republished, naming the successor', async () => {
    await eventually(
      async () => {
        const [row] = await net.sql<{ body: { retired?: Array<{ address: string; successor: string }> } }>(
          'AT',
          `SELECT body FROM partner_directory WHERE node = 'RS'`,
        );
        return row?.body.retired?.some((r) => r.address === ROLE && r.successor === SUCCESSOR) ? true : undefined;
      },
      20_000,
      'AT to learn that the role was retired',
    );

    const r = await call(atUrl, 'POST', '/v1/handovers', { ...sampleReturnHandover(), recipient: ROLE });
    expect(r.status).toBe(400);
    expect(r.body.problems).toEqual([{ field: 'recipient', problem: expect.stringContaining(SUCCESSOR) }]);
  });

  it('refuses to retire a role without a valid successor, and leaves it active', async () => {
    const target = 'RS/iom-belgrade/avr';
    const invalid: unknown[] = [undefined, 'not-an-address', 'AT/bmi-thb/duty', 'RS/cptv/nobody', target, ROLE];
    for (const successor of invalid) {
      const r = await call(net.node('RS').url, 'POST', rolePath(target, '/deactivate'), successor === undefined ? {} : { successor });
      expect({ successor, status: r.status, fields: problemFields(r.body) }).toEqual({ successor, status: 400, fields: ['successor'] });
    }
    expect(await rs.role(target)).toMatchObject({ status: 'active', retiredAt: null, successor: null });
  });

  it('lets nobody start holding a retired role: an assignment planned for later never begins', async () => {
    const planned = 'RS/astra/planned-desk';
    await rs.createRole(planned);
    const person = await rs.person('Planned holder');
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    await rs.assign(planned, person, { startsAt });
    await ok(net.node('RS').url, 'POST', rolePath(planned, '/deactivate'), { successor: 'RS/astra/return-support' });
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
    expect((await ok(net.node('RS').url, 'GET', rolePath(planned, `/holders?at=${encodeURIComponent(later)}`))).items).toEqual([]);
  });
});

describe('who held a role when', () => {
  const ROLE = 'RS/astra/legal-aid';
  const clock = new ManualClock();
  let net: TestNetwork;
  let rs: ReturnType<typeof directoryApi>;
  let first: string;
  let second: string;
  let start: Date;
  let switched: Date;

  const holdersAt = async (at?: Date) =>
    (await ok(net.node('RS').url, 'GET', rolePath(ROLE, `/holders${at ? `?at=${at.toISOString()}` : ''}`))).items.map(
      (h: { person: { id: string } }) => h.person.id,
    );

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS'], { clocks: { RS: clock } });
    await net.start('RS');
    rs = directoryApi(net.node('RS').url);
    await rs.createRole(ROLE);
    [first, second] = [await rs.person('First legal adviser'), await rs.person('Second legal adviser')];
    start = clock.now();
    await rs.assign(ROLE, first);
    switched = clock.advance(30 * DAY_MS);
    await ok(net.node('RS').url, 'POST', rolePath(ROLE, '/handover'), { to: second });
    clock.advance(30 * DAY_MS);
  });
  afterAll(() => net?.close());

  it('answers who held the role at any past moment after two successive assignments', async () => {
    expect(await holdersAt(new Date(start.getTime() - 1))).toEqual([]);
    expect(await holdersAt(start)).toEqual([first]);
    expect(await holdersAt(new Date(start.getTime() + 10 * DAY_MS))).toEqual([first]);
    expect(await holdersAt(switched)).toEqual([second]);
    expect(await holdersAt(new Date(switched.getTime() + 10 * DAY_MS))).toEqual([second]);

    const history = (await ok(net.node('RS').url, 'GET', rolePath(ROLE, '/history'))).items;
    expect(history).toEqual([
      expect.objectContaining({ person: expect.objectContaining({ id: first }), startsAt: start.toISOString(), endsAt: switched.toISOString() }),
      expect.objectContaining({ person: expect.objectContaining({ id: second }), startsAt: switched.toISOString(), endsAt: null }),
    ]);
  });

  it('hands a role over, and retires it, at the very millisecond an assignment of it started: that assignment ends empty', async () => {
    const role = 'RS/astra/same-instant';
    const url = net.node('RS').url;
    await rs.createRole(role);
    const [early, next] = [await rs.person('Same-instant holder'), await rs.person('Same-instant successor')];
    const at = clock.now();
    await rs.assign(role, early);

    const handed = await call(url, 'POST', rolePath(role, '/handover'), { to: next });
    expect(handed).toMatchObject({ status: 201, body: { kind: 'handover', from: early, to: next } });
    const history = (await ok(url, 'GET', rolePath(role, '/history'))).items.map((h: any) => [h.person.id, h.startsAt, h.endsAt]);
    expect(history).toHaveLength(2);
    expect(history).toEqual(
      expect.arrayContaining([
        [early, at.toISOString(), at.toISOString()],
        [next, at.toISOString(), null],
      ]),
    );
    expect((await ok(url, 'GET', rolePath(role, `/holders?at=${at.toISOString()}`))).items.map((h: any) => h.person.id)).toEqual([next]);

    const retired = await call(url, 'POST', rolePath(role, '/deactivate'), { successor: ROLE });
    expect(retired).toMatchObject({ status: 201, body: { kind: 'deactivation', from: next, successor: ROLE } });
    expect(await rs.role(role)).toMatchObject({ status: 'retired', holders: [] });
  });

  it("answers for the node's own now when no time is given", async () => {
    expect(await holdersAt()).toEqual([second]);
  });

  it('refuses a time that is not ISO 8601, naming the field', async () => {
    const r = await call(net.node('RS').url, 'GET', rolePath(ROLE, '/holders?at=last-tuesday'));
    expect(r.status).toBe(400);
    expect(problemFields(r.body)).toEqual(['at']);
  });
});
