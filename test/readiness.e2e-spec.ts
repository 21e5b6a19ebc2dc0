import { connect } from 'amqplib';
import { Client } from 'pg';
import { TcpProxy, applyTopology } from '../apps/trmctl/src/local';
import { Reply, call, eventually } from './support/http';
import { AMQP_HOST, DATABASE_URL, TestNetwork } from './support/network';
import { HandPartner } from './support/partner';

const database = new URL(DATABASE_URL);
const broker = new URL(`amqp://${AMQP_HOST}`);

/**
 * `/health` is liveness, `/health/ready` readiness: down while RS's consumer makes no progress or is not consuming,
 * up again once it does. Everything here is real: a database lock holds the consumer, the queue is really deleted, RS
 * reaches PostgreSQL and its own broker through proxies the test cuts. RS dead-letters a delivery at its first counted failure, so what a
 * database outage holds up is proven not to be counted.
 */
describe('RS reports whether it is ready', () => {
  let net: TestNetwork;
  let at: HandPartner;
  let url: string;
  let proxy: TcpProxy;
  let brokerProxy: TcpProxy;

  beforeAll(async () => {
    proxy = await new TcpProxy(database.hostname, Number(database.port || 5432)).start();
    brokerProxy = await new TcpProxy(broker.hostname, Number(broker.port || 5672)).start();
    net = await TestNetwork.create(['AT', 'RS'], {
      tune: (config) => {
        if (config.node !== 'RS') return;
        config.broker = { ...config.broker, stallTimeoutMs: 500, maxDeliveryAttempts: 1 };
        const through = new URL(config.database.url);
        through.host = `127.0.0.1:${proxy.port}`;
        config.database.url = through.toString();
      },
    });
    // RS's gateway only: the test's own connections (amqpUrl) go to the broker directly.
    const rs = net.node('RS').config.broker;
    const own = new URL(rs.urls[0]);
    own.host = `127.0.0.1:${brokerProxy.port}`;
    rs.urls = [own.toString()];
    url = (await net.start('RS')).url;
    at = await new HandPartner(net, 'AT', 'RS').open();
  });
  afterAll(async () => {
    await at?.close();
    await net?.close();
    await proxy?.cut();
    await brokerProxy?.cut();
  });

  const ready = () => call(url, 'GET', '/health/ready', undefined, null);
  const until = (status: number, what: string, also: (r: Reply) => boolean = () => true) =>
    eventually(
      async () => {
        const r = await ready();
        return r.status === status && also(r) ? r : undefined;
      },
      30_000,
      what,
    );
  const down = (r: Reply) => Object.keys(r.body.error ?? {});

  it('is ready with its database and consumer working', async () => {
    const r = await ready();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, broker: { status: 'up' }, inbound: { status: 'up' } } });
  });

  it('is not ready while deliveries wait on a consumer that settles none, and ready again once it does', async () => {
    // Storing waits for an advisory lock this test holds: the consumer is stuck, the database still answers.
    const lock = new Client({ connectionString: net.databaseUrl });
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock(80801)');
    await net.sql(
      'RS',
      `CREATE FUNCTION hold_inbound() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN PERFORM pg_advisory_lock_shared(80801); PERFORM pg_advisory_unlock_shared(80801); RETURN NEW; END $$;
       CREATE TRIGGER hold_inbound BEFORE INSERT ON inbound_message FOR EACH ROW EXECUTE FUNCTION hold_inbound()`,
    );
    try {
      const envelope = at.handover();
      await at.send(envelope);
      const stalled = await until(503, 'readiness to go down');
      expect(down(stalled)).toEqual(['inbound']);
      expect(stalled.body.info.database.status).toBe('up');
      expect((await call(url, 'GET', '/health', undefined, null)).status).toBe(200);

      await lock.query('SELECT pg_advisory_unlock(80801)');
      expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'delivered' });
      await until(200, 'readiness to come back');
    } finally {
      await lock.end();
      await net.sql('RS', 'DROP TRIGGER hold_inbound ON inbound_message; DROP FUNCTION hold_inbound()');
    }
  });

  it('is not ready while its queue is gone, and ready again once the topology is applied', async () => {
    const model = await connect(net.node('RS').amqpUrl);
    try {
      const channel = await model.createChannel();
      await channel.deleteQueue(net.node('RS').config.broker.queue);
    } finally {
      await model.close();
    }
    expect(down(await until(503, 'readiness to go down'))).toEqual(['inbound']);

    await applyTopology(net.node('RS').config);
    await until(200, 'readiness to come back');
    const envelope = at.handover();
    await at.send(envelope);
    expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'delivered' });
  });

  it('is not ready while its broker is unreachable, and receipts what came meanwhile once it is back', async () => {
    await brokerProxy.cut();
    const unreachable = await until(503, 'readiness to go down', (r) => down(r).includes('broker'));
    expect(down(unreachable)).toEqual(['broker', 'inbound']);
    expect(unreachable.body.info.database.status).toBe('up');
    expect((await call(url, 'GET', '/health', undefined, null)).status).toBe(200);
    // AT reaches RS's queue on the broker itself: the handover waits there for RS.
    const envelope = at.handover();
    await at.send(envelope);

    await brokerProxy.start();
    expect((await at.nextReceipt(30_000)).envelope.body).toMatchObject({ ref: envelope.id, status: 'delivered' });
    await until(200, 'readiness to come back');
  });

  it('is not ready once its broker stops answering without closing the connection (its machine hangs), and receipts what came meanwhile', async () => {
    brokerProxy.freeze();
    // Two missed heartbeats: the connection that still looks open is taken for lost, and no new one is answered.
    const hung = await until(503, 'readiness to go down', (r) => down(r).includes('broker'));
    expect(down(hung)).toEqual(['broker', 'inbound']);
    const envelope = at.handover();
    await at.send(envelope);

    await brokerProxy.cut();
    await brokerProxy.start();
    expect((await at.nextReceipt(30_000)).envelope.body).toMatchObject({ ref: envelope.id, status: 'delivered' });
    await until(200, 'readiness to come back');
  });

  it('is not ready while its database is unreachable, and delivers what came meanwhile once it is back', async () => {
    await proxy.cut();
    const envelope = at.handover();
    await at.send(envelope);
    // Both down: the database, and the consumer holding the handover it cannot store.
    await until(503, 'readiness to go down', (r) => down(r).length === 2);

    await proxy.start();
    expect((await at.nextReceipt(30_000)).envelope.body).toMatchObject({ ref: envelope.id, status: 'delivered' });
    await until(200, 'readiness to come back');
  });
});
