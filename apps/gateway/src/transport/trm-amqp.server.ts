import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { UUID } from '@trm/wire';
import { Channel, ChannelModel, ConsumeMessage, connect } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { safeError } from '../logging/safe-error';
import { Disposition, INBOUND_BATCH, Incoming } from './delivery';
import { PartnerLinks } from './partner-links';

export interface InboundOptions {
  node: string;
  /** The node's own broker / virtual host. */
  url: string;
  queue: string;
  /** Unacknowledged deliveries the broker may hand us at once. */
  prefetch: number;
  /** Deliveries handled together: verified, stored in one transaction, acknowledged. */
  batchSize: number;
}

interface Delivery {
  message: ConsumeMessage;
  channel: Channel;
}

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Nest transport strategy for TRM-AMQP/1: consumes the node's quorum queue and hands deliveries, in batches, to the
 * handler of `INBOUND_BATCH`. The handler decides each delivery's fate; this class only carries it out — ack after the
 * node stored the message, dead-letter what it cannot use, then publish the receipt to the sender.
 *
 * A batch that fails (the database is down, say) is split and each delivery retried with a growing delay while it
 * stays unacknowledged, so nothing is lost and one bad delivery cannot hold up the others.
 */
export class TrmAmqpServer extends Server implements CustomTransportStrategy {
  private model: ChannelModel | null = null;
  private channel: Channel | null = null;
  private buffer: Delivery[] = [];
  private drainScheduled = false;
  private draining: Promise<void> | null = null;
  private readonly retries = new Set<NodeJS.Timeout>();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectFailures = 0;
  private closing = false;

  constructor(
    private readonly options: InboundOptions,
    private readonly links: PartnerLinks,
  ) {
    super();
  }

  listen(callback: (err?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (err) => callback(err),
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    await this.draining;
    const model = this.model;
    this.model = null;
    this.channel = null;
    // Deliveries not acknowledged by now go back to the queue when the connection closes.
    await model?.close().catch(() => undefined);
  }

  on(): never {
    throw new Error('TrmAmqpServer does not emit events');
  }

  unwrap<T>(): T {
    return this.model as T;
  }

  private async start(): Promise<void> {
    const { url, queue, prefetch, node } = this.options;
    // noDelay: amqplib leaves Nagle's algorithm on, which holds each lone ack back for the broker's delayed ACK.
    const model = await connect(url, { noDelay: true, clientProperties: { connection_name: `trm-gateway ${node} inbound` } });
    model.on('error', (err) => this.logger.warn(`inbound connection error: ${safeError(err)}`));
    model.on('close', () => this.lost());
    const channel = await model.createChannel();
    channel.on('error', (err) => this.logger.warn(`inbound channel error: ${safeError(err)}`));
    try {
      await channel.checkQueue(queue);
    } catch {
      await model.close().catch(() => undefined);
      throw new Error(`queue "${queue}" does not exist on the node's broker: apply the topology first (trmctl topology apply)`);
    }
    await channel.prefetch(prefetch);
    await channel.consume(queue, (message) => message && this.enqueue({ message, channel }), { noAck: false });
    this.model = model;
    this.channel = channel;
    this.reconnectFailures = 0;
  }

  /** The broker connection went away: unacknowledged deliveries are requeued by the broker; reconnect. */
  private lost(): void {
    this.model = null;
    this.channel = null;
    this.buffer = [];
    if (this.closing) return;
    const delay = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** Math.min(this.reconnectFailures, 10));
    this.logger.warn(`inbound connection lost; reconnecting in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.start().catch((err) => {
        this.reconnectFailures += 1;
        this.logger.warn(`inbound reconnect failed: ${safeError(err)}`);
        this.lost();
      });
    }, delay);
  }

  /**
   * Deliveries that arrive together are handled together: a batch starts once the deliveries already received have
   * been read, and grows while the previous batch is being stored.
   */
  private enqueue(delivery: Delivery): void {
    this.buffer.push(delivery);
    if (this.buffer.length >= this.options.batchSize) this.drain();
    else if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => {
        this.drainScheduled = false;
        this.drain();
      });
    }
  }

  /** Handles buffered deliveries one batch at a time, in arrival order. */
  private drain(): void {
    if (this.draining) return;
    this.draining = (async () => {
      while (this.buffer.length && !this.closing) {
        const batch = this.buffer.splice(0, this.options.batchSize);
        await this.handle(batch);
      }
    })().finally(() => {
      this.draining = null;
      if (this.buffer.length && !this.closing) this.drain();
    });
  }

  private async handle(batch: Delivery[]): Promise<void> {
    try {
      await this.settle(batch, await this.dispatch(batch));
    } catch (err) {
      this.logger.warn(`could not handle a batch of ${batch.length}: ${safeError(err)}; retrying one by one`);
      for (const delivery of batch) await this.retry(delivery, 0);
    }
  }

  private async retry(delivery: Delivery, failures: number): Promise<void> {
    if (failures > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.retries.delete(timer);
          resolve();
        }, Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** Math.min(failures, 10)));
        this.retries.add(timer);
      });
    }
    if (this.closing || delivery.channel !== this.channel) return; // the broker redelivers it
    try {
      await this.settle([delivery], await this.dispatch([delivery]));
    } catch (err) {
      const id = String(delivery.message.properties.messageId); // unverified: whatever the publisher put there
      this.logger.error(`delivery ${UUID.test(id) ? id : '?'} failed ${failures + 1} times: ${safeError(err)}`);
      void this.retry(delivery, failures + 1);
    }
  }

  private async dispatch(batch: Delivery[]): Promise<Disposition[]> {
    const handler = this.getHandlerByPattern(INBOUND_BATCH);
    if (!handler) throw new Error(`no handler for ${INBOUND_BATCH}`);
    const incoming: Incoming[] = batch.map(({ message }) => ({
      content: message.content,
      routingKey: message.fields.routingKey,
      properties: message.properties,
    }));
    return lastValueFrom(this.transformToObservable(await handler(incoming)));
  }

  private async settle(batch: Delivery[], dispositions: Disposition[]): Promise<void> {
    const replies = new Map<string, NonNullable<Disposition['reply']>[]>();
    batch.forEach(({ message, channel }, i) => {
      const { settle, reply } = dispositions[i];
      try {
        if (settle === 'ack') channel.ack(message);
        else channel.nack(message, false, false);
      } catch {
        return; // channel already closed: the broker redelivers, and the node answers the repeat
      }
      if (reply) replies.set(reply.envelope.to, [...(replies.get(reply.envelope.to) ?? []), reply]);
    });
    // A lost receipt is not resent from here: the sender resends the message and gets the same receipt again.
    await Promise.all(
      [...replies].map(async ([partner, messages]) => {
        const outcomes = await this.links.publish(partner, messages);
        const failed = outcomes.filter((o) => !o.confirmed).length;
        if (failed) this.logger.warn(`${failed} receipt(s) to ${partner} not confirmed: ${outcomes.find((o) => o.error)?.error}`);
      }),
    );
  }
}
