import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayProcess, GatewayProcesses, freePort } from '../apps/trmctl/src/local';
import { RETRY_AFTER_SECONDS } from '../apps/gateway/src/http/error-filters';
import { REPEAT_LOG_INTERVAL_MS } from '../apps/gateway/src/logging/log-throttle';
import { eventually } from './support/http';
import { TestNetwork } from './support/network';
import { ThrowAwayCluster } from './support/postgres-cluster';

const ENTRY = join(__dirname, '../dist/apps/gateway/src/main.js');
const REQUESTS = 200;

/**
 * "While the database is down, the API answers 503 with Retry-After": one gateway process on a cluster of its own,
 * which is then killed. Every request is refused with 503 and Retry-After, the failure is logged once per interval
 * (not once per request), and once the cluster is back the same requests succeed again.
 */
describe('a node whose database is down', () => {
  let cluster: ThrowAwayCluster;
  let net: TestNetwork;
  let gateway: GatewayProcess;
  let token: string;
  const processes = new GatewayProcesses();

  beforeAll(async () => {
    cluster = new ThrowAwayCluster(await freePort());
    await cluster.start();
    net = await TestNetwork.create(['AT'], { databaseUrl: cluster.url });
    const port = await freePort();
    gateway = processes.start({
      node: 'AT',
      port,
      configFile: net.writeNodeFiles('AT', cluster.dir, port),
      entry: ENTRY,
      env: process.env,
      logFile: join(cluster.dir, 'AT.log'),
    });
    await processes.waitUntilServing(gateway, 30_000);
    token = await net.token('AT', { roles: ['administrator'] });
  });
  afterAll(async () => {
    await processes.stopAll();
    await cluster?.ensureRunning();
    await net?.close();
    await cluster?.remove();
  });

  const organisations = async () => {
    const res = await fetch(`${gateway.url}/v1/organisations`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
  };
  const logLines = () => readFileSync(gateway.logFile, 'utf8').split('\n');
  const unreachableLines = () => logLines().filter((l) => l.includes('"context":"HttpErrors"'));

  it('answers 503 with Retry-After, logs the failure once per interval, and serves again once the database is back', async () => {
    expect((await organisations()).status).toBe(200);

    await cluster.kill();
    const began = Date.now();
    const replies = [];
    for (let i = 0; i < REQUESTS; i++) replies.push(await organisations());
    // Long enough for the relay's workers to poll (and fail) several times each.
    await new Promise((resolve) => setTimeout(resolve, 3 * 1000));
    const elapsed = Date.now() - began;

    expect(new Set(replies.map((r) => `${r.status} ${r.retryAfter}`))).toEqual(new Set([`503 ${RETRY_AFTER_SECONDS}`]));
    expect(JSON.parse(replies[0].text)).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String) });
    // Not one line per request: at most one per interval since the first refusal (and one for the first).
    const lines = unreachableLines();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(1 + Math.floor(elapsed / REPEAT_LOG_INTERVAL_MS));
    expect(lines.every((l) => l.includes('database unreachable, answering 503'))).toBe(true);
    // The timed work too: the relay says each kind of failure once per interval, not once per poll of each worker.
    const relay = logLines().filter((l) => l.includes('relay pass failed'));
    const kinds = new Set(relay.map((l) => /relay pass failed: (.*?)(?: \(|")/.exec(l)?.[1]));
    expect(relay.length).toBeGreaterThan(0);
    expect(relay.length).toBeLessThanOrEqual(kinds.size * (1 + Math.floor(elapsed / REPEAT_LOG_INTERVAL_MS)));

    await cluster.start();
    await eventually(async () => ((await organisations()).status === 200 ? true : undefined), 30_000, 'the node to serve again');
    expect(gateway.exit).toBeNull();
  });
});
