import { Logger } from '@nestjs/common';
import { INBOUND_EXCHANGE, publishProperties } from '@trm/wire';
import { ChannelModel, ConfirmChannel, connect } from 'amqplib';
import { safeError } from '../logging/safe-error';
import { Outgoing } from './delivery';

export interface PublishOutcome {
  id: string;
  confirmed: boolean;
  error: string | null;
}

const CONNECT_TIMEOUT_MS = 5_000;
const CONFIRM_TIMEOUT_MS = 15_000;
const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * One partner's `trm.inbound`, reached with the credentials the partner gave us. A message counts as sent only when
 * the partner's broker confirmed it and did not return it as unroutable. While the broker is unreachable the link
 * answers at once with a failure, and tries again after a growing delay.
 */
export class PartnerLink {
  private readonly logger: Logger;
  private model: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private opening: Promise<ConfirmChannel | null> | null = null;
  private failures = 0;
  private retryAt = 0;
  private closed = false;
  /** message ids the broker returned as unroutable; a return arrives before the confirm of the same message. */
  private readonly returned = new Set<string>();

  constructor(
    readonly partner: string,
    private readonly url: string,
    private readonly origin: string,
  ) {
    this.logger = new Logger(`PartnerLink ${origin}->${partner}`);
  }

  async publish(messages: Outgoing[]): Promise<PublishOutcome[]> {
    const channel = await this.open();
    if (!channel) return messages.map((m) => ({ id: m.envelope.id, confirmed: false, error: 'partner broker unreachable' }));

    const pending: Array<Promise<PublishOutcome>> = [];
    for (const { envelope, jws } of messages) {
      const id = envelope.id;
      let hasRoom = true;
      pending.push(
        new Promise<PublishOutcome>((resolve) => {
          try {
            hasRoom = channel.publish(INBOUND_EXCHANGE, envelope.type, Buffer.from(jws, 'ascii'), publishProperties(envelope), (err) => {
              const returned = this.returned.delete(id);
              if (err) resolve({ id, confirmed: false, error: 'not confirmed by the partner broker' });
              else if (returned) resolve({ id, confirmed: false, error: 'returned as unroutable by the partner broker' });
              else resolve({ id, confirmed: true, error: null });
            });
          } catch {
            // amqplib throws on a channel that closed meanwhile: an outcome like any other, never a rejection.
            resolve({ id, confirmed: false, error: 'link to the partner broker closed' });
          }
        }),
      );
      if (!hasRoom) await drainedOrClosed(channel);
    }

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), CONFIRM_TIMEOUT_MS)));
    const outcomes = await Promise.race([Promise.all(pending), timeout]);
    clearTimeout(timer);
    if (outcomes) return outcomes;
    // No confirm in time: treat the channel as broken; closing it fails every pending confirm.
    this.logger.warn(`no publisher confirm within ${CONFIRM_TIMEOUT_MS} ms; reopening the link`);
    this.drop();
    return Promise.all(pending);
  }

  async close(): Promise<void> {
    this.closed = true;
    const model = this.model;
    this.model = null;
    this.channel = null;
    await model?.close().catch(() => undefined);
  }

  private open(): Promise<ConfirmChannel | null> {
    if (this.channel) return Promise.resolve(this.channel);
    if (this.closed || Date.now() < this.retryAt) return Promise.resolve(null);
    this.opening ??= this.connect().finally(() => (this.opening = null));
    return this.opening;
  }

  private async connect(): Promise<ConfirmChannel | null> {
    try {
      const model = await connect(this.url, {
        timeout: CONNECT_TIMEOUT_MS,
        noDelay: true, // amqplib leaves Nagle on: each lone publish would wait ~20 ms for the broker's delayed ACK
        clientProperties: { connection_name: `trm-gateway ${this.origin}->${this.partner}` },
      });
      model.on('error', (err) => this.logger.warn(`connection error: ${safeError(err)}`));
      model.on('close', () => this.drop());
      model.on('blocked', (reason: string) => this.logger.warn(`partner broker blocks publishing: ${reason}`));
      const channel = await model.createConfirmChannel();
      channel.on('error', (err) => this.logger.warn(`channel error: ${safeError(err)}`));
      channel.on('close', () => this.drop());
      channel.on('return', (msg: { properties: { messageId?: string } }) => {
        if (msg.properties.messageId) this.returned.add(msg.properties.messageId);
      });
      this.model = model;
      this.channel = channel;
      if (this.failures > 0) this.logger.log(`partner broker reachable again after ${this.failures} failed attempts`);
      this.failures = 0;
      return channel;
    } catch (err) {
      this.failures += 1;
      const delay = Math.min(MAX_RECONNECT_DELAY_MS, 500 * 2 ** Math.min(this.failures, 10));
      this.retryAt = Date.now() + delay;
      this.logger.warn(`cannot reach the partner broker (attempt ${this.failures}, next in ${delay} ms): ${safeError(err)}`);
      return null;
    }
  }

  private drop(): void {
    const model = this.model;
    this.model = null;
    this.channel = null;
    this.returned.clear();
    model?.close().catch(() => undefined);
  }
}

/** Publishing goes on once the channel has room again, or at once when it closed (the rest then fails to publish). */
function drainedOrClosed(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      channel.off('drain', done);
      channel.off('close', done);
      resolve();
    };
    channel.on('drain', done);
    channel.on('close', done);
  });
}
