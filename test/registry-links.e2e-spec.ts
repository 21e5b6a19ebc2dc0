import { deliverHandover, directoryApi, ok, rolePath } from './support/directory';
import { Reply, auditLog, call, eventually } from './support/http';
import { TestNetwork } from './support/network';

/**
 * No organisation is made a fallback or successor without agreeing: an administrator of astra (on node RS) naming a
 * role of cptv or atina only asks; the change is made when the asked organisation accepts, and AT, which routes to
 * RS's roles by RS's published directory, sees it only then. Within one organisation, changes are made at once.
 * Neither organisation learns who of the other's staff asked, decided or gave a role up; the coordinator does.
 */

const DESK = 'RS/astra/links-desk';
const RETIRING = 'RS/astra/links-retiring';
const ASTRA_FALLBACK = 'RS/astra/return-support';
const INTAKE = 'RS/cptv/intake';
const DUTY = 'RS/cptv/duty';
const TRANSITION = 'RS/atina/transition-house';

describe('a fallback or successor in another organisation waits for its consent', () => {
  let net: TestNetwork;
  let rsUrl: string;
  let atUrl: string;
  let rs: ReturnType<typeof directoryApi>;
  const token: Record<'astra' | 'cptv' | 'coordinator' | 'auditor', string> = {} as never;
  /** Links the tests made, by what became of them, for the audit test at the end. */
  const links: Record<'accepted' | 'declined' | 'byCoordinator' | 'superseded' | 'withdrawn' | 'sameOrgSuperseded' | 'successor' | 'retiredWithRole', string> =
    {} as never;

  const as = (who: keyof typeof token, method: string, path: string, body?: unknown): Promise<Reply> => call(rsUrl, method, path, body, token[who]);
  /**
   * What AT sees of an RS role, once its copy of RS's directory shows `seen`: RS publishes its whole directory at once,
   * so the rest of the entry is as it was on RS at that moment.
   */
  const atSees = (address: string, seen: (m: Record<string, unknown>) => boolean, what: string) =>
    eventually(
      async () => (await directoryApi(atUrl).lookup({ country: 'RS' })).matches.find((m: Record<string, unknown>) => m.address === address && seen(m)),
      20_000,
      `AT to see ${address} ${what}`,
    );
  const linkOf = async (id: string, who: keyof typeof token = 'coordinator') =>
    (await as(who, 'GET', '/v1/role-links')).body.items.find((l: { id: string }) => l.id === id);
  const ourRoles = async (ids: string[]) =>
    (await net.sql<{ our_role: string }>('RS', 'SELECT our_role FROM case_file WHERE id = ANY($1::uuid[]) ORDER BY id', [ids])).map((r) => r.our_role);

  beforeAll(async () => {
    net = await TestNetwork.started(['AT', 'RS']);
    rsUrl = net.node('RS').url;
    atUrl = net.node('AT').url;
    rs = directoryApi(rsUrl);
    token.astra = await net.token('RS', { subject: 'admin-astra', roles: ['administrator'], organisation: 'astra' });
    token.cptv = await net.token('RS', { subject: 'admin-cptv', roles: ['administrator'], organisation: 'cptv' });
    token.coordinator = await net.token('RS', { subject: 'rs-coordinator', roles: ['coordinator'] });
    token.auditor = await net.token('RS', { subject: 'rs-auditor', roles: ['auditor'] });
  });
  afterAll(() => net?.close());

  it('makes a role of the same organisation the fallback at once, and so does an administrator of the whole node across organisations', async () => {
    const role = {
      slug: 'links-desk',
      title: 'Links desk',
      purposes: ['return', 'referral'],
      ageGroups: ['adult'],
      languages: ['sr', 'en'],
      fallback: ASTRA_FALLBACK,
    };
    const created = await as('astra', 'POST', '/v1/organisations/astra/roles', role);
    expect(created).toMatchObject({ status: 201, body: { address: DESK, fallback: ASTRA_FALLBACK, pendingFallback: null } });

    // The node's operator (administrator of the whole node) decides for cptv too; then astra takes its own back.
    expect(await ok(rsUrl, 'PATCH', rolePath(DESK), { fallback: DUTY })).toMatchObject({ fallback: DUTY, pendingFallback: null });
    await atSees(DESK, (m) => m.fallback === DUTY, `falling back to ${DUTY}`);
    expect((await as('astra', 'PATCH', rolePath(DESK), { fallback: ASTRA_FALLBACK })).body).toMatchObject({ fallback: ASTRA_FALLBACK, pendingFallback: null });
    await atSees(DESK, (m) => m.fallback === ASTRA_FALLBACK, `falling back to ${ASTRA_FALLBACK}`);
    expect((await as('coordinator', 'GET', '/v1/role-links')).body.items).toEqual([]);
  });

  it('asks cptv when an astra administrator names a cptv role as fallback: nothing changes on RS or at AT until cptv accepts', async () => {
    const asked = await as('astra', 'PATCH', rolePath(DESK), { title: 'Links desk (renamed)', fallback: INTAKE });
    // The rest of the request is made; the fallback is asked for.
    expect(asked).toMatchObject({
      status: 200,
      body: {
        title: 'Links desk (renamed)',
        fallback: ASTRA_FALLBACK,
        pendingFallback: { link: expect.any(String), target: INTAKE, requestedAt: expect.any(String) },
      },
    });
    const id: string = asked.body.pendingFallback.link;
    links.accepted = id;
    expect(await rs.role(DESK)).toMatchObject({ fallback: ASTRA_FALLBACK, pendingFallback: { link: id, target: INTAKE } });
    expect(await atSees(DESK, (m) => m.title === 'Links desk (renamed)', 'renamed')).toMatchObject({ fallback: ASTRA_FALLBACK });

    // cptv sees what waits for its decision, not who of astra asked; astra and the coordinator do, the auditor does not.
    // Asking the same again keeps the one request.
    const pending = {
      id,
      kind: 'fallback',
      role: DESK,
      target: INTAKE,
      targetOrganisation: 'cptv',
      status: 'pending',
      requestedAt: expect.any(String),
      decidedBy: null,
      decidedAt: null,
    };
    expect((await as('cptv', 'GET', '/v1/role-links?status=pending')).body.items).toEqual([pending]);
    expect((await as('cptv', 'GET', '/v1/directory/attention')).body.pendingLinks).toEqual([pending]);
    expect((await as('auditor', 'GET', '/v1/directory/attention')).body.pendingLinks).toEqual([pending]);
    for (const who of ['astra', 'coordinator'] as const) {
      expect({ who, links: (await as(who, 'GET', '/v1/role-links?status=pending')).body.items }).toEqual({
        who,
        links: [{ ...pending, requestedBy: 'admin-astra' }],
      });
      expect({ who, links: (await as(who, 'GET', '/v1/directory/attention')).body.pendingLinks }).toEqual({
        who,
        links: [{ ...pending, requestedBy: 'admin-astra' }],
      });
    }
    expect((await as('astra', 'PATCH', rolePath(DESK), { fallback: INTAKE })).body.pendingFallback).toMatchObject({ link: id });

    const accepted = await as('cptv', 'POST', `/v1/role-links/${id}/accept`);
    expect(accepted).toMatchObject({
      status: 200,
      body: { ...pending, status: 'accepted', decidedBy: 'admin-cptv', decidedAt: expect.any(String), transfer: null },
    });
    expect(accepted.body).not.toHaveProperty('requestedBy');
    // Who of cptv accepted: for cptv and the coordinator, not for astra.
    expect(await linkOf(id)).toMatchObject({ requestedBy: 'admin-astra', decidedBy: 'admin-cptv' });
    expect(await linkOf(id, 'astra')).toEqual({
      ...pending,
      status: 'accepted',
      decidedAt: expect.any(String),
      requestedBy: 'admin-astra',
      decidedBy: undefined,
    });
    expect(await linkOf(id, 'astra')).not.toHaveProperty('decidedBy');
    expect(await rs.role(DESK)).toMatchObject({ fallback: INTAKE, pendingFallback: null });
    await atSees(DESK, (m) => m.fallback === INTAKE, `falling back to ${INTAKE}`);
    expect((await as('cptv', 'GET', '/v1/directory/attention')).body.pendingLinks).toEqual([]);
    // Decided once.
    expect((await as('cptv', 'POST', `/v1/role-links/${id}/accept`)).status).toBe(409);
  });

  it('leaves the fallback as it was when cptv declines', async () => {
    const id: string = (await as('astra', 'PATCH', rolePath(DESK), { fallback: DUTY })).body.pendingFallback.link;
    links.declined = id;
    const declined = await as('cptv', 'POST', `/v1/role-links/${id}/decline`);
    expect(declined).toMatchObject({ status: 200, body: { id, status: 'declined', decidedBy: 'admin-cptv' } });
    expect(await rs.role(DESK)).toMatchObject({ fallback: INTAKE, pendingFallback: null });
    expect((await as('cptv', 'POST', `/v1/role-links/${id}/accept`)).status).toBe(409);
    expect((await as('cptv', 'POST', `/v1/role-links/${id}/decline`)).status).toBe(409);
  });

  it("lets only who decides for the asked organisation accept: not cptv's administrator for atina, nor the asking one; a coordinator may", async () => {
    const id: string = (await as('astra', 'PATCH', rolePath(DESK), { fallback: TRANSITION })).body.pendingFallback.link;
    links.byCoordinator = id;
    expect((await as('cptv', 'GET', '/v1/role-links')).body.items.map((l: { id: string }) => l.id)).not.toContain(id);
    expect((await as('cptv', 'GET', '/v1/directory/attention')).body.pendingLinks.map((l: { id: string }) => l.id)).not.toContain(id);
    expect((await as('astra', 'GET', '/v1/role-links?status=pending')).body.items.map((l: { id: string }) => l.id)).toEqual([id]);
    for (const [who, action] of [
      ['cptv', 'accept'],
      ['cptv', 'decline'],
      ['astra', 'accept'],
    ] as const) {
      expect({ who, action, status: (await as(who, 'POST', `/v1/role-links/${id}/${action}`)).status }).toEqual({ who, action, status: 403 });
    }
    expect(await linkOf(id)).toMatchObject({ status: 'pending', targetOrganisation: 'atina' });

    expect(await as('coordinator', 'POST', `/v1/role-links/${id}/accept`)).toMatchObject({
      status: 200,
      body: { status: 'accepted', decidedBy: 'rs-coordinator' },
    });
    expect(await rs.role(DESK)).toMatchObject({ fallback: TRANSITION });
  });

  it('replaces a pending request by the newer word, also one made at once, and lets the asking organisation withdraw', async () => {
    const first: string = (await as('astra', 'PATCH', rolePath(DESK), { fallback: DUTY })).body.pendingFallback.link;
    const second: string = (await as('astra', 'PATCH', rolePath(DESK), { fallback: INTAKE })).body.pendingFallback.link;
    [links.superseded, links.withdrawn] = [first, second];
    expect(second).not.toBe(first);
    expect(await linkOf(first)).toMatchObject({ status: 'declined', decidedBy: 'admin-astra' });
    expect((await as('cptv', 'POST', `/v1/role-links/${first}/accept`)).status).toBe(409);

    expect(await as('astra', 'POST', `/v1/role-links/${second}/decline`)).toMatchObject({
      status: 200,
      body: { id: second, status: 'declined', decidedBy: 'admin-astra' },
    });
    expect(await rs.role(DESK)).toMatchObject({ fallback: TRANSITION, pendingFallback: null });
    // Who of astra replaced or withdrew the request: not for cptv, which was asked.
    for (const link of [first, second]) {
      const seen = await linkOf(link, 'cptv');
      expect({ link, requestedBy: 'requestedBy' in seen, decidedBy: 'decidedBy' in seen }).toEqual({ link, requestedBy: false, decidedBy: false });
      expect(await linkOf(link, 'astra')).toMatchObject({ requestedBy: 'admin-astra', decidedBy: 'admin-astra' });
    }

    const third: string = (await as('astra', 'PATCH', rolePath(DESK), { fallback: DUTY })).body.pendingFallback.link;
    links.sameOrgSuperseded = third;
    expect((await as('astra', 'PATCH', rolePath(DESK), { fallback: ASTRA_FALLBACK })).body).toMatchObject({ fallback: ASTRA_FALLBACK, pendingFallback: null });
    expect(await linkOf(third)).toMatchObject({ status: 'declined' });
    expect((await as('cptv', 'POST', `/v1/role-links/${third}/accept`)).status).toBe(409);
  });

  it('retires a role in favour of a successor in another organisation only once that organisation accepts, and then moves its cases', async () => {
    await rs.createRole(RETIRING);
    const leaver = await rs.person('Retiring desk worker');
    await rs.assign(RETIRING, leaver);
    await atSees(RETIRING, (m) => m.status === 'active', 'staffed');
    const sent = [await deliverHandover(atUrl, RETIRING), await deliverHandover(atUrl, RETIRING)];
    const ids = sent.map((s) => s.id);

    const asked = await as('astra', 'POST', rolePath(RETIRING, '/deactivate'), { successor: INTAKE });
    expect(asked).toMatchObject({
      status: 202,
      body: { kind: 'successor', role: RETIRING, target: INTAKE, targetOrganisation: 'cptv', status: 'pending', requestedBy: 'admin-astra' },
    });
    const id: string = asked.body.id;
    links.successor = id;
    expect(await rs.role(RETIRING)).toMatchObject({ status: 'active', retiredAt: null, successor: null, pendingSuccessor: { link: id, target: INTAKE } });
    expect(await ourRoles(ids)).toEqual([RETIRING, RETIRING]);
    // A request the role made meanwhile ends with the role.
    const fallbackLink: string = (await as('astra', 'PATCH', rolePath(RETIRING), { fallback: DUTY })).body.pendingFallback.link;
    links.retiredWithRole = fallbackLink;

    const accepted = await as('cptv', 'POST', `/v1/role-links/${id}/accept`);
    expect(accepted).toMatchObject({
      status: 200,
      body: {
        id,
        status: 'accepted',
        transfer: {
          role: RETIRING,
          kind: 'deactivation',
          successor: INTAKE,
          openCases: expect.arrayContaining(sent.map((s) => s.caseRef)),
          unansweredMessages: expect.arrayContaining(ids),
        },
      },
    });
    // Who gave astra's role up is for astra and the coordinator, not for cptv, which took its work on.
    expect(['from', 'to', 'assignment'].filter((key) => key in accepted.body.transfer)).toEqual([]);
    for (const who of ['astra', 'coordinator'] as const) {
      const transfer = await as(who, 'GET', `/v1/role-transfers/${accepted.body.transfer.id}`);
      expect({ who, transfer: transfer.body }).toEqual({ who, transfer: { ...accepted.body.transfer, from: leaver, to: null } });
    }
    expect((await as('cptv', 'GET', `/v1/role-transfers/${accepted.body.transfer.id}`)).status).toBe(403);
    expect(await rs.role(RETIRING)).toMatchObject({ status: 'retired', successor: INTAKE, holders: [], pendingSuccessor: null, pendingFallback: null });
    expect(await ourRoles(ids)).toEqual([INTAKE, INTAKE]);
    expect(await rs.inbox(INTAKE)).toEqual(expect.arrayContaining(ids));
    expect(await linkOf(fallbackLink)).toMatchObject({ status: 'declined', decidedBy: 'admin-cptv' });
    expect(Object.keys(await linkOf(fallbackLink, 'astra'))).not.toContain('decidedBy');
    expect((await as('cptv', 'POST', `/v1/role-links/${fallbackLink}/accept`)).status).toBe(409);
  });

  it('records every request, acceptance and decline in the audit log, by whom', async () => {
    const all = await auditLog(rsUrl, token.auditor);
    const entries = all.filter((e) => e.action.startsWith('registry.link.'));
    const of = (id: string) => entries.filter((e) => e.subject === id).map((e) => ({ action: e.action, actor: e.actor, reason: e.detail.reason }));
    const requested = { action: 'registry.link.requested', actor: 'admin-astra', reason: undefined };
    const declined = (actor: string, reason: string) => ({ action: 'registry.link.declined', actor, reason });
    expect(of(links.accepted)).toEqual([requested, { action: 'registry.link.accepted', actor: 'admin-cptv', reason: undefined }]);
    expect(of(links.declined)).toEqual([requested, declined('admin-cptv', 'declined')]);
    expect(of(links.byCoordinator)).toEqual([requested, { action: 'registry.link.accepted', actor: 'rs-coordinator', reason: undefined }]);
    expect(of(links.superseded)).toEqual([requested, declined('admin-astra', 'superseded')]);
    expect(of(links.withdrawn)).toEqual([requested, declined('admin-astra', 'withdrawn')]);
    expect(of(links.sameOrgSuperseded)).toEqual([requested, declined('admin-astra', 'superseded')]);
    expect(of(links.successor)).toEqual([requested, { action: 'registry.link.accepted', actor: 'admin-cptv', reason: undefined }]);
    expect(of(links.retiredWithRole)).toEqual([requested, declined('admin-cptv', 'role-retired')]);
    expect(entries.find((e) => e.subject === links.accepted).detail).toEqual({ kind: 'fallback', role: DESK, target: INTAKE });

    // The changes themselves, by whoever accepted them.
    expect(all.filter((e) => e.action === 'registry.role.deactivated' && e.subject === RETIRING).map((e) => e.actor)).toEqual(['admin-cptv']);
    const acceptedAt = all.findIndex((e) => e.action === 'registry.link.accepted' && e.subject === links.accepted);
    expect(all[acceptedAt + 1]).toMatchObject({ action: 'registry.role.updated', subject: DESK, actor: 'admin-cptv' });
  });
});
