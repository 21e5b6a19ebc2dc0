import { ConfirmChannel, Options, connect } from 'amqplib';
import { randomBytes } from 'node:crypto';
import { ManagementClient } from '../topology/management';

export interface BaselineResult {
  messages: number;
  seconds: number;
  perSecond: number;
}

const WINDOW = 1_000;
const QUORUM = { durable: true, arguments: { 'x-queue-type': 'quorum' } };
const PERSISTENT: Options.Publish = { persistent: true, mandatory: true, contentType: 'application/jose' };

/** As the gateway connects: without Nagle's algorithm. */
const SOCKET = { noDelay: true };

/**
 * What the broker alone manages on this machine, for the same message size and guarantees as a handover: persistent
 * messages with publisher confirms into a quorum queue, consumed, answered with a reply into a second quorum queue
 * (also confirmed) before the request is acknowledged, and the replies consumed.
 */
export async function rawBaseline(amqpHost: string, managementUrl: string, vhost: string, count: number, size: number): Promise<BaselineResult> {
  const api = new ManagementClient(managementUrl);
  let closing = false;
  await api.ensureAvailable();
  await api.putVhost(vhost, 'TRM benchmark: raw amqplib baseline');
  const url = `amqp://guest:guest@${amqpHost}/${encodeURIComponent(vhost)}`;
  const [producer, responder, collector] = await Promise.all([connect(url, SOCKET), connect(url, SOCKET), connect(url, SOCKET)]);
  for (const c of [producer, responder, collector]) c.on('error', () => undefined); // closing is reported by close()
  try {
    const setup = await producer.createChannel();
    await setup.assertQueue('raw.requests', QUORUM);
    await setup.assertQueue('raw.replies', QUORUM);
    await setup.close();

    const reply = await responder.createConfirmChannel();
    const requests = await responder.createChannel();
    await requests.prefetch(400);
    await requests.consume('raw.requests', (msg) => {
      if (!msg) return;
      reply.publish('', 'raw.replies', msg.content, PERSISTENT, (err) => {
        if (closing) return; // confirms failed by our own close at the end
        if (err) requests.nack(msg);
        else requests.ack(msg);
      });
    });

    let replied = 0;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const replies = await collector.createChannel();
    await replies.prefetch(400);
    await replies.consume('raw.replies', (msg) => {
      if (!msg) return;
      replies.ack(msg);
      if (++replied === count) resolveDone();
    });

    const publish = await producer.createConfirmChannel();
    const payload = randomBytes(Math.ceil((size * 3) / 4))
      .toString('base64url')
      .slice(0, size);
    const started = process.hrtime.bigint();
    await publishWindowed(publish, count, Buffer.from(payload, 'ascii'));
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { messages: count, seconds, perSecond: count / seconds };
  } finally {
    closing = true;
    for (const c of [producer, responder, collector]) await c.close().catch(() => undefined);
    await api.deleteVhost(vhost).catch(() => undefined);
  }
}

/** Publishes `count` messages keeping at most WINDOW unconfirmed, as a gateway relay does. */
async function publishWindowed(channel: ConfirmChannel, count: number, content: Buffer): Promise<void> {
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const confirmed = () => {
    inFlight -= 1;
    wake?.();
  };
  for (let i = 0; i < count; i++) {
    while (inFlight >= WINDOW) await new Promise<void>((r) => (wake = r));
    inFlight += 1;
    channel.publish('', 'raw.requests', content, { ...PERSISTENT, messageId: String(i) }, confirmed);
  }
  await channel.waitForConfirms();
}
