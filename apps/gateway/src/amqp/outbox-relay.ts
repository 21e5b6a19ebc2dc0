import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { digestOf } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { NewTimelineEvent, TimelineRepository } from '../message-log/timeline.repository';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { EnvelopeService } from '../message-log/envelope.service';
import { OutboundMessage } from '../message-log/outbound-message.entity';
import { AttemptResult, OutboxRepository } from '../message-log/outbox.repository';
import { OutboxSignal } from '../message-log/outbox-signal';
import { LogThrottle } from '../logging/log-throttle';
import { safeError } from '../logging/safe-error';
import { NodeEvent, NodeEvents } from '../telemetry/node-events';
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
  private workers: Array<Promise<void>> = [];
  /** Workers waiting for work; a wake-up goes to one of them. */
  private readonly idle: Array<() => void> = [];
  private pendingWakes = 0;
  /** A pass that fails (the database is down, say) fails again on every worker's next poll: said once in a while. */
  private readonly failures = new LogThrottle();

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly outbox: OutboxRepository,
    private readonly envelopes: EnvelopeService,
    private readonly links: PartnerLinks,
    private readonly timeline: TimelineRepository,
    private readonly clock: Clock,
    signal: OutboxSignal,
    private readonly events: NodeEvents,
  ) {
    signal.listen(() => this.wake());
    links.onReachable((partner) => void this.partnerBack(partner));
  }

  /** Several passes run at once, so new messages go out while an earlier pass waits for the partner's confirms. */
  onApplicationBootstrap(): void {
    this.running = true;
    this.workers = Array.from({ length: this.config.relay.concurrency }, () => this.work());
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    for (const wake of this.idle.splice(0)) wake();
    await Promise.all(this.workers);
  }

  wake(): void {
    const worker = this.idle.shift();
    if (worker) worker();
    else this.pendingWakes = Math.min(this.pendingWakes + 1, this.config.relay.concurrency);
  }

  /**
   * A partner's broker is reachable again: what was waiting out the back-off of failed publishes to it is due now, so
   * a backlog built up during an outage goes out at once, at the relay's pace, not each message at its own time.
   */
  private async partnerBack(partner: string): Promise<void> {
    try {
      const due = await this.outbox.dueNow(partner, this.clock.now());
      if (!due) return;
      this.logger.log(`${partner} reachable again: ${due} message(s) waiting for it are due now`);
      for (let i = 0; i < this.config.relay.concurrency; i++) this.wake();
    } catch (err) {
      this.logger.warn(`could not make the messages waiting for ${partner} due: ${safeError(err)}`);
    }
  }

  /**
   * One pass, in one transaction: claim due messages (row locks; other passes and replicas skip them), give up on
   * those too old, sign what was never signed, publish, record. A receipt that comes back during the pass waits for
   * the row lock and then sees what was recorded. Returns how many messages the pass handled.
   */
  async relayOnce(): Promise<number> {
    const now = this.clock.now();
    const happened: NodeEvent[] = [];
    const handled = await this.outbox.withDue(now, this.config.relay.batchSize, (due, tx) => this.attempt(due, now, tx, happened));
    this.events.report(...happened); // once the pass committed: a pass rolled back is tried again, and counted then
    return handled ?? 0;
  }

  private async attempt(due: OutboundMessage[], now: Date, tx: EntityManager, happened: NodeEvent[]): Promise<number> {
    const { giveUpAfterMs } = this.config.timers;
    const expired = due.filter((m) => now.getTime() - m.createdAt.getTime() >= giveUpAfterMs);
    const events: NewTimelineEvent[] = expired.map((m) => ({
      caseRef: m.caseRef,
      messageId: m.id,
      at: now,
      kind: 'undeliverable',
      detail: { attempts: m.attempts },
    }));
    if (expired.length) {
      await this.outbox.giveUp(
        expired.map((m) => m.id),
        now,
        tx,
      );
      this.logger.warn(`${expired.length} message(s) undeliverable: no receipt within ${giveUpAfterMs} ms`);
      for (const m of expired) {
        happened.push({ kind: 'message-settled', partner: m.toNode, type: m.type, outcome: 'undeliverable', waitedMs: now.getTime() - m.createdAt.getTime() });
      }
    }

    const live = await Promise.all(
      due
        .filter((m) => !expired.includes(m))
        .map(async (message) => {
          const jws = message.jws ?? (await this.envelopes.sign(message.envelope));
          return { message, jws, digest: message.digest ?? digestOf(jws) };
        }),
    );
    const byPartner = new Map<string, typeof live>();
    for (const s of live) byPartner.set(s.message.toNode, [...(byPartner.get(s.message.toNode) ?? []), s]);

    const results: AttemptResult[] = [];
    await Promise.all(
      [...byPartner].map(async ([partner, batch]) => {
        const outcomes = await this.links.publish(
          partner,
          batch.map((s) => ({ envelope: s.message.envelope, jws: s.jws, trace: s.message.traceContext })),
        );
        const confirmedAt = this.clock.now().getTime();
        batch.forEach(({ message, jws, digest }, i) => {
          const { confirmed, error } = outcomes[i];
          results.push({ id: message.id, jws, digest, confirmed, error, nextAttemptAt: this.nextAttempt(message, confirmed, now) });
          const event = this.attemptEvent(message, confirmed, error, now);
          if (event) events.push(event);
          if (!confirmed) happened.push({ kind: 'publish-failed', partner, what: 'message' });
          else if (message.state === 'queued') {
            happened.push({ kind: 'message-confirmed', partner, type: message.type, waitedMs: confirmedAt - message.createdAt.getTime() });
          }
        });
      }),
    );
    if (results.length) await this.outbox.recordAttempts(results, now, tx);
    await this.timeline.record(events, tx);
    return due.length;
  }

  private async work(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.relayOnce();
      } catch (err) {
        const why = safeError(err);
        const suppressed = this.failures.take(why);
        if (suppressed !== null) this.logger.error(`relay pass failed: ${why}${suppressed ? ` (${suppressed} more since the last such line)` : ''}`);
      }
      if (handled < this.config.relay.batchSize) await this.waitForWork();
    }
  }

  /** Until woken by new messages, or the poll interval passes (for resends due and other replicas' messages). */
  private waitForWork(): Promise<void> {
    if (this.pendingWakes > 0 || !this.running) {
      this.pendingWakes = Math.max(0, this.pendingWakes - 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const i = this.idle.indexOf(done);
        if (i >= 0) this.idle.splice(i, 1);
        resolve();
      };
      const timer = setTimeout(done, this.config.relay.pollIntervalMs);
      this.idle.push(done);
    });
  }

  /** Unconfirmed: retry soon, backing off to `publishRetryMaxMs`. Confirmed: wait for the receipt, doubling each time. */
  private nextAttempt(message: OutboundMessage, confirmed: boolean, now: Date): Date {
    const { receiptTimeoutMs, resendMaxIntervalMs, publishRetryMaxMs } = this.config.timers;
    const exponent = Math.min(message.attempts, 20);
    const delay = confirmed ? Math.min(resendMaxIntervalMs, receiptTimeoutMs * 2 ** exponent) : Math.min(publishRetryMaxMs, 1_000 * 2 ** exponent);
    return new Date(now.getTime() + delay);
  }

  /** Only what the message's own record does not already say: resends, and the first failure of a series. */
  private attemptEvent(message: OutboundMessage, confirmed: boolean, error: string | null, now: Date): NewTimelineEvent | null {
    const base = { caseRef: message.caseRef, messageId: message.id, at: now };
    const attempt = message.attempts + 1;
    if (confirmed) return message.state === 'sent' ? { ...base, kind: 'resent', detail: { attempt } } : null;
    return message.lastError === null ? { ...base, kind: 'publish-failed', detail: { attempt, error } } : null;
  }
}
