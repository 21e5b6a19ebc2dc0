import { currentKey, encodeEnvelope, importKey, publishProperties, createEnvelope, Envelope } from '@trm/wire';
import { connect } from 'amqplib';
import { CompactSign } from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleReturnHandover } from '../demo/sample-handover';
import { CliError } from '../errors';
import { GatewayProcesses } from '../local/gateway-processes';
import { freePort, localServices, unreachable } from '../local/preflight';
import { ScratchNetwork } from '../local/scratch-network';
import { repoRoot } from '../paths';

/** One hostile input: how it is sent, and when its answer has come. */
interface Hostile {
  name: string;
  via: 'HTTP' | 'AMQP';
  /** Sends the input and resolves with its answer (HTTP status, or the receipt's status and reason). */
  send: () => Promise<string>;
}

interface Row {
  name: string;
  via: string;
  bytes: number;
  answer: string;
  answerMs: number;
  probes: number;
  healthP50: number;
  healthMax: number;
}

const nested = (levels: number, open = '[', close = ']') => `${open.repeat(levels)}1${close.repeat(levels)}`;

/**
 * `trmctl bench hostile`: the worst single inputs of each kind (nesting, arrays, 1 MiB of JSON) sent to one gateway
 * process over HTTP and, signed by a partner, over AMQP, while `/health` is asked every 5 ms. Shows how long the
 * gateway takes to answer each and how much of that time its event loop is blocked. A measurement, not a test.
 */
export async function runHostileBench(out: (line: string) => void): Promise<void> {
  const missing = await unreachable(localServices(process.env));
  if (missing.length) throw new CliError(`${missing.map((s) => `${s.name} is not reachable; start it with: ${s.start}`).join('\n')}`);
  const net = await ScratchNetwork.create(['AT', 'RS'], { prefix: 'bench', databaseUrl: process.env.TRM_DATABASE_URL || undefined });
  const dir = mkdtempSync(join(tmpdir(), 'trm-hostile-'));
  const processes = new GatewayProcesses();
  try {
    const port = await freePort();
    const rs = processes.start({
      node: 'RS',
      port,
      configFile: net.writeNodeFiles('RS', dir, port),
      entry: join(repoRoot(), 'dist/apps/gateway/src/main.js'),
      env: { ...process.env, NODE_ENV: 'production' },
      nodeOptions: [],
      logFile: join(dir, 'RS.log'),
    });
    await processes.waitUntilServing(rs, 60_000);
    out('trmctl bench hostile: one gateway (RS); each input sent alone while GET /health is asked every 5 ms');

    // HTTP: what a caller of RS's API may send, up to the 1 MiB body limit.
    const token = await net.token('RS');
    const sample = sampleReturnHandover().body as unknown as Record<string, unknown>;
    const handover = (body: string) => `{"sender":"RS/cptv/intake","recipient":"AT/bmi-thb/coordination","body":${body}}`;
    const withNeeds = (needs: string) => handover(JSON.stringify({ ...sample, needs: 'NEEDS' }).replace('"NEEDS"', needs));
    const inPerson = (json: string) => handover(JSON.stringify(sample).replace('"ageGroup"', `${json},"ageGroup"`));
    const items = (n: number, item: string) => `[${Array(n).fill(item).join(',')}]`;
    const manyKeys = `${Array.from({ length: 60_000 }, (_, i) => `"k${i}":1`).join(',')}`;
    const http = (name: string, body: string): Hostile & { bytes: number } => ({
      name,
      via: 'HTTP',
      bytes: Buffer.byteLength(body),
      send: async () => {
        const res = await fetch(`${rs.url}/v1/handovers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        const reply = (await res.json()) as { problems?: Array<{ field: string }> };
        return `${res.status}${reply.problems ? ` ${[...new Set(reply.problems.map((p) => p.field))].join(',').slice(0, 20)}` : ''}`;
      },
    });

    // AMQP: what AT may sign and publish to RS, up to the 256 KiB JWS limit. Receipts come to AT's queue.
    const at = net.node('AT');
    const link = await connect(at.config.partners.find((p) => p.node === 'RS')!.endpoints[0]);
    const own = await connect(at.amqpUrl);
    const publish = await link.createConfirmChannel();
    const receipts = await own.createChannel();
    const jwk = currentKey(at.keys.privateJwks, 'sig', new Date())!;
    const envelope = (): Envelope =>
      createEnvelope({
        id: randomUUID(),
        type: 'handover.request',
        from: 'AT',
        to: 'RS',
        sender: 'AT/bmi-thb/coordination',
        recipient: 'RS/cptv/intake',
        caseRef: `AT-2026-${randomUUID().slice(0, 8).toUpperCase()}`,
        createdAt: new Date().toISOString(),
        body: { ...sample, needs: 'BODY-NEEDS' },
      });
    const signed = async (needs: string) => {
      const e = envelope();
      const payload = Buffer.from(encodeEnvelope(e)).toString('utf8').replace('"BODY-NEEDS"', needs);
      const jws = await new CompactSign(Buffer.from(payload)).setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'trm+json' }).sign(importKey(jwk));
      return { e, jws };
    };
    const receiptFor = async (ids: Set<string>): Promise<string> => {
      const answers: string[] = [];
      for (const deadline = Date.now() + 60_000; ids.size && Date.now() < deadline;) {
        const m = await receipts.get('trm.node', { noAck: true });
        if (!m) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        if (m.properties.type !== 'receipt') continue;
        const body = (
          JSON.parse(Buffer.from(m.content.toString('ascii').split('.')[1], 'base64url').toString('utf8')) as Envelope<{
            ref: string;
            status: string;
            reason?: string;
          }>
        ).body;
        if (!ids.delete(body.ref)) continue;
        answers.push(body.reason ? `${body.status}/${body.reason}` : body.status);
      }
      return ids.size ? `${ids.size} unanswered` : [...new Set(answers)].join(', ');
    };
    const amqp = async (name: string, needs: string[]): Promise<Hostile & { bytes: number }> => {
      const messages = await Promise.all(needs.map(signed));
      return {
        name,
        via: 'AMQP',
        bytes: messages.reduce((n, m) => n + m.jws.length, 0),
        send: async () => {
          for (const { e, jws } of messages) publish.publish('trm.inbound', e.type, Buffer.from(jws, 'ascii'), publishProperties(e));
          await publish.waitForConfirms();
          return receiptFor(new Set(messages.map((m) => m.e.id)));
        },
      };
    };
    // The deepest array nesting within 256 KiB of JWS: base64url makes 3 bytes of payload 4.
    const jwsRoom = Math.floor(((256 * 1024 - 1200) * 3) / 4) - Buffer.byteLength(JSON.stringify(sample));

    const inputs = [
      http('handover to a partner RS has no registry of (comparison)', handover(JSON.stringify(sample))),
      http('10,000 levels of objects', inPerson(`"note":${nested(10_000, '{"a":', '}')}`)),
      http('1 MiB of nested arrays', inPerson(`"note":${nested(523_000)}`)),
      http('140,000-item array of codes', withNeeds(items(140_000, '"x"'))),
      http('1 MiB array (262,000 items)', withNeeds(items(262_000, '"x"'))),
      http('60,000 unknown keys (1 MiB)', inPerson(manyKeys)),
      await amqp('valid handover (comparison)', [JSON.stringify(['shelter'])]),
      await amqp('10,000 levels of objects', [nested(10_000, '{"a":', '}')]),
      await amqp('256 KiB of nested arrays', [nested(Math.floor(jwsRoom / 2))]),
      await amqp('ten 34,000-item arrays', Array<string>(10).fill(items(34_000, '"x"'))),
    ];

    const rows: Row[] = [];
    for (const input of inputs) {
      rows.push({ ...(await whileProbing(rs.url, input.send)), name: input.name, via: input.via, bytes: input.bytes });
      await new Promise((r) => setTimeout(r, 300));
    }
    await link.close();
    await own.close();
    report(out, rows);
  } finally {
    await processes.stopAll();
    await net.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `send` while GET /health is asked every 5 ms; the latencies of the probes answered meanwhile. */
async function whileProbing(url: string, send: () => Promise<string>): Promise<Omit<Row, 'name' | 'via' | 'bytes'>> {
  const latencies: number[] = [];
  let done = false;
  const probing = (async () => {
    while (!done) {
      const started = performance.now();
      await (await fetch(`${url}/health`)).arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const started = performance.now();
  const answer = await send();
  const answerMs = performance.now() - started;
  done = true;
  await probing;
  latencies.sort((a, b) => a - b);
  return { answer, answerMs, probes: latencies.length, healthP50: latencies[Math.floor(latencies.length / 2)] ?? 0, healthMax: latencies.at(-1) ?? 0 };
}

function report(out: (line: string) => void, rows: Row[]): void {
  out('');
  out('via   input                                           bytes  answer                    answer ms  probes  /health p50 ms  max ms');
  for (const r of rows) {
    out(
      `${r.via.padEnd(5)} ${r.name.padEnd(45)} ${String(r.bytes).padStart(8)}  ${r.answer.padEnd(24)} ${r.answerMs.toFixed(0).padStart(10)} ` +
        `${String(r.probes).padStart(7)} ${r.healthP50.toFixed(1).padStart(15)} ${r.healthMax.toFixed(1).padStart(7)}`,
    );
  }
  out(`JSON ${JSON.stringify(rows)}`);
}
