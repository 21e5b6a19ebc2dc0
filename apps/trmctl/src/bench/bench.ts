import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS, parseDuration } from '../../../gateway/src/config/load-config';
import { sampleReturnHandover } from '../demo/sample-handover';
import { CliError } from '../errors';
import { GatewayProcess, GatewayProcesses, peakRss } from '../local/gateway-processes';
import { freePort, localServices, unreachable } from '../local/preflight';
import { DEFAULT_AMQP_HOST, DEFAULT_MANAGEMENT_URL, ScratchNetwork } from '../local/scratch-network';
import { TcpProxy } from '../local/tcp-proxy';
import { repoRoot } from '../paths';
import { cpuPerHandover, cpuSnapshot } from './cpu';
import { BaselineResult, rawBaseline } from './raw-baseline';

export interface BenchOptions {
  /** Handovers pushed as fast as the gateway takes them (closed loop). */
  count: number;
  concurrency: number;
  /** Offered rates (handovers/s, open loop) at which latency is measured. */
  rates: number[];
  /** Seconds each offered rate is held. */
  seconds: number;
  /** Handovers submitted while AT's link to RS is cut, then drained once it is back; 0 skips the phase. */
  backlog: number;
  out: (line: string) => void;
}

interface PhaseResult {
  name: string;
  handovers: number;
  perSecond: number;
  p50: number;
  p99: number;
  failed: number;
}

/**
 * `trmctl bench`: the whole path — HTTP submit, outbox, signature, AMQP to the partner, verification, storage, receipt
 * back, status delivered — between two gateway processes on this machine, next to a raw amqplib baseline on the same
 * broker. A measurement, not a test: it reports, it never fails on timing.
 */
export async function runBench(options: BenchOptions): Promise<void> {
  const { out } = options;
  const missing = await unreachable(localServices(process.env));
  if (missing.length) throw new CliError(`${missing.map((s) => `${s.name} is not reachable; start it with: ${s.start}`).join('\n')}`);

  out(`trmctl bench: ${options.count} handovers AT -> RS through two gateway processes, then a raw amqplib baseline`);
  // The database the preflight checked (TRM_DATABASE_URL, else the default).
  // With a backlog phase, AT reaches RS's broker through a proxy the bench can cut; AT then backs off failed
  // publishes as a production node does (the scratch network's tests use 2 s).
  const proxy = options.backlog ? await new TcpProxy(...hostAndPort(DEFAULT_AMQP_HOST)).start() : null;
  const net = await ScratchNetwork.create(['AT', 'RS'], {
    prefix: 'bench',
    databaseUrl: process.env.TRM_DATABASE_URL || undefined,
    tune: (config) => {
      if (config.node !== 'AT' || !proxy) return;
      config.partners[0].endpoints = config.partners[0].endpoints.map((e) => e.replace(DEFAULT_AMQP_HOST, `127.0.0.1:${proxy.port}`));
      config.timers.publishRetryMaxMs = parseDuration(DEFAULTS.timers.publishRetryMax)!;
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'trm-bench-'));
  const processes = new GatewayProcesses();
  try {
    const gateways: Record<string, GatewayProcess> = {};
    for (const node of ['AT', 'RS']) {
      const port = await freePort();
      const configFile = net.writeNodeFiles(node, dir, port);
      gateways[node] = processes.start({
        node,
        port,
        configFile,
        entry: join(repoRoot(), 'dist/apps/gateway/src/main.js'),
        env: { ...process.env, NODE_ENV: 'production' },
        // TRM_BENCH_PROFILE=<dir>: a V8 CPU profile of each gateway, to see where the time goes.
        nodeOptions: [
          ...(process.env.TRM_BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean),
          ...(process.env.TRM_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.TRM_BENCH_PROFILE}`] : []),
        ],
        logFile: join(dir, `${node}.log`),
      });
    }
    await Promise.all(Object.values(gateways).map((g) => processes.waitUntilServing(g, 60_000)));
    const target: Target = { url: gateways.AT.url, token: await net.token('AT') };
    const body = JSON.stringify(sampleReturnHandover());

    out('warming up (500 handovers)');
    await measure(net, 'warm-up', await closedLoop(target, body, 500, 32), out);

    const results: PhaseResult[] = [];
    const offered = async (rate: number) => {
      await new Promise((r) => setTimeout(r, 2_000)); // let the previous phase's after-work settle
      const n = Math.max(100, Math.round(rate * options.seconds));
      out(`latency: ${n} handovers offered at ${rate}/s`);
      results.push(await measure(net, `offered ${rate}/s`, await openLoop(target, body, rate, n), out));
    };
    // Low rates first, before the saturating phases leave work (vacuum, queue compaction) behind them.
    const [low, high] = [options.rates.filter((r) => r <= 500), options.rates.filter((r) => r > 500)];
    for (const rate of low) await offered(rate);
    out(`throughput: ${options.count} handovers, ${options.concurrency} concurrent submitters`);
    const labels = { [gateways.AT.child.pid!]: 'gateway AT', [gateways.RS.child.pid!]: 'gateway RS', [process.pid]: 'load generator' };
    const before = cpuSnapshot(labels);
    results.unshift(await measure(net, `${options.count} as fast as possible`, await closedLoop(target, body, options.count, options.concurrency), out));
    const cpu = cpuPerHandover(before, cpuSnapshot(labels), options.count);
    for (const rate of high) await offered(rate);
    if (proxy) results.push(await backlog(net, target, body, proxy, options.backlog, out));
    const rss = { AT: peakRss(gateways.AT), RS: peakRss(gateways.RS) };
    const [{ size }] = await net.sql<{ size: number }>('AT', 'SELECT max(length(jws))::int AS size FROM outbound_message');
    await processes.stopAll();

    out(`raw baseline: ${options.count} messages of ${size} bytes (persistent, confirms, quorum queue, publish -> consume -> reply)`);
    const baseline = await rawBaseline(DEFAULT_AMQP_HOST, DEFAULT_MANAGEMENT_URL, `bench-${net.run}-raw`, options.count, size);
    report(out, results, baseline, rss, cpu);
  } finally {
    await processes.stopAll();
    await proxy?.cut();
    if (process.env.TRM_BENCH_KEEP) out(`kept for inspection: schemas ${net.schema('AT')}, ${net.schema('RS')}; logs in ${dir}`);
    else {
      await net.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

interface Submitted {
  ids: string[];
  failed: number;
}

/** Where submissions go, with the bearer token of the benchmark's coordinator. */
interface Target {
  url: string;
  token: string;
}

/** `count` submissions by `concurrency` submitters, each sending its next one when the last was answered. */
async function closedLoop(target: Target, body: string, count: number, concurrency: number): Promise<Submitted> {
  const result: Submitted = { ids: [], failed: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await submit(target, body, result);
      }
    }),
  );
  return result;
}

/** `count` submissions started at a fixed rate, whether or not earlier ones were answered. */
async function openLoop(target: Target, body: string, rate: number, count: number): Promise<Submitted> {
  const result: Submitted = { ids: [], failed: 0 };
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let sent = 0; sent < count;) {
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (sent < due) {
      pending.push(submit(target, body, result));
      sent += 1;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(pending);
  return result;
}

/** Keep-alive connections with node:http: the load generator shares the machine, so it should cost little. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function submit({ url, token }: Target, body: string, result: Submitted): Promise<void> {
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` };
    const req = request(`${url}/v1/handovers`, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const id = res.statusCode === 202 ? (JSON.parse(text) as { id?: string }).id : undefined;
        if (id) result.ids.push(id);
        else result.failed += 1;
        resolve();
      });
    });
    req.on('error', () => {
      result.failed += 1;
      resolve();
    });
    req.end(body);
  });
}

/**
 * An outage of AT's link to RS: `n` handovers are submitted while it is cut and AT has tried each of them once, the
 * link stays cut a few seconds more (back-offs grow meanwhile), then it is restored. The rate is from the restore to
 * the last receipt, and the percentiles count from the restore too: how fast an outage ends, not how long it lasted.
 */
async function backlog(net: ScratchNetwork, target: Target, body: string, proxy: TcpProxy, n: number, out: (line: string) => void): Promise<PhaseResult> {
  await new Promise((r) => setTimeout(r, 2_000));
  out(`backlog: ${n} handovers submitted while AT's link to RS's broker is cut, then drained once it is back`);
  await proxy.cut();
  const submitted = await closedLoop(target, body, n, 32);
  for (;;) {
    const [{ untried }] = await net.sql<{ untried: number }>(
      'AT',
      `SELECT count(*)::int AS untried FROM outbound_message WHERE id = ANY($1::uuid[]) AND last_error IS NULL`,
      [submitted.ids],
    );
    if (!untried) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 5_000));
  const restored = new Date();
  await proxy.start();
  return measure(net, `backlog of ${n} after an outage`, submitted, out, restored);
}

/**
 * Waits until every submitted handover is delivered, then reads the figures from the sender's own records: from the
 * first submission (or `from`) to the last receipt for the rate, and each handover's submit-to-delivered time (or
 * from-to-delivered) for the percentiles.
 */
async function measure(net: ScratchNetwork, name: string, submitted: Submitted, out: (line: string) => void, from?: Date): Promise<PhaseResult> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const [{ delivered }] = await net.sql<{ delivered: number }>(
      'AT',
      `SELECT count(*)::int AS delivered FROM outbound_message WHERE state = 'delivered' AND id = ANY($1::uuid[])`,
      [submitted.ids],
    );
    if (delivered === submitted.ids.length) break;
    if (Date.now() > deadline) throw new CliError(`${name}: only ${delivered} of ${submitted.ids.length} delivered after 300 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const [row] = await net.sql<{ seconds: number; p50: number; p99: number }>(
    'AT',
    `SELECT extract(epoch FROM max(settled_at) - min(GREATEST(created_at, $2)))::float AS seconds,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - GREATEST(created_at, $2))) * 1000 AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - GREATEST(created_at, $2))) * 1000 AS p99
       FROM outbound_message WHERE id = ANY($1::uuid[])`,
    [submitted.ids, from ?? '-infinity'],
  );
  await explainSlowest(net, name, submitted.ids, out);
  return { name, handovers: submitted.ids.length, perSecond: submitted.ids.length / row.seconds, p50: row.p50, p99: row.p99, failed: submitted.failed };
}

/**
 * A handover that took seconds is a backlog (more offered than the path takes), a lost receipt or a stall: show where
 * its time went, so the three can be told apart.
 */
async function explainSlowest(net: ScratchNetwork, name: string, ids: string[], out: (line: string) => void): Promise<void> {
  const [slowest] = await net.sql<{ id: string; ms: number; created_at: Date; sent_at: Date | null; attempts: number }>(
    'AT',
    `SELECT id, (extract(epoch FROM settled_at - created_at) * 1000)::float AS ms, created_at, sent_at, attempts
       FROM outbound_message WHERE id = ANY($1::uuid[]) ORDER BY 2 DESC LIMIT 1`,
    [ids],
  );
  if (!slowest || slowest.ms < 5_000) return;
  const rs = await net.sql<{ received_at: Date }>('RS', 'SELECT received_at FROM inbound_message WHERE id = $1', [slowest.id]);
  const receipt = await net.sql<{ received_at: Date }>('AT', `SELECT received_at FROM inbound_message WHERE type = 'receipt' AND in_reply_to = $1`, [
    slowest.id,
  ]);
  const time = (d: Date | undefined | null) => d?.toISOString().slice(11, 23) ?? 'never';
  out(
    `${name}: slowest handover ${slowest.id} took ${slowest.ms.toFixed(0)} ms: submitted ${time(slowest.created_at)}, ` +
      `sent ${time(slowest.sent_at)} (attempts ${slowest.attempts}), RS stored it ${time(rs[0]?.received_at)}, ` +
      `AT stored its receipt ${time(receipt[0]?.received_at)}`,
  );
}

function report(
  out: (line: string) => void,
  results: PhaseResult[],
  baseline: BaselineResult,
  rss: Record<string, number | null>,
  cpu: Array<[string, number]>,
): void {
  const mb = (b: number | null) => (b === null ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`);
  const [throughput] = results;
  out('');
  out('phase                          handovers   handovers/s   p50 ms   p99 ms   failed');
  for (const r of results) {
    out(
      `${r.name.padEnd(30)} ${String(r.handovers).padStart(9)} ${r.perSecond.toFixed(0).padStart(13)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.failed).padStart(8)}`,
    );
  }
  out(`raw amqplib baseline           ${String(baseline.messages).padStart(9)} ${baseline.perSecond.toFixed(0).padStart(13)}`);
  out('');
  out(`ratio to the raw baseline: ${(throughput.perSecond / baseline.perSecond).toFixed(3)}`);
  out(`peak RSS: gateway AT ${mb(rss.AT)}, gateway RS ${mb(rss.RS)}`);
  if (cpu.length) {
    const total = cpu.reduce((sum, [, ms]) => sum + ms, 0);
    out(`CPU per handover while saturated: ${cpu.map(([label, ms]) => `${label} ${ms.toFixed(2)} ms`).join(', ')}; total ${total.toFixed(2)} ms`);
  }
  out(
    `JSON ${JSON.stringify({ results, baseline, ratio: throughput.perSecond / baseline.perSecond, peakRss: rss, cpuMsPerHandover: Object.fromEntries(cpu) })}`,
  );
}

function hostAndPort(address: string): [string, number] {
  const [host, port] = address.split(':');
  return [host, Number(port ?? 5672)];
}
