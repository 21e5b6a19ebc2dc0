import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { problemFields, rawRequest } from './support/http';
import { TestNetwork } from './support/network';

/**
 * Edges of the HTTP layer that an outside tester found open after issue 8: what the router or the parser answers by
 * itself still carries the security headers and never the path; nothing answered is cacheable, however the path is
 * spelt; a body `null` is not `{}`; text that is not Unicode is refused, not altered; probes are never rate-limited.
 */

const MAX_FAILURES = 3;
let net: TestNetwork;
let port: number;
let token: string;
let caseRef: string;

/** A request with the coordinator's token unless another (or `null`, none) is given. */
const ask = (method: string, path: string, o: { token?: string | null; from?: string; body?: string | Buffer } = {}) =>
  rawRequest(port, method, path, { ...o, token: o.token === null ? undefined : (o.token ?? token) });

beforeAll(async () => {
  net = await TestNetwork.create(['AT', 'RS'], {
    tune: (c) => {
      if (c.node === 'AT') Object.assign(c.auth, { maxFailures: MAX_FAILURES, failureWindowMs: 3_600_000 });
    },
  });
  await net.start('RS');
  port = Number(new URL((await net.start('AT')).url).port);
  token = await net.token('AT', { subject: 'edges', roles: ['coordinator', 'administrator'], ttlSeconds: 3600 });
  await net.converged(['AT', 'RS']);
  const r = await ask('POST', '/v1/handovers', {
    body: JSON.stringify({ sender: 'AT/bmi-thb/coordination', recipient: 'RS/cptv/intake', body: sampleReturnHandover().body }),
  });
  caseRef = JSON.parse(r.text).caseRef;
}, 120_000);
afterAll(async () => {
  await net?.close();
});

describe('no-store, however the path is spelt (the router decodes /%761/ to /v1/)', () => {
  it.each(['/%761/cases/CASE', '/v%31/inbox?limit=5', '/%76%31/cases?limit=5'])('GET %s answers 200 with no-store', async (p) => {
    const a = await ask('GET', p.replace('CASE', caseRef));
    expect({ status: a.status, cache: a.headers['cache-control'] }).toEqual({ status: 200, cache: 'no-store' });
  });
});

describe('errors of the router and the HTTP parser carry the security headers and never the path', () => {
  it.each([`/v1/cases/CASE%ff`, `/v1/cases/CASE%ZZ`, `/v1/cases/CASE${'A'.repeat(100)}`])('GET %s', async (p) => {
    const a = await ask('GET', p.replace('CASE', caseRef));
    expect({
      status4xx: a.status >= 400 && a.status < 500,
      echoes: a.text.includes(caseRef),
      nosniff: a.headers['x-content-type-options'],
      csp: typeof a.headers['content-security-policy'],
      cache: a.headers['cache-control'],
    }).toEqual({ status4xx: true, echoes: false, nosniff: 'nosniff', csp: 'string', cache: 'no-store' });
  });
  it('a request whose headers exceed the limit (431) carries them too', async () => {
    const a = await ask('GET', '/v1/inbox?limit=1&q=' + 'x'.repeat(20_000));
    expect({ status: a.status, nosniff: a.headers['x-content-type-options'], cache: a.headers['cache-control'] }).toEqual({
      status: 431,
      nosniff: 'nosniff',
      cache: 'no-store',
    });
  });
});

describe('a JSON body null is refused, not taken for {}', () => {
  it.each([
    ['PATCH', '/v1/organisations/bmi-thb'],
    ['PATCH', '/v1/roles/bmi-thb/coordination'],
  ])('%s %s with body null → 400', async (m, p) => {
    const a = await ask(m, p, { body: 'null' });
    expect(a.status).toBe(400);
  });
});

describe('text that is not Unicode is refused, not stored as U+FFFD', () => {
  it.each<[string, Buffer, string]>([
    // Bytes that are not UTF-8 are refused before JSON is read: no field can be named yet.
    ['invalid UTF-8 bytes', Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]), '(root)'],
    ['a lone surrogate escape', Buffer.from('{"name":"a\\ud800b"}'), 'name'],
  ])('POST /v1/people with %s in name → 400 naming %s', async (_w, body, field) => {
    const a = await ask('POST', '/v1/people', { body });
    expect({ status: a.status, fields: a.status === 400 ? problemFields(JSON.parse(a.text)) : a.text }).toEqual({ status: 400, fields: [field] });
  });
});

describe('probes are never rate-limited', () => {
  it(`GET /health and /health/ready still answer 200 to an address after ${MAX_FAILURES} failed authentications`, async () => {
    const from = '127.0.0.9';
    for (let i = 0; i < MAX_FAILURES; i++) expect((await ask('GET', '/v1/inbox?limit=1', { token: 'not-a-jwt', from })).status).toBe(401);
    expect((await ask('GET', '/v1/inbox?limit=1', { from })).status).toBe(429);
    const health = await ask('GET', '/health', { token: null, from });
    const ready = await ask('GET', '/health/ready', { token: null, from });
    expect({ health: health.status, ready: ready.status }).toEqual({ health: 200, ready: 200 });
  });
});
