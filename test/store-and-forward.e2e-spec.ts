import { TcpProxy, sampleReturnHandover } from '../apps/trmctl/src/local';
import { EXACTLY_ONCE, notExactlyOnce } from './support/delivery';
import { call, eventually } from './support/http';
import { AMQP_HOST, TestNetwork } from './support/network';

const [host, port] = AMQP_HOST.split(':');

async function submit(base: string, n: number): Promise<Array<{ id: string; caseRef: string }>> {
  const handovers: Array<{ id: string; caseRef: string }> = [];
  for (let i = 0; i < n; i++) {
    const r = await call(base, 'POST', '/v1/handovers', sampleReturnHandover());
    expect(r.status).toBe(202);
    handovers.push({ id: r.body.id, caseRef: r.body.caseRef });
  }
  return handovers;
}

async function statuses(net: TestNetwork, node: string, ids: string[]): Promise<Record<string, number>> {
  const rows = await net.sql<{ state: string; n: number }>(
    node,
    'SELECT state, count(*)::int AS n FROM outbound_message WHERE id = ANY($1::uuid[]) GROUP BY state',
    [ids],
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

describe('store and forward', () => {
  let net: TestNetwork;
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxy = await new TcpProxy(host, Number(port)).start();
    // AT reaches RS's broker through a proxy the test can cut.
    net = await TestNetwork.create(['AT', 'RS'], {
      tune: (c) => {
        if (c.node === 'AT') c.partners[0].endpoints = c.partners[0].endpoints.map((e) => e.replace(AMQP_HOST, `127.0.0.1:${proxy.port}`));
      },
    });
    await net.start('AT');
    // AT learns RS's directory, then RS stops: what AT sends now waits on RS's broker.
    await net.start('RS');
    await net.converged();
    await net.stop('RS');
  });
  afterAll(async () => {
    await net?.close();
    await proxy?.cut();
  });

  it('delivers 50 handovers sent while RS was stopped exactly once, with all receipts back', async () => {
    const handovers = await submit(net.node('AT').url, 50);
    const ids = handovers.map((h) => h.id);
    // RS's broker confirmed them all, but nobody consumes yet.
    await eventually(async () => ((await statuses(net, 'AT', ids)).sent === 50 ? true : undefined), 20_000, '50 sent');

    await net.start('RS');
    await eventually(async () => ((await statuses(net, 'AT', ids)).delivered === 50 ? true : undefined), 30_000, '50 delivered');

    expect(await notExactlyOnce(net, 'AT', 'RS', handovers)).toEqual(EXACTLY_ONCE);
  });

  it('keeps retrying with the same id while the partner broker is unreachable, then delivers', async () => {
    await proxy.cut();
    const ids = (await submit(net.node('AT').url, 5)).map((h) => h.id);
    await eventually(
      async () => {
        const rows = await net.sql<{ attempts: number }>('AT', 'SELECT attempts FROM outbound_message WHERE id = ANY($1::uuid[])', [ids]);
        return rows.every((r) => r.attempts >= 2) ? true : undefined;
      },
      20_000,
      'two failed attempts each',
    );
    expect(await statuses(net, 'AT', ids)).toEqual({ queued: 5 });

    await proxy.start();
    await eventually(async () => ((await statuses(net, 'AT', ids)).delivered === 5 ? true : undefined), 30_000, '5 delivered');
    const [rs] = await net.sql<{ n: number }>('RS', 'SELECT count(*)::int AS n FROM inbound_message WHERE id = ANY($1::uuid[])', [ids]);
    expect(rs.n).toBe(5);

    const view = await call(net.node('AT').url, 'GET', `/v1/handovers/${ids[0]}`);
    expect(view.body.timeline.map((e: { event: string }) => e.event)).toEqual(['submitted', 'publish-failed', 'sent', 'delivered']);
  });
});
