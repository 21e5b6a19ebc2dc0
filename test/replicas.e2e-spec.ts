import { Channel, ChannelModel, connect } from 'amqplib';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { JobTurnRepository } from '../apps/gateway/src/database/job-turn.repository';
import { GatewayProcess, GatewayProcesses, freePort, sampleReturnHandover } from '../apps/trmctl/src/local';
import { EXACTLY_ONCE, notExactlyOnce } from './support/delivery';
import { eventually } from './support/http';
import { TestNetwork } from './support/network';

const ENTRY = join(__dirname, '../dist/apps/gateway/src/main.js');
const REPLICAS = 3;
const PER_STREAM = 150;
/** RS's own limits, small so that what one replica can hold in flight is small: deliveries unacked, relay passes. */
const PREFETCH = 10;
const RELAY = { batchSize: 10, pollIntervalMs: 50, concurrency: 2 };

/**
 * Three gateway processes serve RS on one schema and one queue, one serves AT. AT hands over two streams to RS: the
 * first with every replica up, the second with one replica killed (SIGKILL) in the middle. Shown from the data: one
 * case per caseRef at RS, audited once, one receipt per handover back at AT, and each acceptance RS owes (due two
 * seconds after arrival) escalated once across the replicas. A queue of the test bound to AT's `trm.inbound` sees
 * every receipt RS published: with all replicas up none twice; after the kill, only what the dead replica held.
 */
describe('several gateway replicas of one node', () => {
  let net: TestNetwork;
  let dir: string;
  let at: GatewayProcess;
  const rs: GatewayProcess[] = [];
  let tap: { model: ChannelModel; channel: Channel };
  /** Copies of each receipt RS published to AT's broker, by message id. */
  const copies = new Map<string, number>();
  const processes = new GatewayProcesses();

  const start = async (node: string, name: string): Promise<GatewayProcess> => {
    const port = await freePort();
    const home = join(dir, name);
    mkdirSync(home);
    const configFile = net.writeNodeFiles(node, home, port);
    const gateway = processes.start({
      node,
      port,
      configFile,
      entry: ENTRY,
      env: process.env,
      logFile: join(home, 'gateway.log'),
      label: name,
      readyPath: '/health/ready',
    });
    await processes.waitUntilServing(gateway, 30_000);
    return gateway;
  };

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS'], {
      tune: (c) => {
        const rsOfAt = c.partners.find((p) => p.node === 'RS');
        if (rsOfAt) rsOfAt.agreement.acceptanceMs = 3_600_000; // AT's side of the deadline stays out of the way
        if (c.node !== 'RS') return;
        c.partners[0].agreement.acceptanceMs = 2_000;
        c.broker.prefetch = PREFETCH;
        c.relay = { ...RELAY };
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'trm-replicas-'));
    const started = await Promise.all([start('AT', 'AT'), ...Array.from({ length: REPLICAS }, (_, i) => start('RS', `RS-${i + 1}`))]);
    at = started[0];
    rs.push(...started.slice(1));
    await net.converged(['AT', 'RS']);

    const model = await connect(net.node('AT').amqpUrl);
    const channel = await model.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'trm.inbound', 'receipt');
    await channel.consume(queue, (m) => m && copies.set(String(m.properties.messageId), (copies.get(String(m.properties.messageId)) ?? 0) + 1), {
      noAck: true,
    });
    tap = { model, channel };
  });
  afterAll(async () => {
    await tap?.model.close().catch(() => undefined);
    await processes.stopAll();
    await net?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives each interval of a timed job to one replica only', async () => {
    const ds = await new DataSource({
      type: 'postgres',
      url: net.databaseUrl,
      schema: net.schema('RS'),
      poolSize: 10,
      extra: { options: `-c search_path=${net.schema('RS')}` },
    }).initialize();
    try {
      const turns = new JobTurnRepository(ds);
      const job = `test-${net.run}`;
      const ask = () => Promise.all(Array.from({ length: 10 }, () => turns.take(job, 3_600_000)));
      expect((await ask()).filter(Boolean)).toHaveLength(1);
      expect((await ask()).filter(Boolean)).toHaveLength(0);
      await turns.giveBack(job);
      expect((await ask()).filter(Boolean)).toHaveLength(1);
      // Held for the run's lease (a replica killed mid-run holds it no longer), then an interval less a second from its start.
      const heldFor = async () =>
        (await net.sql<{ s: number }>('RS', `SELECT extract(epoch FROM next_run_at - last_run_at)::int AS s FROM job_turn WHERE job = $1`, [job]))[0].s;
      expect(await heldFor()).toBe(600);
      await turns.done(job, 3_600_000);
      expect(await heldFor()).toBe(3_599);
    } finally {
      await ds.destroy();
    }
  });

  it('answers liveness and readiness on every replica', async () => {
    for (const g of rs) {
      const live = await fetch(`${g.url}/health`);
      expect({ status: live.status, body: await live.json() }).toMatchObject({
        status: 200,
        body: { status: 'ok', node: 'RS', info: { process: { status: 'up' } } },
      });
      const ready = await fetch(`${g.url}/health/ready`);
      expect({ status: ready.status, body: await ready.json() }).toMatchObject({
        status: 200,
        body: { info: { database: { status: 'up' }, broker: { status: 'up' }, inbound: { status: 'up' } } },
      });
    }
  });

  it('processes each handover once, publishes each receipt once and escalates each deadline once, and loses nothing when a replica is killed', async () => {
    const token = await net.token('AT');
    const accepted: Array<{ id: string; caseRef: string }> = [];
    const submit = async (n: number) => {
      const one = async () => {
        const r = await fetch(`${at.url}/v1/handovers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(sampleReturnHandover()),
        });
        expect(r.status).toBe(202);
        accepted.push((await r.json()) as { id: string; caseRef: string });
      };
      for (let i = 0; i < n; i += 10) await Promise.all(Array.from({ length: Math.min(10, n - i) }, one));
    };
    /** Consumers of RS's queue, as its broker counts them: one per replica. */
    const consumersOfRs = async () => {
      const model = await connect(net.node('RS').amqpUrl);
      try {
        return (await (await model.createChannel()).checkQueue(net.node('RS').config.broker.queue)).consumerCount;
      } finally {
        await model.close();
      }
    };
    const receiptsAtAt = async (ids: string[]) => {
      const rows = await net.sql<{ id: string }>('AT', `SELECT id::text FROM inbound_message WHERE type = 'receipt' AND in_reply_to = ANY($1::uuid[])`, [ids]);
      return rows.map((r) => r.id);
    };
    const allReceipted = (ids: string[]) =>
      eventually(
        async () => {
          const [row] = await net.sql<{ n: number }>(
            'AT',
            `SELECT count(*)::int AS n FROM outbound_message WHERE state = 'delivered' AND id = ANY($1::uuid[])`,
            [ids],
          );
          return row.n === ids.length ? true : undefined;
        },
        60_000,
        'every handover receipted',
      );

    // All replicas up: the broker saw each receipt once.
    await submit(PER_STREAM);
    const first = accepted.map((h) => h.id);
    await allReceipted(first);
    const firstReceipts = await receiptsAtAt(first);
    await eventually(async () => (firstReceipts.every((id) => copies.has(id)) ? true : undefined), 10_000, 'the tap to see every receipt');
    expect(firstReceipts.filter((id) => copies.get(id) !== 1).map((id) => `${id} x${copies.get(id)}`)).toEqual([]);

    // One replica killed mid-stream: the others take over its deliveries and its outbox rows.
    const victim = rs[1];
    const streaming = submit(PER_STREAM);
    await eventually(
      async () => {
        const [row] = await net.sql<{ n: number }>('RS', `SELECT count(*)::int AS n FROM case_file`);
        return row.n >= PER_STREAM + PER_STREAM / 3 ? true : undefined;
      },
      30_000,
      'RS to be in the middle of the second stream',
    );
    expect(await consumersOfRs()).toBe(REPLICAS);
    await processes.kill(victim);
    await streaming;
    expect(accepted).toHaveLength(2 * PER_STREAM);
    await allReceipted(accepted.map((h) => h.id));
    expect(await notExactlyOnce(net, 'AT', 'RS', accepted)).toEqual(EXACTLY_ONCE);
    // What the dead replica published and had not recorded yet goes again, as do receipts of deliveries it stored and
    // had not acknowledged: at most what it held.
    const twice = (await receiptsAtAt(accepted.map((h) => h.id))).filter((id) => (copies.get(id) ?? 0) > 1);
    expect(twice.length).toBeLessThanOrEqual(PREFETCH + RELAY.batchSize * RELAY.concurrency);

    // Every acceptance RS owed went unanswered: each escalated once (its step counts the escalations), by one replica.
    const caseRefs = accepted.map((h) => h.caseRef);
    const acceptances = () =>
      net.sql<{ case_ref: string; status: string; escalation_step: number }>(
        'RS',
        `SELECT case_ref, status, escalation_step FROM expectation WHERE kind = 'acceptance' AND case_ref = ANY($1::text[])`,
        [caseRefs],
      );
    await eventually(
      async () => {
        const rows = await acceptances();
        return rows.length === caseRefs.length && rows.every((r) => r.status === 'missed') ? true : undefined;
      },
      30_000,
      'every acceptance RS owes to be escalated',
    );
    expect((await acceptances()).filter((r) => r.escalation_step !== 1)).toEqual([]);
    const alerts = await net.sql<{ case_ref: string; n: number }>(
      'RS',
      `SELECT case_ref, count(*)::int AS n FROM escalation WHERE action = 'alert' AND case_ref = ANY($1::text[]) GROUP BY case_ref`,
      [caseRefs],
    );
    expect(alerts.length).toBe(caseRefs.length);
    expect(alerts.filter((a) => a.n !== 1)).toEqual([]);
    expect(rs.filter((g) => g !== victim).map((g) => g.exit)).toEqual([null, null]);
    expect(await consumersOfRs()).toBe(REPLICAS - 1);
  });
});
