import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { applyTopology } from '../apps/trmctl/src/topology/apply';
import { EXACTLY_ONCE, notExactlyOnce } from './support/delivery';
import { call, eventually } from './support/http';
import { TestNetwork } from './support/network';
import { RabbitNode } from './support/rabbitmq-node';

const HANDOVERS = 1_000;
/** Handovers posted at once: the stream goes on while a member stops and starts. */
const BATCH = 50;
const MANAGEMENT_PORT = 15_691;

/**
 * AT and RS on one RabbitMQ cluster of three members of the test's own: each node's quorum queue has a replica on
 * every member, and gateways list every member. The member the gateways are connected to — and which leads RS's
 * queue — is stopped and started again during 1,000 handovers: each must arrive exactly once.
 */
describe('a node on a three-member RabbitMQ cluster', () => {
  const members = [5691, 5692, 5693].map(
    (port, i) =>
      new RabbitNode({
        name: `trm-c${i + 1}`,
        port,
        ...(i === 0 ? { plugins: ['rabbitmq_management'], conf: [`management.tcp.port = ${MANAGEMENT_PORT}`, 'management.tcp.ip = 127.0.0.1'] } : {}),
      }),
  );
  const [first] = members;
  let net: TestNetwork;

  /** Where RS's queue has its replicas and which member leads it, as `via` sees it. */
  const rsQueue = async (via: RabbitNode): Promise<{ leader: string; members: string[] }> => {
    const out = await via.ctl('list_queues', '-p', net.vhost('RS'), '-q', '--formatter', 'json', 'name', 'leader', 'members');
    const queue = (JSON.parse(out) as Array<{ name: string; leader: string; members: string[] }>).find((q) => q.name === 'trm.node')!;
    return { leader: queue.leader, members: [...queue.members].sort() };
  };
  /** The AMQP port each of the gateways' connections (to AT's and RS's vhosts) is on, by connection name. */
  const gatewayPorts = async (member: RabbitNode): Promise<Record<string, number>> => {
    const out = await member.ctl('list_connections', '-q', '--formatter', 'json', 'vhost', 'port', 'client_properties');
    const connections = JSON.parse(out) as Array<{ vhost: string; port: number; client_properties: Array<[string, string, string]> }>;
    const name = (c: (typeof connections)[number]) => c.client_properties.find(([key]) => key === 'connection_name')?.[2] ?? '';
    return Object.fromEntries(connections.filter((c) => name(c).startsWith('trm-gateway ')).map((c) => [name(c), c.port]));
  };

  beforeAll(async () => {
    await Promise.all(members.map((m) => m.start()));
    for (const member of members.slice(1)) {
      await member.ctl('stop_app');
      await member.ctl('join_cluster', first.node);
      await member.ctl('start_app');
    }
    net = await TestNetwork.create(['AT', 'RS'], {
      amqpHosts: members.map((m) => `127.0.0.1:${m.options.port}`),
      managementUrl: `http://guest:guest@127.0.0.1:${MANAGEMENT_PORT}`,
      // A receipt lost with the member is recovered by the sender's resend: make that come within seconds.
      tune: (c) => (c.timers.receiptTimeoutMs = 10_000),
    });
    await net.start('AT');
    await net.start('RS');
    await net.converged();
  }, 300_000);

  afterAll(async () => {
    await net?.close().catch(() => undefined);
    for (const member of members) member.remove();
  }, 300_000);

  it('refuses a node queue without a replica on every member, naming the fix', async () => {
    const { config } = net.node('RS');
    const vhost = net.vhost('RS');
    await first.queues('delete_member', '--vhost', vhost, 'trm.node', members[2].node);
    await expect(applyTopology(config)).rejects.toThrow(`quorum queue "trm.node" in vhost "${vhost}" has no replica on ${members[2].node}: add them with`);
    await first.queues('add_member', '--vhost', vhost, 'trm.node', members[2].node);
    await applyTopology(config);
  });

  it('delivers 1,000 handovers exactly once while the member the gateways use is stopped and started again', async () => {
    // The queue was declared through the first member, which leads it; the gateways connect to the first member listed.
    expect(await rsQueue(first)).toEqual({ leader: first.node, members: members.map((m) => m.node).sort() });
    const before = await gatewayPorts(first);
    expect(new Set(Object.values(before))).toEqual(new Set([first.options.port]));

    const accepted: Array<{ id: string; caseRef: string }> = [];
    const refused: string[] = [];
    const post = async () => {
      const r = await call(net.node('AT').url, 'POST', '/v1/handovers', sampleReturnHandover());
      if (r.status === 202) accepted.push(r.body as { id: string; caseRef: string });
      else refused.push(`${r.status} ${JSON.stringify(r.body)}`);
    };
    const delivered = (handovers: Array<{ id: string }>, what: string) =>
      eventually(
        async () => {
          const [row] = await net.sql<{ n: number }>(
            'AT',
            `SELECT count(*)::int AS n FROM outbound_message WHERE state = 'delivered' AND id = ANY($1::uuid[])`,
            [handovers.map((h) => h.id)],
          );
          return row.n === handovers.length ? true : undefined;
        },
        120_000,
        what,
      );

    let stopped: Promise<void> | null = null;
    let started: Promise<void> | null = null;
    for (let sent = 0; sent < HANDOVERS; sent += BATCH) {
      if (sent === 300) stopped = first.stop();
      // 300 handovers are taken while the member is surely down.
      if (sent === 500) await stopped;
      if (sent === 800) {
        // Failed over: what AT took so far reaches RS and is receipted while the member is still down, through the
        // others, and RS's queue has a new leader.
        await delivered([...accepted], `the first ${accepted.length} handovers delivered while ${first.node} is down`);
        const moved = await gatewayPorts(members[1]);
        expect(Object.keys(moved).sort()).toEqual(Object.keys(before).sort());
        expect(Object.values(moved)).not.toContain(first.options.port);
        expect((await rsQueue(members[1])).leader).not.toBe(first.node);
        started = first.start();
      }
      await Promise.all(Array.from({ length: BATCH }, post));
    }
    await started;
    expect(refused).toEqual([]);

    await delivered(accepted, 'every accepted handover delivered');
    expect(accepted.length).toBe(HANDOVERS);
    expect(await notExactlyOnce(net, 'AT', 'RS', accepted)).toEqual(EXACTLY_ONCE);
  }, 300_000);
});
