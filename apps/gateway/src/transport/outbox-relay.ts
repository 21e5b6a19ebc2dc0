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
import { Transactions } from '../database/transactions';
import { safeError } from '../logging/safe-error';
import { PartnerLinks } from './partner-links';

interface Signed {
  message: OutboundMessage;
  jws: string;
  digest: string;
}

/** How long a claimed message stays with the relay that claimed it; longer than any publish can take. */
const LEASE_MS = 60_000;

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
    private readonly transactions: Transactions,
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

  /**
   * One pass: claim due messages and pin their signed bytes (one transaction), publish them, record the outcomes
   * (a second transaction). No row lock is held while waiting for the partner's broker. Returns how many it handled.
   */
  async relayOnce(): Promise<number> {
    const now = this.clock.now();
    const claimed = await this.outbox.withDue(now, this.config.relay.batchSize, (due, tx) => this.claim(due, now, tx));
    if (!claimed) return 0;
    const { live, events, count } = claimed;
    const results: AttemptResult[] = [];
    const byPartner = new Map<string, Signed[]>();
    for (const s of live) byPartner.set(s.message.toNode, [...(byPartner.get(s.message.toNode) ?? []), s]);
    await Promise.all(
      [...byPartner].map(async ([partner, batch]) => {
        const outcomes = await this.links.publish(partner, batch.map((s) => ({ envelope: s.message.envelope, jws: s.jws })));
        batch.forEach(({ message }, i) => {
          const { confirmed, error } = outcomes[i];
          results.push({ id: message.id, confirmed, error, nextAttemptAt: this.nextAttempt(message, confirmed, now) });
          const event = this.attemptEvent(message, confirmed, error, now);
          if (event) events.push(event);
        });
      }),
    );
    await this.transactions.run(async (tx) => {
      if (results.length) await this.outbox.recordAttempts(results, now, tx);
      await this.timeline.record(events, tx);
    });
    return count;
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

  /** Inside the claiming transaction: give up on what is too old, sign what was never signed, lease the rest. */
  private async claim(due: OutboundMessage[], now: Date, tx: EntityManager): Promise<{ live: Signed[]; events: NewTimelineEvent[]; count: number }> {
    const { giveUpAfterMs } = this.config.timers;
    const expired = due.filter((m) => now.getTime() - m.createdAt.getTime() >= giveUpAfterMs);
    if (expired.length) {
      await this.outbox.giveUp(expired.map((m) => m.id), now, tx);
      this.logger.warn(`${expired.length} message(s) undeliverable: no receipt within ${giveUpAfterMs} ms`);
    }
    const events: NewTimelineEvent[] = expired.map((m) => ({
      caseRef: m.caseRef,
      messageId: m.id,
      at: now,
      kind: 'undeliverable',
      detail: { attempts: m.attempts },
    }));
    const live = await Promise.all(
      due
        .filter((m) => !expired.includes(m))
        .map(async (message) => {
          const jws = message.jws ?? (await this.envelopes.sign(message.envelope));
          return { message, jws, digest: message.digest ?? digestOf(jws) };
        }),
    );
    if (live.length) await this.outbox.pin(live.map((s) => ({ id: s.message.id, jws: s.jws, digest: s.digest })), new Date(now.getTime() + LEASE_MS), tx);
    return { live, events, count: due.length };
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
