import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { Periodic } from '../clock/periodic';
import { JobTurnRepository } from '../database/job-turn.repository';
import { Transactions } from '../database/transactions';
import { safeError } from '../logging/safe-error';
import { InboxRepository, ReceivedMessageRow } from '../message-log/inbox.repository';
import { OutboxRepository, SentMessageRow } from '../message-log/outbox.repository';
import { NODE_ACTOR } from './audit-entry.entity';
import { AuditInput, AuditLog } from './audit.service';

const EVERY_MS = 5_000;
/** Most messages per stream audited in one transaction. */
const BATCH = 500;

const SENT = 'message.sent';
const RECEIVED = 'message.received';

/**
 * Audits the message log off the hot path: every few seconds, one entry for each message this node sent that the
 * partner's broker confirmed, and one for each message it received and receipted. Entries and the messages' audited
 * marks go in one transaction holding the chain's lock, so replicas and restarts audit each message exactly once,
 * however late the message's own transaction committed. Entries are dated by
 * the node's Clock when audited (AuditLog sets `at`); when the message went is in their detail.
 */
@Injectable()
export class MessageAuditor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MessageAuditor.name);
  private readonly periodic = new Periodic(
    () => this.auditAll(),
    (err) => this.logger.error(`auditing messages failed: ${safeError(err)}`),
  );

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly log: AuditLog,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly turns: JobTurnRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(EVERY_MS, { turns: this.turns.turnsOf('message-audit') });
  }

  /** Before the database closes (that happens at application shutdown). */
  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  /** Audits every message not audited yet; answers how many entries it appended. */
  runOnce(): Promise<number> {
    return this.periodic.runOnce();
  }

  private async auditAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const { appended, more } = await this.pass();
      total += appended;
      if (!more) return total;
    }
  }

  private pass(): Promise<{ appended: number; more: boolean }> {
    // The chain's lock is taken only when there is something to append (AuditLog.record): rows are claimed with
    // FOR UPDATE SKIP LOCKED, so two replicas' passes never take the same message.
    return this.transactions.run(async (tx) => {
      const sent = await this.outbox.unaudited(BATCH, tx);
      const received = await this.inbox.unaudited(BATCH, tx);
      const entries: AuditInput[] = [...sent.map(sentEntry), ...received.map(receivedEntry)];
      await this.log.record(entries, tx);
      const now = this.clock.now();
      await this.outbox.markAudited(
        sent.map((m) => m.id),
        now,
        tx,
      );
      await this.inbox.markAudited(
        received.map((m) => m.id),
        now,
        tx,
      );
      return { appended: entries.length, more: sent.length === BATCH || received.length === BATCH };
    });
  }
}

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
