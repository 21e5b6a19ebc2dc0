import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { UUID } from '@trm/wire';
import { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { TlsConfig } from '../config/node-config';
import { LogThrottle } from '../logging/log-throttle';
import { safeError } from '../logging/safe-error';
import { NodeEvents } from '../telemetry/node-events';
import { TraceCarrier, traceFrom, withTrace } from '../telemetry/trace-context';
import { connectBroker, describeBrokerFailure } from './broker-connection';
import { connectToMember, memberName } from './broker-members';
import { Disposition, INBOUND_BATCH, INBOUND_FAILED, Incoming } from './delivery';
import { PartnerLinks } from './partner-links';

export interface InboundOptions {
  node: string;
  /** The node's own broker / virtual host: one URL per member of its cluster, tried in turn. */
  urls: readonly string[];
  /** TLS of the connections to it (broker.tls), for `amqps://` URLs. */
  tls?: TlsConfig;
  queue: string;
  /** Unacknowledged deliveries the broker may hand us at once. */
  prefetch: number;
  /** Deliveries handled together: verified, stored in one transaction, acknowledged. */
  batchSize: number;
  /** Failed processings after which a delivery is dead-lettered and its sender answered `internal-error`. */
  maxDeliveryAttempts: number;
  /**
   * Whether the node can process anything at all (its database answers). A failure while it cannot is an outage, not
   * the delivery's fault: it is not counted against the delivery.
   */
  canProcess: () => Promise<boolean>;
}

/** What readiness needs to know of the consumer. */
export interface InboundStatus {
  /** The node's broker accepted the last connection (it may still lack the queue), and has not dropped it since. */
  brokerReachable: boolean;
  /** Connected and consuming the node's queue. */
  consuming: boolean;
  /** Deliveries received and not yet settled (acked, requeued or dead-lettered). */
  unsettled: number;
  /** When a delivery was last settled, or when the consumer last went from idle to busy (ms since the epoch). */
  progressAt: number;
}

interface Delivery {
  message: ConsumeMessage;
  channel: Channel;
}

/** A cluster member that does not take the TCP connection within this time is passed over for the next one. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Longest wait between two reconnects: an outage ends for the node within this time of ending for the broker. */
const MAX_RECONNECT_DELAY_MS = 2_000;
/** Longest wait between two tries of a delivery while the node cannot process anything (its database is down). */
const MAX_RETRY_DELAY_MS = 5_000;
const MAX_SUSPECTS = 10_000;

/**
 * Nest transport strategy for TRM-AMQP/1: consumes the node's quorum queue and hands deliveries, in batches, to the
 * handler of `INBOUND_BATCH`. The handler decides each delivery's fate; this class only carries it out — ack after the
 * node stored the message, dead-letter what it cannot use, then publish the receipt to the sender.
 *
 * A batch that fails is split and each delivery tried alone. One that still fails while the node can otherwise process
 * (its database answers) goes back to the queue, so it holds neither a batch nor the prefetch window, and the quorum
 * queue counts it (`x-delivery-count`, kept across reconnects and restarts); after `maxDeliveryAttempts` it is
 * dead-lettered to `trm.dead` and the sender, when verified, is answered `rejected` / `internal-error`. While the node
 * cannot process anything (the database is down) deliveries stay unacknowledged and are retried with a growing delay,
 * uncounted, so an outage dead-letters nothing.
 *
 * On a broker cluster the consumer connects to the first member that answers; when that connection is lost it
 * connects to the next and consumes again. What the lost connection had not acknowledged the queue delivers again, and
 * the node answers a repeated message id as it did the first time.
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
  /** The cluster member last connected to; a reconnect tries the next one first. */
  private member = -1;
  private closing = false;
  /** Deliveries that failed alone and went back to the queue (by their unverified message id): tried alone again. */
  private readonly suspects = new Set<string>();
  private unsettled = 0;
  private progressAt = Date.now();
  private brokerReachable = false;
  /** During an outage every waiting delivery fails on each try: said once in a while, not once per delivery. */
  private readonly outageLog = new LogThrottle();

  constructor(
    private readonly options: InboundOptions,
    private readonly links: PartnerLinks,
    private readonly events: NodeEvents,
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

  consumerStatus(): InboundStatus {
    return { brokerReachable: this.brokerReachable, consuming: this.channel !== null, unsettled: this.unsettled, progressAt: this.progressAt };
  }

  private async start(): Promise<void> {
    const { urls, tls, queue, prefetch, node } = this.options;
    const { model, member, misconfigured } = await connectToMember(urls, this.member + 1, (url) =>
      connectBroker(url, tls, { timeoutMs: CONNECT_TIMEOUT_MS, connectionName: `trm-gateway ${node} inbound` }),
    ).catch((err: unknown) => {
      this.brokerReachable = false;
      throw new Error(`cannot connect to the node's broker: ${describeBrokerFailure(err, tls).text}`, { cause: err });
    });
    for (const m of misconfigured) this.logger.warn(`broker member ${m}; connected to ${memberName(urls[member])} instead`);
    this.brokerReachable = true;
    this.member = member;
    model.on('error', (err: unknown) => {
      this.logger.warn(`inbound connection error: ${safeError(err)}`);
    });
    model.on('close', (err?: unknown) => {
      // With an error: the broker or the network ended it; without, this process did (the queue is missing, say).
      if (err) this.brokerReachable = false;
      this.lost();
    });
    const channel = await model.createChannel();
    channel.on('error', (err: unknown) => {
      this.logger.warn(`inbound channel error: ${safeError(err)}`);
    });
    try {
      await channel.checkQueue(queue);
    } catch {
      await model.close().catch(() => undefined);
      throw new Error(`queue "${queue}" does not exist on the node's broker: apply the topology first (trmctl topology apply)`);
    }
    await channel.prefetch(prefetch);
    await channel.consume(queue, (message) => (message ? this.enqueue({ message, channel }) : this.cancelled(model)), { noAck: false });
    this.model = model;
    this.channel = channel;
    this.reconnectFailures = 0;
  }

  /** The broker cancelled the consumer (the queue was deleted, say): start over, which waits until the queue is back. */
  private cancelled(model: ChannelModel): void {
    this.logger.error(`the broker cancelled the consumer of "${this.options.queue}"; reconnecting`);
    this.channel = null;
    void model.close().catch(() => undefined);
  }

  /** The broker connection went away: unacknowledged deliveries are requeued by the broker; reconnect. */
  private lost(): void {
    this.model = null;
    this.channel = null;
    this.buffer = [];
    this.unsettled = 0;
    if (this.closing) return;
    // Capped low: the back-off must not keep growing through a long outage and delay the end of it.
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 250 * 2 ** Math.min(this.reconnectFailures, 10));
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
    if (this.unsettled++ === 0) this.progressAt = Date.now();
    const id: unknown = delivery.message.properties.messageId;
    if (typeof id === 'string' && this.suspects.has(id)) {
      void this.retry(delivery, 0);
      return;
    }
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

  /**
   * Tries one delivery alone. `outages` counts the tries that failed while the node could not process anything; those
   * are retried here after a growing delay and never count against the delivery.
   */
  private async retry(delivery: Delivery, outages: number): Promise<void> {
    if (outages > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          () => {
            this.retries.delete(timer);
            resolve();
          },
          Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** Math.min(outages, 10)),
        );
        this.retries.add(timer);
      });
    }
    if (this.closing || delivery.channel !== this.channel) return; // the broker redelivers it
    const { message } = delivery;
    const id: unknown = message.properties.messageId; // unverified: whatever the publisher put there
    const shown = typeof id === 'string' && UUID.test(id) ? id : '?';
    try {
      await this.settle([delivery], await this.dispatch([delivery]));
      if (typeof id === 'string') this.suspects.delete(id);
      return;
    } catch (err) {
      if (!(await this.options.canProcess())) {
        const suppressed = this.outageLog.take('outage');
        if (suppressed !== null) {
          const more = suppressed ? ` (${suppressed} more tries failed so since the last such line)` : '';
          this.logger.warn(`delivery ${shown} not processed, the node cannot process anything now: ${safeError(err)}${more}`);
        }
        void this.retry(delivery, outages + 1);
        return;
      }
      const attempt = previousDeliveries(message) + 1;
      this.logger.error(`delivery ${shown} failed (attempt ${attempt} of ${this.options.maxDeliveryAttempts}): ${safeError(err)}`);
      if (attempt < this.options.maxDeliveryAttempts) {
        if (typeof id === 'string') this.remember(id);
        this.release(delivery, (channel) => channel.nack(message, false, true));
        return;
      }
    }
    if (typeof id === 'string') this.suspects.delete(id);
    await this.settle([delivery], [await this.failed(delivery)]);
  }

  /** Bounded: a suspect another replica took over never comes back here. */
  private remember(id: string): void {
    this.suspects.add(id);
    if (this.suspects.size > MAX_SUSPECTS) this.suspects.delete(this.suspects.values().next().value!);
  }

  /** The node's answer to a delivery it gave up on: dead-letter it, and a receipt for its sender if verified. */
  private async failed({ message }: Delivery): Promise<Disposition> {
    try {
      const handler = this.getHandlerByPattern(INBOUND_FAILED);
      if (!handler) throw new Error(`no handler for ${INBOUND_FAILED}`);
      const disposition = (await inTraceOf([message], () => handler(incomingOf(message)))) as Disposition;
      return await lastValueFrom(this.transformToObservable(disposition));
    } catch (err) {
      this.logger.error(`no internal-error receipt for a failed delivery: ${safeError(err)}`);
      return { settle: 'dead-letter' };
    }
  }

  /** Acknowledges, requeues or dead-letters one delivery; on a channel already closed the broker redelivers it. */
  private release(delivery: Delivery, how: (channel: Channel) => void): boolean {
    try {
      how(delivery.channel);
    } catch {
      return false;
    }
    if (delivery.channel === this.channel) {
      this.unsettled = Math.max(0, this.unsettled - 1);
      this.progressAt = Date.now();
    }
    return true;
  }

  private async dispatch(batch: Delivery[]): Promise<Disposition[]> {
    const handler = this.getHandlerByPattern(INBOUND_BATCH);
    if (!handler) throw new Error(`no handler for ${INBOUND_BATCH}`);
    const messages = batch.map(({ message }) => message);
    const dispositions = (await inTraceOf(messages, () => handler(messages.map(incomingOf)))) as Disposition[];
    return lastValueFrom(this.transformToObservable(dispositions));
  }

  private async settle(batch: Delivery[], dispositions: Disposition[]): Promise<void> {
    const replies = new Map<string, NonNullable<Disposition['reply']>[]>();
    batch.forEach((delivery, i) => {
      const { settle, reply } = dispositions[i];
      const { message } = delivery;
      const settled = this.release(delivery, (channel) => (settle === 'ack' ? channel.ack(message) : channel.nack(message, false, false)));
      if (!settled) return; // channel already closed: the broker redelivers, and the node answers the repeat
      // The answer goes back in the trace of what it answers.
      const answer = reply && { ...reply, trace: reply.trace ?? traceFrom(message.properties.headers) };
      if (answer) replies.set(answer.envelope.to, [...(replies.get(answer.envelope.to) ?? []), answer]);
    });
    // A lost receipt is not resent from here: the sender resends the message and gets the same receipt again.
    await Promise.all(
      [...replies].map(async ([partner, messages]) => {
        const outcomes = await this.links.publish(partner, messages);
        const failed = outcomes.filter((o) => !o.confirmed).length;
        for (let i = 0; i < failed; i++) this.events.report({ kind: 'publish-failed', partner, what: 'receipt' });
        if (failed) this.logger.warn(`${failed} receipt(s) to ${partner} not confirmed: ${outcomes.find((o) => o.error)?.error}`);
      }),
    );
  }
}

/**
 * Runs the handling of deliveries in their trace (its log lines carry the trace id; what it enqueues carries the
 * trace) when they all came in one: always for a delivery tried alone, and for a batch of one trace.
 */
function inTraceOf<T>(messages: ConsumeMessage[], work: () => T): T {
  const traces = messages.map((m) => traceFrom(m.properties.headers));
  const one: TraceCarrier | null = traces[0] ?? null;
  return one && traces.every((t) => t?.traceparent === one.traceparent) ? withTrace(one, work) : work();
}

const incomingOf = (message: ConsumeMessage): Incoming => ({
  content: message.content,
  routingKey: message.fields.routingKey,
  properties: message.properties,
});

/**
 * How often the quorum queue delivered this message before: requeued, or unacknowledged on a channel that closed.
 * RabbitMQ sets `x-delivery-count` on redelivery; on a first delivery the header is whatever the publisher put there,
 * so only a non-negative integer is believed (a partner can only make its own message give up sooner).
 */
function previousDeliveries(message: ConsumeMessage): number {
  const count = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
  return Number.isSafeInteger(count) && count > 0 ? count : 0;
}
