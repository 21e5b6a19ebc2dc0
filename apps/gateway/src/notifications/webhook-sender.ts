import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { NodeEvents } from '../telemetry/node-events';
import { NODE_CONFIG, NodeConfig, WebhookConfig } from '../config/node-config';
import { LogThrottle } from '../logging/log-throttle';
import { safeError } from '../logging/safe-error';
import { nextTry, SendLoop } from './back-off';
import { WebhookDelivery, webhookId } from './notice.entity';
import { NoticeRepository } from './notice.repository';

const BATCH = 20;
const TIMEOUT_MS = 10_000;

/**
 * POSTs each webhook delivery to its endpoint, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<HMAC-SHA256>`), until it answers 2xx: tried again with back-off on anything else, failed
 * after `retry.giveUpAfter` or at once on 410 Gone. Every attempt carries the same `webhook-id`, so the receiver
 * knows a repeat; rows stay locked while their call is made, so a second replica never makes it too.
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookSender.name);
  private readonly hooks: Map<string, { config: WebhookConfig; signer: Webhook }>;
  private readonly failures = new LogThrottle();
  private readonly loop = new SendLoop(
    () => this.sendAll(),
    (err) => this.logger.error(`webhook pass failed: ${safeError(err)}`),
  );

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly repository: NoticeRepository,
    private readonly clock: Clock,
    private readonly events: NodeEvents,
  ) {
    this.hooks = new Map(config.notifications.webhooks.map((w) => [w.url, { config: w, signer: new Webhook(w.secret) }]));
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.notifications.pollIntervalMs);
    this.loop.wake();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Makes the calls due now (tests call this to wait for them). */
  async sendDue(): Promise<void> {
    this.loop.wake();
    await this.loop.settled();
  }

  private async sendAll(): Promise<void> {
    const now = this.clock.now();
    for (;;) {
      const taken = await this.repository.withDueDeliveries(now, BATCH, (due, tx) => this.send(due, now, tx));
      if (!taken || taken < BATCH) return;
    }
  }

  private async send(due: WebhookDelivery[], now: Date, tx: EntityManager): Promise<number> {
    const outcomes = await Promise.all(due.map((d) => this.call(d)));
    for (const [i, d] of due.entries()) {
      const { status, error } = outcomes[i];
      const delivered = status !== null && status >= 200 && status < 300;
      const next = delivered || status === 410 ? null : nextTry(this.config.notifications.retry, d.attempts, d.tryingSince, now);
      if (!delivered) {
        const suppressed = this.failures.take(`${d.endpoint} ${status ?? error}`);
        if (suppressed !== null)
          this.logger.warn(
            `webhook ${webhookId(d)} to ${redacted(d.endpoint)} not delivered (${status ?? error})${next ? '' : ': failed for good'}${suppressed ? ` (${suppressed} more since the last such line)` : ''}`,
          );
      }
      this.events.report({ kind: 'notice-attempted', channel: 'webhook', outcome: delivered ? 'sent' : next ? 'retry' : 'failed' });
      await this.repository.recordDelivery(d.id, { status, error, delivered, next }, now, tx);
    }
    return due.length;
  }

  /** One signed POST; the status it got, or why it got none. */
  private async call(d: WebhookDelivery): Promise<{ status: number | null; error: string | null }> {
    const hook = this.hooks.get(d.endpoint);
    if (!hook) return { status: null, error: 'the endpoint is no longer configured' };
    const body = JSON.stringify(d.payload);
    const id = webhookId(d);
    // The signature's timestamp is the wall clock's, not the node's clock: receivers check it against theirs.
    const sentAt = new Date();
    try {
      const res = await fetch(d.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': `trm-gateway/${this.config.node}`,
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': hook.signer.sign(id, sentAt, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel();
      return { status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { status: null, error: (cause ?? (err as Error).name ?? 'error').slice(0, 100) };
    }
  }
}

/** An endpoint as logs show it: without credentials or query (they may hold tokens). */
export function redacted(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
