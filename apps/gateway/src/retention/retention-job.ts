import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NODE_ACTOR } from '../audit/audit-entry.entity';
import { AuditLog } from '../audit/audit.service';
import { Clock } from '../clock/clock';
import { Periodic } from '../clock/periodic';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { JobTurnRepository } from '../database/job-turn.repository';
import { safeError } from '../logging/safe-error';
import { MessageLog } from '../message-log/message-log';
import { NoticeRepository } from '../notifications/notice.repository';
import { CaseErasure } from './case-erasure';
import { BatchResult, RetentionRepository, RetentionSession } from './retention.repository';

/** The data classes with a retention period of their own (`retention` in the node's configuration). */
export type RetentionClass = 'sealed' | 'case-data' | 'message-log' | 'notices';

/** What one run deleted: messages whose sealed data went, cases reduced to tombstones (and their messages), log messages. */
export interface RetentionCounts {
  sealed: number;
  caseData: number;
  caseDataMessages: number;
  messageLog: number;
  notices: number;
}

/**
 * Deletes what its retention period no longer covers, leaving tombstones: every `retention.checkInterval` (by one of
 * the node's replicas; one started when a run is due runs it at once), and on demand (`runOnce`), by the node's Clock.
 *
 * - sealed: `sealedAfterEnd` after a case ended (closed, withdrawn, declined), the sealed parts of its messages both
 *   ways, the JWS that carry them (digests stay) and this node's own copy of what it sealed;
 * - case-data: `caseDataAfterEnd` after a case ended, the bodies and every JWS of its messages (receipts included),
 *   its consent, purpose and deadlines (of a case erased when consent was withdrawn for everything, the evidence it
 *   kept: consent record, withdrawal, purge.confirmed, receipts); the case row and each message row stay as tombstones;
 * - message-log: any message stored more than `messageLog` ago (receipts and registry updates too), unless its case is
 *   still open, becomes a tombstone;
 * - notices: mail notices and webhook deliveries done with (sent, delivered, failed) once the message log's period
 *   has passed since they were recorded.
 *
 * Work goes in batches, each in a transaction of its own; replicas take turns (RetentionRepository.exclusive), and
 * every batch only touches what is not purged yet, so nothing is purged twice. Each run audits one `retention.purged`
 * entry per class it deleted something of (in the transaction of that class's last batch) and logs counts only.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionJob.name);
  private readonly periodic = new Periodic(
    () => this.run(),
    (err) => this.logger.error(`retention run failed: ${safeError(err)}`),
  );
  /** Messages per batch (cases per batch of case data: a fifth of it). Tests lower it to see several batches. */
  batchSize = 500;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly repository: RetentionRepository,
    private readonly erasure: CaseErasure,
    private readonly messageLog: MessageLog,
    private readonly notices: NoticeRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly turns: JobTurnRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.retention.checkIntervalMs, { turns: this.turns.turnsOf('retention') });
  }

  /** Before the database closes (that happens at application shutdown). */
  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  /** Deletes everything due at the Clock's now; answers what it deleted. */
  runOnce(): Promise<RetentionCounts> {
    return this.periodic.runOnce();
  }

  private async run(): Promise<RetentionCounts> {
    const counts = await this.repository.exclusive(async (session) => {
      // Taken once the lock is held: a replica that waited for it sees what the other one left.
      const now = this.clock.now();
      const { sealedAfterEndMs, caseDataAfterEndMs, messageLogMs } = this.config.retention;
      const before = (ms: number) => new Date(now.getTime() - ms);
      const sealed = await this.purge(session, 'sealed', async (tx) => {
        const { inbound, outbound } = await this.messageLog.purgeSealed({ endedBefore: before(sealedAfterEndMs), limit: this.batchSize }, now, tx);
        return { count: inbound + outbound, more: inbound === this.batchSize || outbound === this.batchSize };
      });
      const caseData = await this.purge(session, 'case-data', (tx) =>
        this.erasure.purgeCaseData(before(caseDataAfterEndMs), now, Math.max(1, Math.floor(this.batchSize / 5)), tx),
      );
      const messageLog = await this.purge(session, 'message-log', async (tx) => {
        const { inbound, outbound } = await this.messageLog.tombstone({ storedBefore: before(messageLogMs), limit: this.batchSize }, now, tx);
        return { count: inbound + outbound, more: inbound === this.batchSize || outbound === this.batchSize };
      });
      const notices = await this.purge(session, 'notices', (tx) => this.notices.deleteSettled(before(messageLogMs), this.batchSize, tx));
      return { sealed: sealed.count, caseData: caseData.count, caseDataMessages: caseData.messages ?? 0, messageLog: messageLog.count, notices: notices.count };
    });
    if (counts.sealed || counts.caseData || counts.messageLog || counts.notices) {
      this.logger.log(
        `retention: sealed data of ${counts.sealed} message(s), coded data of ${counts.caseData} case(s) (${counts.caseDataMessages} message(s)), ` +
          `${counts.messageLog} message(s) of the log, ${counts.notices} notice(s)`,
      );
    }
    return counts;
  }

  /** One class, batch after batch; the last batch also writes the audit entry for the whole class. */
  private async purge(
    session: RetentionSession,
    cls: RetentionClass,
    batch: (tx: EntityManager) => Promise<BatchResult>,
  ): Promise<{ count: number; messages?: number }> {
    let count = 0;
    let messages: number | undefined;
    for (;;) {
      const more = await session.batch(async (tx) => {
        const r = await batch(tx);
        count += r.count;
        if (r.messages !== undefined) messages = (messages ?? 0) + r.messages;
        if (!r.more && count > 0) {
          await this.audit.record(
            [{ actor: NODE_ACTOR, action: 'retention.purged', detail: { class: cls, count, ...(messages !== undefined ? { messages } : {}) } }],
            tx,
          );
        }
        return r.more;
      });
      if (!more) return { count, messages };
    }
  }
}
