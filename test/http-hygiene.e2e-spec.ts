import { rawRequest } from './support/http';
import { TestNetwork } from './support/network';

/**
 * What every HTTP answer of a node carries whoever asks: security headers, no caching of case data, no path repeated
 * in a 404, and 429 for an address that keeps failing authentication.
 */

const MAX_FAILURES = 4;
let net: TestNetwork;
let port: number;
let token: string;

const ask = (method: string, path: string, options: { token?: string; from?: string } = {}) => rawRequest(port, method, path, options);

beforeAll(async () => {
  net = await TestNetwork.create(['AT'], {
    // A window far longer than the test: what is asserted is the count, never time.
    tune: (config) => Object.assign(config.auth, { maxFailures: MAX_FAILURES, failureWindowMs: 3_600_000 }),
  });
  const node = await net.start('AT');
  port = Number(new URL(node.url).port);
  token = await net.token('AT');
}, 60_000);

afterAll(async () => {
  await net?.close();
});

describe('security headers', () => {
  it.each([
    ['a /v1 answer', 'GET', '/v1/inbox?limit=1', true],
    ['a refused token', 'GET', '/v1/inbox?limit=1', false],
    ['the liveness probe', 'GET', '/health', false],
    ['the OpenAPI document', 'GET', '/openapi.json', false],
    // (any other path is the web console's, with its own policy: test/console-accessibility.e2e-spec.ts)
    ['an unknown API route', 'GET', '/v1/nowhere', false],
  ])('are on %s', async (_what, method, path, withToken) => {
    const a = await ask(method, path, withToken ? { token } : {});
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.headers['x-frame-options']).toBe('DENY');
    const csp = String(a.headers['content-security-policy'])
      .split(';')
      .map((d) => d.trim());
    expect(csp).toEqual(expect.arrayContaining(["default-src 'none'", "frame-ancestors 'none'"]));
  });

  it.each([
    ['GET', '/v1/inbox?limit=1', true, 200],
    ['GET', '/v1/cases?limit=1', true, 200],
    ['GET', '/v1/inbox', false, 401],
    ['GET', '/v1/no-such-thing', true, 404],
  ])('Cache-Control: no-store on %s %s (%#)', async (method, path, withToken, status) => {
    const a = await ask(method, path, withToken ? { token } : {});
    expect({ status: a.status, cache: a.headers['cache-control'] }).toEqual({ status, cache: 'no-store' });
  });
});

describe('unknown routes and methods', () => {
  it.each([
    ['GET', '/v1/cases/AT-2026-MARKERPATH/nothing-here?q=MARKERQUERY'],
    ['DELETE', '/v1/cases/MARKERPATH'],
    ['PUT', '/health/MARKERPATH'],
  ])('%s %s answers 404 without repeating the path', async (method, path) => {
    const a = await ask(method, path, { token });
    expect(a.status).toBe(404);
    expect(JSON.parse(a.text)).toEqual({ statusCode: 404, error: 'Not Found', message: 'no such route or method' });
    expect(a.text).not.toMatch(/MARKER/);
  });
});

describe('failed authentication', () => {
  it(`answers 429 with Retry-After to an address after ${MAX_FAILURES} failed authentications; successful requests do not count`, async () => {
    const from = '127.0.0.2';
    for (let i = 0; i < 3 * MAX_FAILURES; i++) expect((await ask('GET', '/v1/inbox?limit=1', { token, from })).status).toBe(200);
    for (let i = 1; i <= MAX_FAILURES; i++) {
      expect((await ask('GET', '/v1/inbox?limit=1', { token: 'not-a-jwt', from })).status).toBe(401);
      if (i < MAX_FAILURES) expect((await ask('GET', '/v1/inbox?limit=1', { token, from })).status).toBe(200);
    }
    for (const options of [{ token: 'not-a-jwt', from }, { token, from }, { from }]) {
      const refused = await ask('GET', '/v1/inbox?limit=1', options);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600).toBe(true);
      expect(JSON.parse(refused.text)).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    }
    // Another address is not affected.
    expect((await ask('GET', '/v1/inbox?limit=1', { token, from: '127.0.0.3' })).status).toBe(200);
    expect((await ask('GET', '/v1/inbox?limit=1', { token: 'not-a-jwt', from: '127.0.0.3' })).status).toBe(401);
  });
});
