import { Logger } from '@nestjs/common';
import { INBOUND_EXCHANGE, publishProperties } from '@trm/wire';
import { ChannelModel, ConfirmChannel } from 'amqplib';
import { TlsConfig } from '../config/node-config';
import { safeError } from '../logging/safe-error';
import { LinkReason, connectBroker, describeBrokerFailure } from './broker-connection';
import { connectToMember, memberName } from './broker-members';
import { Outgoing } from './delivery';

export interface PublishOutcome {
  id: string;
  confirmed: boolean;
  error: string | null;
}

/**
 * Whether the partner's broker takes our messages: up once connected (and the last publish was confirmed), down while
 * it cannot be reached or does not confirm; idle until the link was first needed. `since`: when it became so;
 * `reason`: why it is down (a TLS problem, the login refused, unreachable, not confirming), null otherwise.
 */
export interface LinkStatus {
  state: 'up' | 'down' | 'idle';
  since: Date | null;
  reason: LinkReason | null;
}

export interface PartnerLinkOptions {
  /** Called when the partner's broker is reachable again after an outage: what waits for it can go now. */
  onReachable?: () => void;
  /** Without a single confirm for this long, the channel counts as broken and is reopened. */
  confirmTimeoutMs?: number;
  /** TLS of the link (partners[].tls), for an `amqps://` endpoint. */
  tls?: TlsConfig;
}

const CONNECT_TIMEOUT_MS = 5_000;
const CONFIRM_TIMEOUT_MS = 15_000;
/** Capped low: the back-off must not keep growing through a long outage and delay the end of it. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * One partner's `trm.inbound`, reached with the credentials the partner gave us. A message counts as sent only when
 * the partner's broker confirmed it and did not return it as unroutable. While the broker is unreachable the link
 * answers at once with a failure and reconnects by itself, every 2 s at most; once it is reachable again — connected
 * after failed attempts, or a publish confirmed after failed ones — it calls `onReachable`.
 *
 * A partner on a broker cluster lists every member: the link connects to the first that answers and, once that
 * connection is lost, to the next. Publishes the lost member had not confirmed fail with the connection, so they count
 * as not sent and go again with the same id; the partner answers a repeated id with its first verdict.
 */
export class PartnerLink {
  private readonly logger: Logger;
  private model: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private opening: Promise<ConfirmChannel | null> | null = null;
  private failures = 0;
  private retryAt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** A publish failed since the last confirmed one (for a reason other than being returned). */
  private unconfirmed = false;
  private closed = false;
  /** message ids the broker returned as unroutable; a return arrives before the confirm of the same message. */
  private readonly returned = new Set<string>();
  private readonly confirmTimeoutMs: number;
  /** The member of the partner's broker cluster last connected to; a reconnect tries the next one first. */
  private member = -1;
  private status: LinkStatus = { state: 'idle', since: null, reason: null };
  /** Why the link went down last: the failure to connect, the connection lost, or no confirm. */
  private failure: LinkReason | null = null;

  constructor(
    readonly partner: string,
    /** The partner broker's endpoints: one per member of its cluster. */
    private readonly urls: readonly string[],
    private readonly origin: string,
    private readonly options: PartnerLinkOptions = {},
  ) {
    this.logger = new Logger(`PartnerLink ${origin}->${partner}`);
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? CONFIRM_TIMEOUT_MS;
  }

  /** The link's state now, and since when. */
  linkStatus(): LinkStatus {
    return { ...this.status };
  }

  private becomes(state: 'up' | 'down', reason: LinkReason | null = null): void {
    if (this.status.state !== state) this.status = { state, since: new Date(), reason };
    else this.status.reason = reason;
  }

  async publish(messages: Outgoing[]): Promise<PublishOutcome[]> {
    const outcomes = await this.attempt(messages);
    const failed = outcomes.some((o) => !o.confirmed && o.error !== RETURNED);
    if (failed) this.becomes('down', this.failure ?? 'not-confirming');
    else if (outcomes.some((o) => o.confirmed)) this.becomes('up');
    if (failed) this.unconfirmed = true;
    else if (this.unconfirmed && outcomes.some((o) => o.confirmed)) this.reachable();
    return outcomes;
  }

  private async attempt(messages: Outgoing[]): Promise<PublishOutcome[]> {
    const channel = await this.open();
    if (!channel) return messages.map((m) => ({ id: m.envelope.id, confirmed: false, error: 'partner broker unreachable' }));

    const pending: Array<Promise<PublishOutcome>> = [];
    for (const { envelope, jws, trace } of messages) {
      const id = envelope.id;
      let hasRoom = true;
      pending.push(
        new Promise<PublishOutcome>((resolve) => {
          try {
            hasRoom = channel.publish(INBOUND_EXCHANGE, envelope.type, Buffer.from(jws, 'ascii'), publishProperties(envelope, trace), (err) => {
              const returned = this.returned.delete(id);
              if (err) resolve({ id, confirmed: false, error: 'not confirmed by the partner broker' });
              else if (returned) resolve({ id, confirmed: false, error: RETURNED });
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

    const outcomes = await this.confirms(pending);
    if (outcomes) return outcomes;
    // No confirm in time: treat the channel as broken; closing it fails every pending confirm.
    this.logger.warn(`no publisher confirm within ${this.confirmTimeoutMs} ms; reopening the link`);
    this.failure = 'not-confirming';
    this.drop();
    return Promise.all(pending);
  }

  /**
   * Every outcome, or null when no confirm came for `confirmTimeoutMs`. The timer's verdict waits for `setImmediate`,
   * i.e. until the I/O already waiting has been read: a process stopped and resumed (SIGSTOP, a VM paused) runs its
   * overdue timers before it reads the confirms that arrived meanwhile, and must not take them for missing.
   */
  private confirms(pending: Array<Promise<PublishOutcome>>): Promise<PublishOutcome[] | null> {
    let progressAt = Date.now();
    for (const p of pending) void p.then(() => (progressAt = Date.now()));
    return new Promise((resolve) => {
      let done = false;
      let timer: NodeJS.Timeout;
      const check = () =>
        setImmediate(() => {
          if (done) return;
          const idle = Date.now() - progressAt;
          if (idle < this.confirmTimeoutMs) timer = setTimeout(check, this.confirmTimeoutMs - idle);
          else {
            done = true;
            resolve(null);
          }
        });
      timer = setTimeout(check, this.confirmTimeoutMs);
      void Promise.all(pending).then((outcomes) => {
        done = true;
        clearTimeout(timer);
        resolve(outcomes);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const model = this.model;
    this.model = null;
    this.channel = null;
    await model?.close().catch(() => undefined);
  }

  /** The channel; while reconnecting after a failure, null at once (the reconnect timer tries again). */
  private open(): Promise<ConfirmChannel | null> {
    if (this.channel) return Promise.resolve(this.channel);
    if (this.closed || Date.now() < this.retryAt) return Promise.resolve(null);
    return this.opened();
  }

  private opened(): Promise<ConfirmChannel | null> {
    if (this.channel || this.closed) return Promise.resolve(this.channel);
    this.opening ??= this.connect().finally(() => (this.opening = null));
    return this.opening;
  }

  private async connect(): Promise<ConfirmChannel | null> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    try {
      const { model, member, misconfigured } = await connectToMember(this.urls, this.member + 1, (url) =>
        connectBroker(url, this.options.tls, { timeoutMs: CONNECT_TIMEOUT_MS, connectionName: `trm-gateway ${this.origin}->${this.partner}` }),
      );
      for (const m of misconfigured) this.logger.warn(`partner broker member ${m}; connected to ${memberName(this.urls[member])} instead`);
      this.member = member;
      model.on('error', (err) => this.logger.warn(`connection error: ${safeError(err)}`));
      model.on('close', () => this.lost(model));
      model.on('blocked', (reason: string) => this.logger.warn(`partner broker blocks publishing: ${reason}`));
      const channel = await model.createConfirmChannel();
      channel.on('error', (err) => this.logger.warn(`channel error: ${safeError(err)}`));
      channel.on('close', () => this.drop());
      channel.on('return', (msg: { properties: { messageId?: string } }) => {
        if (msg.properties.messageId) this.returned.add(msg.properties.messageId);
      });
      if (this.closed) {
        await model.close().catch(() => undefined);
        return null;
      }
      this.model = model;
      this.channel = channel;
      this.failure = null;
      if (!this.unconfirmed) this.becomes('up');
      if (this.failures > 0) {
        this.logger.log(`partner broker reachable again after ${this.failures} failed attempts`);
        this.failures = 0;
        this.reachable();
      }
      return channel;
    } catch (err) {
      this.failures += 1;
      const { reason, text } = describeBrokerFailure(err, this.options.tls);
      const changed = reason !== this.failure;
      this.failure = reason;
      this.becomes('down', reason);
      const delay = Math.min(MAX_RECONNECT_DELAY_MS, 250 * 2 ** Math.min(this.failures, 10));
      this.retryAt = Date.now() + delay;
      // Once a minute or so through a long outage, not at every attempt; at once when the cause is another one.
      if (this.failures === 1 || this.failures % 30 === 0 || changed) {
        this.logger.warn(`cannot connect to the partner broker (attempt ${this.failures}, next in ${delay} ms): ${text}`);
      }
      this.reconnect(delay);
      return null;
    }
  }

  /** The connection went away without `close`: reconnect soon, so that the link is back when the broker is. */
  private lost(model: ChannelModel): void {
    if (this.model === model) this.drop();
    this.failure ??= 'unreachable';
    if (!this.closed) this.becomes('down', this.failure);
    if (!this.closed && this.model === null) this.reconnect(250);
  }

  private reconnect(delay: number): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.opened();
    }, delay);
  }

  private reachable(): void {
    this.unconfirmed = false;
    this.options.onReachable?.();
  }

  private drop(): void {
    const model = this.model;
    this.model = null;
    this.channel = null;
    this.returned.clear();
    model?.close().catch(() => undefined);
  }
}

const RETURNED = 'returned as unroutable by the partner broker';

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
