import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS, ManualClock } from './support/clock';
import { CaseSteps, MINUTE_MS, RS_INTAKE, bodies, isoDay, startCaseNodes, withSealedConsent } from './support/cases';
import { directoryApi } from './support/directory';
import { call, rawRequest } from './support/http';
import { TestNetwork } from './support/network';
import { sampleReturnHandover } from '../apps/trmctl/src/local';

/**
 * What the web console needs of the gateway (issue 12), against real nodes AT and RS: the console's files at `/` with
 * its own Content-Security-Policy, its settings and the signed-in caller, the case filters, when an inbox item is due,
 * the partners' links, and each case's actions — exactly those the API then takes.
 */

const clock = new ManualClock();
let net: TestNetwork;
let steps: CaseSteps;
const site = mkdtempSync(join(tmpdir(), 'trm-console-'));
const INDEX = '<!doctype html><title>TRM</title><div id="root"></div><script type="module" src="/assets/app-1a2b3c.js"></script>';

beforeAll(async () => {
  mkdirSync(join(site, 'assets'));
  writeFileSync(join(site, 'index.html'), INDEX);
  writeFileSync(join(site, 'assets', 'app-1a2b3c.js'), 'console.info(1);');
  ({ net, steps } = await startCaseNodes(clock, (config) => {
    config.console.root = site;
    config.console.authority = 'https://idp.example.org/realms/trm';
  }));
});
afterAll(async () => {
  await net?.close();
  rmSync(site, { recursive: true, force: true });
});

const at = () => net.node('AT');
const rs = () => net.node('RS');
const port = (url: string) => Number(new URL(url).port);
const tick = () => clock.advance(MINUTE_MS);
/** A token dated by the nodes' clock, valid for a month of it. */
const tok = (node: string, claims: { subject: string; roles: Array<'coordinator' | 'caseworker' | 'auditor' | 'administrator'>; organisation?: string }) =>
  net.token(node, { ...claims, now: clock.now(), ttlSeconds: 30 * 86_400 });

describe('the console at /', () => {
  const API_CSP = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";
  const CSP =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; " +
    "connect-src 'self' https://idp.example.org; frame-ancestors 'none'; base-uri 'none'; form-action 'self' https://idp.example.org; object-src 'none'";

  it('serves index.html at / and for client-side routes, with its own policy and not stored', async () => {
    for (const path of ['/', '/cases/AT-2026-X', '/inbox?role=x']) {
      const r = await rawRequest(port(at().url), 'GET', path);
      expect({ path, status: r.status, text: r.text, csp: r.headers['content-security-policy'], cache: r.headers['cache-control'] }).toEqual({
        path,
        status: 200,
        text: INDEX,
        csp: CSP,
        cache: 'no-store',
      });
      expect(r.headers['content-type']).toMatch(/^text\/html/);
    }
  });

  it('lets browsers keep hashed assets, and answers 404 for a file that is not there', async () => {
    const asset = await rawRequest(port(at().url), 'GET', '/assets/app-1a2b3c.js');
    expect([asset.status, asset.text, asset.headers['cache-control'], asset.headers['content-security-policy']]).toEqual([
      200,
      'console.info(1);',
      'public, max-age=31536000, immutable',
      CSP,
    ]);
    expect((await rawRequest(port(at().url), 'GET', '/assets/gone-000.js')).status).toBe(404);
    // A path out of the build's folder names no file of it: the console's page, nothing of the disk.
    const out = await rawRequest(port(at().url), 'GET', '/assets/../../../../etc/passwd');
    expect([out.status, out.text]).toEqual([200, INDEX]);
  });

  it('leaves the API its own answers: unknown /v1 routes keep the 404 that does not repeat the path, the strict policy stays', async () => {
    for (const path of ['/v1/no-such-thing/AT-2026-SECRET', '/%761/nothing', '/health/nothing', '/metrics/x', '/docs']) {
      const r = await rawRequest(port(at().url), 'GET', path);
      expect({ path, status: r.status, body: JSON.parse(r.text) }).toEqual({
        path,
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: 'no such route or method' },
      });
      expect(r.headers['content-security-policy']).toBe(API_CSP);
    }
    const health = await rawRequest(port(at().url), 'GET', '/health');
    expect([health.status, health.headers['content-security-policy']]).toEqual([200, API_CSP]);
    expect((await rawRequest(port(at().url), 'POST', '/')).status).toBe(404);
  });

  it('says so when the console is not built', async () => {
    unlinkSync(join(site, 'index.html'));
    try {
      const r = await rawRequest(port(at().url), 'GET', '/');
      expect([r.status, r.text]).toEqual([404, 'the web console is not built: run npm run build\n']);
    } finally {
      writeFileSync(join(site, 'index.html'), INDEX);
    }
  });
});

describe('settings and the caller', () => {
  it('tells anyone where the console signs in', async () => {
    const r = await call(at().url, 'GET', '/v1/console/settings', undefined, null);
    expect([r.status, r.body]).toEqual([
      200,
      { node: 'AT', authority: 'https://idp.example.org/realms/trm', clientId: 'trm-console-AT', scope: 'openid profile' },
    ]);
  });

  it('tells the signed-in caller who they are on this node; without a token, 401', async () => {
    const registry = directoryApi(rs().url);
    const person = await registry.person('Console Me');
    await registry.assign(RS_INTAKE, person);
    const token = await tok('RS', { subject: person, roles: ['caseworker'] });
    const r = await call(rs().url, 'GET', '/v1/me', undefined, token);
    expect([r.status, r.body]).toEqual([200, { subject: person, roles: ['caseworker'], organisation: null, holds: [RS_INTAKE], covers: [], node: 'RS' }]);
    const admin = await call(rs().url, 'GET', '/v1/me', undefined, await tok('RS', { subject: 'adm', roles: ['administrator'], organisation: 'astra' }));
    expect(admin.body).toMatchObject({ subject: 'adm', roles: ['administrator'], organisation: 'astra', node: 'RS' });
    expect((await call(rs().url, 'GET', '/v1/me', undefined, null)).status).toBe(401);
  });
});

describe('cases for the console', () => {
  it('filters cases by partner and by overdue, and shows when an inbox item is due', async () => {
    const { id, caseRef } = await steps.open();
    const other = await steps.open();
    await steps.deliver('RS', other.caseRef, 'handover.accepted', bodies.accepted());
    const refs = async (node: string, query: string) =>
      ((await call(net.node(node).url, 'GET', `/v1/cases?limit=500&${query}`)).body.items as Array<{ caseRef: string }>).map((c) => c.caseRef);

    expect(await refs('RS', 'partner=AT')).toEqual(expect.arrayContaining([caseRef, other.caseRef]));
    expect(await refs('RS', 'partner=DE')).toEqual([]);
    expect((await call(rs().url, 'GET', '/v1/cases?partner=nope')).status).toBe(400);
    expect((await call(rs().url, 'GET', '/v1/cases?overdue=yes')).status).toBe(400);

    // Acceptance is due 48 h after the request: RS owes it, AT waits for it.
    const item = (await call(rs().url, 'GET', '/v1/inbox?limit=500')).body.items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({ type: 'handover.request', waiting: true, dueAt: new Date(clock.now().getTime() + 2 * DAY_MS).toISOString() });
    const answered = (await call(rs().url, 'GET', '/v1/inbox?limit=500')).body.items.find((i: { id: string }) => i.id === other.id);
    expect(answered).toMatchObject({ waiting: false, dueAt: null });

    for (const node of ['AT', 'RS']) expect(await refs(node, 'overdue=true')).not.toContain(caseRef);
    clock.advance(2 * DAY_MS + MINUTE_MS);
    for (const node of ['AT', 'RS']) {
      expect(await refs(node, 'overdue=true')).toContain(caseRef);
      expect(await refs(node, 'overdue=true')).not.toContain(other.caseRef);
      expect(await refs(node, 'overdue=false')).toEqual(expect.arrayContaining([caseRef, other.caseRef]));
      expect(await refs(node, 'overdue=true&partner=DE')).toEqual([]);
    }
    await steps.deliver('RS', caseRef, 'handover.declined', bodies.declined());
    for (const node of ['AT', 'RS']) expect(await refs(node, 'overdue=true')).not.toContain(caseRef);
  });

  it('lists the partners with their link, last receipt, what waits for them and the directory held', async () => {
    const token = await tok('AT', { subject: 'ops', roles: ['auditor'] });
    const r = await call(at().url, 'GET', '/v1/partners', undefined, token);
    expect(r.status).toBe(200);
    const [rsLink] = r.body.items;
    expect(rsLink).toEqual({
      node: 'RS',
      link: { state: 'up', since: expect.any(String), reason: null },
      lastReceiptAt: expect.any(String),
      waiting: 0,
      directory: { version: expect.any(Number), issuedAt: expect.any(String), receivedAt: expect.any(String) },
    });
    const [held] = await net.sql<{ version: number }>('AT', `SELECT version FROM partner_directory WHERE node = 'RS'`);
    const [receipt] = await net.sql<{ at: Date }>('AT', `SELECT max(received_at) AS at FROM inbound_message WHERE type = 'receipt' AND from_node = 'RS'`);
    expect([rsLink.directory.version, rsLink.lastReceiptAt]).toEqual([held.version, receipt.at.toISOString()]);
    expect((await call(at().url, 'GET', '/v1/partners', undefined, await tok('AT', { subject: 'cw', roles: ['caseworker'] }))).status).toBe(403);

    // While RS's gateway is stopped, what AT sends it waits for its receipt; once RS is back, nothing waits.
    await net.stop('RS');
    const sent = await call(at().url, 'POST', '/v1/handovers', sampleReturnHandover(clock.now()));
    expect(sent.status).toBe(202);
    const waiting = await call(at().url, 'GET', '/v1/partners', undefined, token);
    expect(waiting.body.items[0].waiting).toBeGreaterThanOrEqual(1);
    await net.start('RS');
    await net.converged(['AT']);
    const after = await call(at().url, 'GET', '/v1/partners', undefined, token);
    expect(after.body.items[0]).toMatchObject({ waiting: 0, link: { state: 'up' } });
  });
});

describe("a case's actions: what the API takes from the caller now", () => {
  const actionsOf = async (node: string, caseRef: string, token?: string): Promise<string[]> => {
    const r = await call(net.node(node).url, 'GET', `/v1/cases/${caseRef}`, undefined, token);
    if (r.status !== 200) throw new Error(`GET case answered ${r.status}`);
    return r.body.actions;
  };

  it('offers each side the steps that fit the state, and the API takes them; a type not offered is refused', async () => {
    const { caseRef } = await steps.open({
      ...sampleReturnHandover(clock.now()),
      body: withSealedConsent(sampleReturnHandover(clock.now()).body),
      sealed: { givenName: 'Ana', familyName: 'Test' },
    });
    expect(await actionsOf('RS', caseRef)).toEqual([
      'handover.accepted',
      'handover.declined',
      'info.request',
      'case.updated',
      'case.closed',
      'addParticipant',
      'openSealed',
    ]);
    expect(await actionsOf('AT', caseRef)).toEqual(['info.request', 'case.updated', 'consent.withdrawn', 'case.closed', 'addParticipant', 'openSealed']);

    // Not offered to AT: the API refuses them (409).
    for (const type of ['handover.accepted', 'return.scheduled', 'arrival.confirmed', 'followup.report']) {
      expect({ type, status: (await steps.attempt('AT', caseRef, type, {})).status }).toEqual({ type, status: 409 });
    }
    tick();
    await steps.deliver('AT', caseRef, 'info.request', bodies.infoRequest());
    expect(await actionsOf('RS', caseRef)).toContain('info.response');
    await steps.deliver('RS', caseRef, 'info.response', bodies.infoResponse());
    tick();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    expect(await actionsOf('AT', caseRef)).toEqual([
      'info.request',
      'case.updated',
      'return.scheduled',
      'consent.withdrawn',
      'case.closed',
      'addParticipant',
      'openSealed',
    ]);
    expect(await actionsOf('RS', caseRef)).toEqual([
      'info.request',
      'info.response',
      'case.updated',
      'followup.report',
      'case.closed',
      'addParticipant',
      'openSealed',
    ]);
    tick();
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 5)));
    expect(await actionsOf('RS', caseRef)).toEqual([
      'info.request',
      'info.response',
      'case.updated',
      'arrival.confirmed',
      'arrival.missed',
      'case.closed',
      'addParticipant',
      'openSealed',
    ]);
    expect((await steps.attempt('RS', caseRef, 'followup.report', bodies.report(1))).status).toBe(409);
    tick();
    await steps.deliver('RS', caseRef, 'arrival.confirmed', bodies.arrived(clock.now()));
    tick();
    await steps.deliver('AT', caseRef, 'case.closed', bodies.closed());
    // After the end: only consent may still be withdrawn (AT), nothing to send for RS, and no role to tell (409).
    expect(await actionsOf('AT', caseRef)).toEqual(['consent.withdrawn', 'openSealed']);
    expect(await actionsOf('RS', caseRef)).toEqual(['openSealed']);
    expect((await call(rs().url, 'POST', `/v1/cases/${caseRef}/participants`, { role: 'RS/astra/return-support' })).status).toBe(409);
    expect((await steps.attempt('RS', caseRef, 'case.updated', bodies.updated())).status).toBe(409);
    expect((await call(rs().url, 'GET', `/v1/cases/${caseRef}/sealed`)).status).toBe(200);
  });

  it('gives an auditor none, and a caseworker only what their roles may do', async () => {
    const { caseRef } = await steps.open();
    const auditor = await tok('RS', { subject: 'aud', roles: ['auditor'] });
    expect(await actionsOf('RS', caseRef, auditor)).toEqual([]);
    expect((await call(rs().url, 'POST', `/v1/cases/${caseRef}/messages`, { type: 'info.request', body: bodies.infoRequest() }, auditor)).status).toBe(403);

    const registry = directoryApi(rs().url);
    const holder = await registry.person('Console Holder');
    await registry.assign(RS_INTAKE, holder);
    const own = await tok('RS', { subject: holder, roles: ['caseworker'] });
    expect(await actionsOf('RS', caseRef, own)).toEqual([
      'handover.accepted',
      'handover.declined',
      'info.request',
      'case.updated',
      'case.closed',
      'addParticipant',
    ]);
    const r = await call(rs().url, 'POST', `/v1/cases/${caseRef}/messages`, { type: 'info.request', body: bodies.infoRequest() }, own);
    expect(r.status).toBe(202);
    expect((await call(rs().url, 'POST', `/v1/cases/${caseRef}/participants`, { role: 'RS/astra/return-support' }, own)).status).toBe(200);
    // Without sealed details there is nothing to open: no openSealed, and the API finds none (404).
    expect((await call(rs().url, 'GET', `/v1/cases/${caseRef}/sealed`, undefined, own)).status).toBe(404);

    const stranger = await tok('RS', { subject: 'nobody', roles: ['caseworker'] });
    expect((await call(rs().url, 'GET', `/v1/cases/${caseRef}`, undefined, stranger)).status).toBe(403);
  });
});
