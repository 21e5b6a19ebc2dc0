import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { safeError } from '../logging/safe-error';
import { NODE_ACTOR } from './audit-entry.entity';
import { AuditInput, AuditLog } from './audit.service';
import { AuditRepository, ReceivedMessageRow, SentMessageRow, Watermark } from './audit.repository';

const EVERY_MS = 5_000;
/** Most messages per stream audited in one transaction. */
const BATCH = 500;
/**
 * How far before its watermark the auditor looks again. A message's `sent_at` (`received_at`) is taken before the
 * transaction that writes it commits — the relay publishes and waits for the partner's confirms in between (15 s at
 * most), reception waits for its group commit — so a message may become visible after later ones were audited. It
 * is found by looking back; the log's unique index and the NOT EXISTS of the query keep it from being audited twice.
 */
const LOOKBACK_MS = 5 * 60_000;

const SENT = 'message.sent';
const RECEIVED = 'message.received';

/**
 * Audits the message log off the hot path: every few seconds, one entry for each message this node sent that the
 * partner's broker confirmed, and one for each message it received and receipted. All in one transaction holding the
 * chain's lock, with the watermarks, so replicas and restarts audit each message exactly once. Entries are dated by
 * the node's Clock when audited (AuditLog sets `at`); when the message went is in their detail.
 */
@Injectable()
export class MessageAuditor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MessageAuditor.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly audit: AuditRepository,
    private readonly log: AuditLog,
    private readonly transactions: Transactions,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => void this.runOnce().catch((err) => this.logger.error(`auditing messages failed: ${safeError(err)}`));
    this.timer = setInterval(tick, EVERY_MS);
    this.timer.unref();
    tick();
  }

  /** Before the database closes (that happens at application shutdown). */
  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Audits every message not audited yet; answers how many entries it appended. */
  async runOnce(): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = (async () => {
      let total = 0;
      for (;;) {
        const { appended, more } = await this.pass();
        total += appended;
        if (!more) return total;
      }
    })().finally(() => (this.running = null));
    return this.running;
  }

  private pass(): Promise<{ appended: number; more: boolean }> {
    return this.transactions.run(async (tx) => {
      await this.audit.lockChain(tx);
      const [sentMark, receivedMark] = [await this.audit.watermark(SENT, tx), await this.audit.watermark(RECEIVED, tx)];
      const sent = await this.audit.unauditedSent(lookBack(sentMark), BATCH, tx);
      const received = await this.audit.unauditedReceived(lookBack(receivedMark), BATCH, tx);
      const entries: AuditInput[] = [...sent.map(sentEntry), ...received.map(receivedEntry)];
      await this.log.record(entries, tx);
      const sentLast = sent.at(-1);
      if (sentLast) await this.audit.setWatermark(SENT, later(sentMark, { at: sentLast.sentAt, id: sentLast.id }), tx);
      const receivedLast = received.at(-1);
      if (receivedLast) await this.audit.setWatermark(RECEIVED, later(receivedMark, { at: receivedLast.receivedAt, id: receivedLast.id }), tx);
      return { appended: entries.length, more: sent.length === BATCH || received.length === BATCH };
    });
  }
}

const lookBack = (mark: Watermark | null): Date | null => (mark ? new Date(mark.at.getTime() - LOOKBACK_MS) : null);

const later = (a: Watermark | null, b: Watermark): Watermark =>
  !a || a.at.getTime() < b.at.getTime() || (a.at.getTime() === b.at.getTime() && a.id < b.id) ? b : a;

const sentEntry = (m: SentMessageRow): AuditInput => ({
  actor: NODE_ACTOR,
  action: SENT,
  caseRef: m.caseRef,
  subject: m.id,
  detail: { type: m.type, to: m.toNode, digest: m.digest, sentAt: m.sentAt.toISOString() },
});

const receivedEntry = (m: ReceivedMessageRow): AuditInput => ({
  actor: NODE_ACTOR,
  action: RECEIVED,
  caseRef: m.caseRef,
  subject: m.id,
  detail: {
    type: m.type,
    from: m.fromNode,
    status: m.status,
    ...(m.rejectReason ? { reason: m.rejectReason } : {}),
    digest: m.digest,
    receivedAt: m.receivedAt.toISOString(),
  },
});
