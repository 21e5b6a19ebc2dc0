import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STRICT_TRANSPORT_SECURITY } from '../apps/gateway/src/http/secure-http';
import { rawRequest } from './support/http';
import { TestNetwork } from './support/network';
import { ServerCertificate, serverCertificate } from './support/tls';

/**
 * HTTPS for the API and the console (issue 14): AT serves it itself (`http.tls`, a certificate of a test CA for
 * 127.0.0.1) and trusts no proxy; RS serves plain HTTP behind a TLS-terminating proxy at 127.0.0.1 (`http.trustProxy`),
 * whose X-Forwarded-For and X-Forwarded-Proto it believes — from that address only.
 */

const MAX_FAILURES = 3;
const dir = mkdtempSync(join(tmpdir(), 'trm-https-'));
const INDEX = '<!doctype html><title>TRM</title><div id="root"></div>';
let tls: ServerCertificate;
let net: TestNetwork;
let token: string;
let atPort: number;
let rsPort: number;

beforeAll(async () => {
  tls = await serverCertificate(dir);
  writeFileSync(join(dir, 'index.html'), INDEX);
  net = await TestNetwork.create(['AT', 'RS'], {
    tune: (config) => {
      // A window far longer than the test: what is asserted is the count, never time.
      Object.assign(config.auth, { maxFailures: MAX_FAILURES, failureWindowMs: 3_600_000 });
      if (config.node === 'AT') {
        config.http.tls = { cert: tls.cert, key: tls.key };
        Object.assign(config.console, { root: dir, authority: 'https://idp.example.at/realms/trm' });
      } else config.http.trustProxy = ['127.0.0.1'];
    },
  });
  atPort = Number(new URL((await net.start('AT')).url).port);
  rsPort = Number(new URL((await net.start('RS')).url).port);
  token = await net.token('AT');
}, 60_000);

afterAll(async () => {
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a node serving HTTPS itself (http.tls)', () => {
  const ask = (path: string, options: { token?: string; from?: string; headers?: Record<string, string> } = {}) =>
    rawRequest(atPort, 'GET', path, { ...options, ca: tls.ca });

  it('answers the API over HTTPS with the test CA, with HSTS', async () => {
    const me = await ask('/v1/me', { token });
    expect({ status: me.status, hsts: me.headers['strict-transport-security'] }).toEqual({ status: 200, hsts: STRICT_TRANSPORT_SECURITY });
    expect(STRICT_TRANSPORT_SECURITY).toBe('max-age=31536000; includeSubDomains');
    // Refusals too, and the router's own errors.
    for (const [path, status] of [
      ['/v1/inbox', 401],
      ['/v1/cases/%zz', 400],
    ] as const) {
      const refused = await ask(path, { from: '127.0.0.4' });
      expect({ status: refused.status, hsts: refused.headers['strict-transport-security'] }).toEqual({ status, hsts: STRICT_TRANSPORT_SECURITY });
    }
  });

  it("serves the console's page and its sign-in settings over HTTPS", async () => {
    const page = await ask('/cases/AT-2026-X');
    expect({ status: page.status, text: page.text, hsts: page.headers['strict-transport-security'] }).toEqual({
      status: 200,
      text: INDEX,
      hsts: STRICT_TRANSPORT_SECURITY,
    });
    const settings = await ask('/v1/console/settings');
    expect(JSON.parse(settings.text)).toMatchObject({ node: 'AT', authority: 'https://idp.example.at/realms/trm' });
  });

  it('refuses plain HTTP on its port', async () => {
    await expect(rawRequest(atPort, 'GET', '/health')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('counts failed authentications by the TCP peer: X-Forwarded-For from a proxy it does not trust is ignored', async () => {
    const from = '127.0.0.3';
    for (let i = 0; i < MAX_FAILURES; i++) {
      const forwarded = { 'x-forwarded-for': `203.0.113.${i + 1}` };
      expect((await ask('/v1/inbox', { token: 'not-a-jwt', from, headers: forwarded })).status).toBe(401);
    }
    expect((await ask('/v1/me', { token, from, headers: { 'x-forwarded-for': '203.0.113.99' } })).status).toBe(429);
  });
});

describe('a node behind a TLS-terminating proxy at 127.0.0.1 (http.trustProxy)', () => {
  const ask = (path: string, options: { token?: string; from?: string; headers?: Record<string, string> } = {}) => rawRequest(rsPort, 'GET', path, options);
  const rsToken = () => net.token('RS');

  it('sends HSTS when the proxy says the request came over HTTPS, and only then', async () => {
    const hsts = async (from: string, headers: Record<string, string> = {}) => (await ask('/health', { from, headers })).headers['strict-transport-security'];
    expect(await hsts('127.0.0.1', { 'x-forwarded-proto': 'https' })).toBe(STRICT_TRANSPORT_SECURITY);
    expect(await hsts('127.0.0.1', { 'x-forwarded-proto': 'http' })).toBeUndefined();
    expect(await hsts('127.0.0.1')).toBeUndefined();
    // Anybody else reaching the port may say so too: not believed.
    expect(await hsts('127.0.0.2', { 'x-forwarded-proto': 'https' })).toBeUndefined();
  });

  it('limits failed authentications by the client address the proxy forwards, each address on its own', async () => {
    const good = await rsToken();
    const via = (client: string) => ({ from: '127.0.0.1', headers: { 'x-forwarded-for': client, 'x-forwarded-proto': 'https' } });
    for (let i = 0; i < MAX_FAILURES; i++) expect((await ask('/v1/inbox', { token: 'not-a-jwt', ...via('198.51.100.7') })).status).toBe(401);
    expect((await ask('/v1/me', { token: good, ...via('198.51.100.7') })).status).toBe(429);
    // Another client behind the same proxy is not affected.
    expect((await ask('/v1/me', { token: good, ...via('198.51.100.8') })).status).toBe(200);
    expect((await ask('/v1/inbox', { token: 'not-a-jwt', ...via('198.51.100.8') })).status).toBe(401);
    // A client that forges an entry before its own (the proxy appends the address it saw) is still itself.
    expect((await ask('/v1/me', { token: good, ...via('198.51.100.7, 198.51.100.9') })).status).toBe(200);
    // And a peer that is not the proxy is counted as itself, whatever it forwards.
    expect((await ask('/v1/inbox', { token: 'not-a-jwt', from: '127.0.0.2', headers: { 'x-forwarded-for': '198.51.100.7' } })).status).toBe(401);
  });
});
