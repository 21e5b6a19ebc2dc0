import { TcpProxy, sampleReturnHandover } from '../apps/trmctl/src/local';
import { PartnerLink } from '../apps/gateway/src/amqp/partner-link';
import { ManualClock } from './support/clock';
import { call, eventually } from './support/http';
import { AMQP_HOST, TestNetwork } from './support/network';
import { HandPartner } from './support/partner';

const [host, port] = AMQP_HOST.split(':');

/**
 * An outage ends when the link comes back, not when each waiting message's own back-off runs out. AT's clock stands
 * still and its publish back-off is an hour, so a message that failed to publish is never due again by time: only
 * the link coming back can send it.
 */
describe('a partner outage', () => {
  let net: TestNetwork;
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxy = await new TcpProxy(host, Number(port)).start();
    const clock = new ManualClock();
    net = await TestNetwork.create(['AT', 'RS'], {
      clocks: { AT: clock, RS: clock },
      tune: (c) => {
        if (c.node !== 'AT') return;
        c.partners[0].endpoints = c.partners[0].endpoints.map((e) => e.replace(AMQP_HOST, `127.0.0.1:${proxy.port}`));
        c.timers.publishRetryMaxMs = 3_600_000;
      },
    });
    await net.start('AT');
    await net.start('RS');
    await net.converged();
  });
  afterAll(async () => {
    await net?.close();
    await proxy?.cut();
  });

  it('ends when the link to the partner is back: the backlog goes out at once, each message once', async () => {
    await proxy.cut();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await call(net.node('AT').url, 'POST', '/v1/handovers', sampleReturnHandover());
      expect(r.status).toBe(202);
      ids.push(r.body.id);
    }
    const rows = () =>
      net.sql<{ state: string; attempts: number; failed: boolean }>(
        'AT',
        'SELECT state, attempts, last_error IS NOT NULL AS failed FROM outbound_message WHERE id = ANY($1::uuid[])',
        [ids],
      );
    await eventually(async () => ((await rows()).every((r) => r.failed) ? true : undefined), 20_000, 'a failed publish of each');

    await proxy.start();
    await eventually(async () => ((await rows()).every((r) => r.state === 'delivered') ? true : undefined), 30_000, 'all delivered');
    // One failed attempt in the outage, one when the link came back; RS stored each, and no resend was needed.
    expect(new Set((await rows()).map((r) => r.attempts))).toEqual(new Set([2]));
    const [rs] = await net.sql<{ n: number }>('RS', 'SELECT count(*)::int AS n FROM inbound_message WHERE id = ANY($1::uuid[])', [ids]);
    expect(rs.n).toBe(20);
    const resent = await net.sql('AT', `SELECT 1 FROM timeline_event WHERE kind = 'resent' AND message_id = ANY($1::uuid[])`, [ids]);
    expect(resent).toEqual([]);
  });

  it('does not take confirms that arrived while the process was stopped for missing', async () => {
    // A link of its own (AT's gateway keeps its own) with a short confirm timeout, to RS's broker.
    const endpoints = net.node('AT').config.partners[0].endpoints.map((e) => e.replace(`127.0.0.1:${proxy.port}`, AMQP_HOST));
    const link = new PartnerLink('RS', endpoints, 'AT', { confirmTimeoutMs: 100 });
    const at = new HandPartner(net, 'AT', 'RS');
    try {
      const message = async () => {
        const envelope = at.handover();
        return { envelope, jws: await at.sign(envelope) };
      };
      expect((await link.publish([await message()]))[0].confirmed).toBe(true); // connected
      const outgoing = [await message()];
      const publishing = link.publish(outgoing);
      // Right after amqplib has written the publish (from a setImmediate, once its stream said readable), the process stands still (as under
      // SIGSTOP) for longer than the confirm timeout: when it resumes, the timer is overdue and the confirm is waiting.
      queueMicrotask(() => process.nextTick(() => setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000))));
      expect(await publishing).toEqual([{ id: outgoing[0].envelope.id, confirmed: true, error: null }]);
    } finally {
      await link.close();
    }
  });
});
