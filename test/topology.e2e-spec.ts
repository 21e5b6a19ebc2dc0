/**
 * The broker topology of one node against the local RabbitMQ (no mocks): what a partner may and may
 * not do on our broker, and that undeliverable messages end in trm.dead.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, ChannelModel, ConfirmChannel, GetMessage, Options } from 'amqplib';
import { DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, INBOUND_EXCHANGE } from '@trm/wire';
import { DEFAULT_MANAGEMENT_URL } from '../apps/trmctl/src/local';
import { applyTopology, removeTopology, TopologySummary } from '../apps/trmctl/src/topology/apply';
import { TopologyConfig, parseTopology } from '../apps/trmctl/src/topology/definitions';
import { ManagementClient } from '../apps/trmctl/src/topology/management';
import { AMQP_HOST } from './support/network';

const suffix = randomBytes(4).toString('hex');
const vhost = `t-${suffix}-rs`;
const queue = `rs.inbound.${suffix}`;
const partner = { username: `t-${suffix}-at`, password: randomBytes(18).toString('base64url') };
const amqpUrl = (user: string, password: string): string =>
  `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${AMQP_HOST}/${encodeURIComponent(vhost)}`;

const config: TopologyConfig = {
  node: 'RS',
  broker: { urls: [amqpUrl('guest', 'guest')], managementUrl: DEFAULT_MANAGEMENT_URL, queue },
  partners: [{ inbound: partner }],
};
const topology = parseTopology(readFileSync(join(__dirname, '..', 'deploy', 'rabbitmq', 'topology.yaml'), 'utf8'));
const deliveryLimit = Number(topology.queues.find((q) => q.name === '{queue}')?.arguments['x-delivery-limit']);

const persistent = (type: string): Options.Publish => ({
  mandatory: true,
  persistent: true,
  messageId: randomUUID(),
  type,
  contentType: 'application/jose',
});

/** Publishes and waits for the broker's confirm; fails when the message was returned as unroutable. */
async function publishConfirmed(ch: ConfirmChannel, exchange: string, routingKey: string, options: Options.Publish): Promise<void> {
  let returned = false;
  const onReturn = (): void => void (returned = true);
  ch.on('return', onReturn);
  try {
    ch.publish(exchange, routingKey, Buffer.from(`jws-of-${options.messageId}`), options);
    await ch.waitForConfirms();
  } finally {
    ch.off('return', onReturn);
  }
  if (returned) throw new Error(`message to ${exchange} with key ${routingKey} was returned (unroutable)`);
}

/** Waits for a message to be available in a queue (basic.get) and takes it, unacknowledged. */
async function take(ch: ConfirmChannel, from: string, timeoutMs = 5000): Promise<GetMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await ch.get(from, { noAck: false });
    if (message) return message;
    if (Date.now() > deadline) throw new Error(`no message in ${from} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Refusal = { outcome: 'refused'; code: number; message: string } | { outcome: 'allowed' | 'no-answer' };

/** Runs an action on a fresh channel and reports how the broker answered: a channel error (e.g. 403) or success. */
async function attempt(conn: ChannelModel, action: (ch: ConfirmChannel) => Promise<unknown>): Promise<Refusal> {
  const ch = await conn.createConfirmChannel();
  const closed = new Promise<Refusal>((resolve) =>
    ch.once('error', (error: Error & { code?: number }) => resolve({ outcome: 'refused', code: error.code ?? 0, message: error.message })),
  );
  const done = action(ch).then(
    (): Refusal => ({ outcome: 'allowed' }),
    () => closed, // the action failed because the server closed the channel: report the channel error
  );
  const timeout = new Promise<Refusal>((resolve) => setTimeout(() => resolve({ outcome: 'no-answer' }), 5000).unref());
  const result = await Promise.race([closed, done, timeout]);
  if (result.outcome === 'allowed') await ch.close();
  return result;
}

/** A 403 channel error naming the resource (a name prefix, for server-named queues). */
const refused = (kind: 'queue' | 'exchange', name: string): unknown =>
  expect.objectContaining({
    outcome: 'refused',
    code: 403,
    message: expect.stringMatching(new RegExp(`ACCESS_REFUSED - access to ${kind} '${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)),
  });

describe('broker topology of a node', () => {
  let first: TopologySummary;
  let gateway: ChannelModel;
  let partnerConn: ChannelModel;
  let ch: ConfirmChannel;
  const api = new ManagementClient(DEFAULT_MANAGEMENT_URL);

  beforeAll(async () => {
    first = await applyTopology(config);
    gateway = await connect(config.broker.urls[0]);
    partnerConn = await connect(amqpUrl(partner.username, partner.password));
    for (const conn of [gateway, partnerConn]) conn.on('error', () => undefined); // channel errors are expected here
    ch = await gateway.createConfirmChannel();
  }, 120_000);

  afterAll(async () => {
    await gateway?.close().catch(() => undefined);
    await partnerConn?.close().catch(() => undefined);
    await removeTopology(config);
  });

  it('applies the topology for the node', () => {
    expect(first).toMatchObject({
      node: 'RS',
      vhost,
      queue,
      exchanges: [INBOUND_EXCHANGE, DEAD_LETTER_EXCHANGE],
      queues: [queue, DEAD_LETTER_QUEUE],
      bindings: 2,
      partnerUsers: [partner.username],
      gatewayAccess: { user: 'guest' },
    });
  });

  describe('(a) the node queue', () => {
    it('is a durable quorum queue that dead-letters to trm.dlx with a delivery limit', async () => {
      const info = await api.getQueue(vhost, queue);
      expect(info).toMatchObject({ type: 'quorum', durable: true });
      expect(info?.arguments).toMatchObject({ 'x-dead-letter-exchange': DEAD_LETTER_EXCHANGE, 'x-delivery-limit': deliveryLimit });
      expect(await api.getQueue(vhost, DEAD_LETTER_QUEUE)).toMatchObject({ type: 'quorum', durable: true });
      expect(await api.getExchange(vhost, INBOUND_EXCHANGE)).toMatchObject({ type: 'topic', durable: true });
    });

    it.each(['handover.request', 'receipt'])('receives what is published to trm.inbound with key %s', async (type) => {
      const options = persistent(type);
      await publishConfirmed(ch, INBOUND_EXCHANGE, type, options);
      const message = await take(ch, queue);
      ch.ack(message);
      expect(message.properties.messageId).toBe(options.messageId);
      expect(message.fields).toMatchObject({ exchange: INBOUND_EXCHANGE, routingKey: type });
      expect(message.properties.deliveryMode).toBe(2);
    });
  });

  describe('(b) the partner account', () => {
    it('publishes to trm.inbound with confirms, and the message arrives in the node queue', async () => {
      const partnerCh = await partnerConn.createConfirmChannel();
      const options = persistent('handover.request');
      await publishConfirmed(partnerCh, INBOUND_EXCHANGE, 'handover.request', options);
      await partnerCh.close();
      const message = await take(ch, queue);
      ch.ack(message);
      expect(message.properties.messageId).toBe(options.messageId);
    });

    it('has no management access (no tags)', async () => {
      const asPartner = new ManagementClient(`http://${partner.username}:${partner.password}@127.0.0.1:15672`);
      await expect(asPartner.listBindings(vhost)).rejects.toMatchObject({ status: 401 });
    });
  });

  describe('(c) the partner account is refused', () => {
    it.each<[string, 'queue' | 'exchange', string, (c: ConfirmChannel) => Promise<unknown>]>([
      ['consuming from the node queue', 'queue', queue, (c) => c.consume(queue, () => undefined)],
      ['getting from the node queue', 'queue', queue, (c) => c.get(queue)],
      ['consuming from trm.dead', 'queue', DEAD_LETTER_QUEUE, (c) => c.consume(DEAD_LETTER_QUEUE, () => undefined)],
      ['purging the node queue', 'queue', queue, (c) => c.purgeQueue(queue)],
      ['deleting the node queue', 'queue', queue, (c) => c.deleteQueue(queue)],
      ['publishing to amq.topic', 'exchange', 'amq.topic', (c) => publishConfirmed(c, 'amq.topic', 'handover.request', persistent('handover.request'))],
      ['publishing to trm.dlx', 'exchange', DEAD_LETTER_EXCHANGE, (c) => publishConfirmed(c, DEAD_LETTER_EXCHANGE, 'x', persistent('handover.request'))],
      ['publishing straight into the node queue', 'exchange', 'amq.default', (c) => publishConfirmed(c, '', queue, persistent('handover.request'))],
      ['declaring a queue', 'queue', 'partner.queue', (c) => c.assertQueue('partner.queue', { durable: true })],
      ['declaring a server-named queue', 'queue', 'amq.gen-', (c) => c.assertQueue('', { exclusive: true })],
      ['declaring an exchange', 'exchange', 'partner.exchange', (c) => c.assertExchange('partner.exchange', 'topic')],
    ])('%s (403)', async (_, kind, name, action) => {
      expect(await attempt(partnerConn, action)).toEqual(refused(kind, name));
    });

    it('while the gateway account may read trm.dead (the check tells refused from allowed)', async () => {
      expect(await attempt(gateway, (c) => c.get(DEAD_LETTER_QUEUE))).toEqual({ outcome: 'allowed' });
    });
  });

  describe('(d) dead-lettering', () => {
    it('moves a message rejected without requeue from the node queue to trm.dead', async () => {
      const options = persistent('handover.request');
      await publishConfirmed(ch, INBOUND_EXCHANGE, 'handover.request', options);
      const message = await take(ch, queue);
      expect(message.properties.messageId).toBe(options.messageId);
      ch.reject(message, false);

      const dead = await take(ch, DEAD_LETTER_QUEUE);
      ch.ack(dead);
      expect(dead.properties.messageId).toBe(options.messageId);
      expect(dead.properties.headers).toMatchObject({ 'x-first-death-reason': 'rejected', 'x-first-death-queue': queue });
      expect(await ch.get(queue)).toBe(false);
    });

    it(`moves a message requeued more than the delivery limit to trm.dead`, async () => {
      expect(deliveryLimit).toBeGreaterThan(0);
      const options = persistent('handover.request');
      await publishConfirmed(ch, INBOUND_EXCHANGE, 'handover.request', options);
      let deliveries = 0;
      for (; deliveries <= deliveryLimit + 5; deliveries++) {
        const message = await take(ch, queue, 1000).catch(() => undefined);
        if (!message) break;
        expect(message.properties.messageId).toBe(options.messageId);
        ch.nack(message, false, true);
      }
      expect(deliveries).toBe(deliveryLimit + 1);

      const dead = await take(ch, DEAD_LETTER_QUEUE);
      ch.ack(dead);
      expect(dead.properties.messageId).toBe(options.messageId);
      expect(dead.properties.headers).toMatchObject({ 'x-first-death-reason': 'delivery_limit', 'x-first-death-queue': queue });
    });
  });

  describe('(e) applying again', () => {
    it('changes nothing and keeps the messages in the queues', async () => {
      const bindingsBefore = await api.listBindings(vhost);
      const waiting = persistent('handover.request');
      await publishConfirmed(ch, INBOUND_EXCHANGE, 'handover.request', waiting);

      const second = await applyTopology(config);

      expect(second).toEqual({ ...first, gatewayAccess: { ...first.gatewayAccess, permissions: 'kept' }, enabledPlugin: false });
      expect(await api.listBindings(vhost)).toEqual(bindingsBefore);
      const message = await take(ch, queue);
      ch.ack(message);
      expect(message.properties.messageId).toBe(waiting.messageId);
      // The partner's password was hashed again with a new salt and still works.
      const again = await connect(amqpUrl(partner.username, partner.password));
      await again.close();
    });
  });
});
