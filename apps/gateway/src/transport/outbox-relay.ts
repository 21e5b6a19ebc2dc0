import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { digestOf } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { NewTimelineEvent, TimelineRepository } from '../acknowledgement/timeline.repository';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { EnvelopeService } from '../envelope/envelope.service';
import { OutboundMessage } from '../envelope/outbound-message.entity';
import { AttemptResult, OutboxRepository } from '../envelope/outbox.repository';
import { OutboxSignal } from '../envelope/outbox-signal';
import { safeError } from '../logging/safe-error';
import { PartnerLinks } from './partner-links';

/**
 * Moves messages from the outbox to partners: signs each once, publishes the same bytes on every attempt, and keeps
 * trying — soon while the partner's broker does not confirm, then at growing intervals while no receipt comes —
 * until a receipt settles the message or the give-up time passes.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly outbox: OutboxRepository,
    private readonly envelopes: EnvelopeService,
    private readonly links: PartnerLinks,
    private readonly timeline: TimelineRepository,
    private readonly clock: Clock,
    signal: OutboxSignal,
  ) {
    signal.listen(() => this.wake());
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** One pass over due messages; returns how many it handled. */
  relayOnce(): Promise<number> {
    const now = this.clock.now();
    return this.outbox.withDue(now, this.config.relay.batchSize, (due, tx) => this.attempt(due, now, tx));
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.relayOnce();
      } catch (err) {
        this.logger.error(`relay pass failed: ${safeError(err)}`);
      }
      if (handled < this.config.relay.batchSize) await this.idle();
    }
  }

  private idle(): Promise<void> {
    if (this.woken || !this.running) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), this.config.relay.pollIntervalMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
    });
  }

  private async attempt(due: OutboundMessage[], now: Date, tx: EntityManager): Promise<void> {
    const { giveUpAfterMs } = this.config.timers;
    const expired = due.filter((m) => now.getTime() - m.createdAt.getTime() >= giveUpAfterMs);
    const live = due.filter((m) => !expired.includes(m));
    const events: NewTimelineEvent[] = expired.map((m) => ({
      caseRef: m.caseRef,
      messageId: m.id,
      at: now,
      kind: 'undeliverable',
      detail: { attempts: m.attempts },
    }));
    if (expired.length) {
      await this.outbox.giveUp(expired.map((m) => m.id), now, tx);
      this.logger.warn(`${expired.length} message(s) undeliverable: no receipt within ${giveUpAfterMs} ms`);
    }

    const signed = await Promise.all(
      live.map(async (m) => ({ message: m, jws: m.jws ?? (await this.envelopes.sign(m.envelope)) })),
    );
    const byPartner = new Map<string, typeof signed>();
    for (const s of signed) byPartner.set(s.message.toNode, [...(byPartner.get(s.message.toNode) ?? []), s]);

    const results: AttemptResult[] = [];
    await Promise.all(
      [...byPartner].map(async ([partner, batch]) => {
        const outcomes = await this.links.publish(
          partner,
          batch.map((s) => ({ envelope: s.message.envelope, jws: s.jws })),
        );
        batch.forEach(({ message, jws }, i) => {
          const { confirmed, error } = outcomes[i];
          results.push({ id: message.id, jws, digest: digestOf(jws), confirmed, error, nextAttemptAt: this.nextAttempt(message, confirmed, now) });
          const event = this.attemptEvent(message, confirmed, error, now);
          if (event) events.push(event);
        });
      }),
    );
    if (results.length) await this.outbox.recordAttempts(results, now, tx);
    await this.timeline.record(events, tx);
  }

  /** Unconfirmed: retry soon, backing off to `publishRetryMaxMs`. Confirmed: wait for the receipt, doubling each time. */
  private nextAttempt(message: OutboundMessage, confirmed: boolean, now: Date): Date {
    const { receiptTimeoutMs, resendMaxIntervalMs, publishRetryMaxMs } = this.config.timers;
    const exponent = Math.min(message.attempts, 20);
    const delay = confirmed
      ? Math.min(resendMaxIntervalMs, receiptTimeoutMs * 2 ** exponent)
      : Math.min(publishRetryMaxMs, 1_000 * 2 ** exponent);
    return new Date(now.getTime() + delay);
  }

  private attemptEvent(message: OutboundMessage, confirmed: boolean, error: string | null, now: Date): NewTimelineEvent | null {
    const base = { caseRef: message.caseRef, messageId: message.id, at: now };
    const attempt = message.attempts + 1;
    if (confirmed) return { ...base, kind: message.state === 'queued' ? 'sent' : 'resent', detail: { attempt } };
    // Record the first failure of a series, not every retry while a partner is down.
    return message.lastError === null ? { ...base, kind: 'publish-failed', detail: { attempt, error } } : null;
  }
}
