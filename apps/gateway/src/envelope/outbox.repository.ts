import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RejectReason } from '@trm/wire';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { OutboundMessage } from './outbound-message.entity';

/** Outcome of one publish attempt, as the relay records it. */
export interface AttemptResult {
  id: string;
  jws: string;
  digest: string;
  confirmed: boolean;
  nextAttemptAt: Date;
  error: string | null;
}

export interface ReceiptOutcome {
  ref: string;
  status: 'delivered' | 'rejected';
  reason: RejectReason | null;
  receiptId: string;
  digest: string;
}

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async add(messages: OutboundMessage[], tx: EntityManager): Promise<void> {
    await tx.insert(OutboundMessage, messages as QueryDeepPartialEntity<OutboundMessage>[]);
  }

  findById(id: string): Promise<OutboundMessage | null> {
    return this.dataSource.getRepository(OutboundMessage).findOneBy({ id });
  }

  findByCase(caseRef: string): Promise<OutboundMessage[]> {
    return this.dataSource.getRepository(OutboundMessage).find({ where: { caseRef }, order: { createdAt: 'ASC' } });
  }

  /**
   * Runs `work` on up to `limit` messages that are due, inside one transaction that holds their row locks: another
   * relay (a replica of this node) skips them, and a receipt for them waits until the attempt is recorded.
   */
  async withDue(now: Date, limit: number, work: (due: OutboundMessage[], tx: EntityManager) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const due = await tx
        .getRepository(OutboundMessage)
        .createQueryBuilder('m')
        .where(`m.state IN ('queued', 'sent') AND m.next_attempt_at <= :now`, { now })
        .orderBy('m.next_attempt_at')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (due.length) await work(due, tx);
      return due.length;
    });
  }

  async recordAttempts(results: AttemptResult[], now: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE outbound_message AS o SET
         jws = v.jws, digest = v.digest, attempts = o.attempts + 1, next_attempt_at = v.next_at,
         state = CASE WHEN v.confirmed AND o.state = 'queued' THEN 'sent' ELSE o.state END,
         sent_at = CASE WHEN v.confirmed THEN COALESCE(o.sent_at, $7) ELSE o.sent_at END,
         last_error = v.error
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::timestamptz[], $6::text[])
         AS v(id, jws, digest, confirmed, next_at, error)
       WHERE o.id = v.id`,
      [
        results.map((r) => r.id),
        results.map((r) => r.jws),
        results.map((r) => r.digest),
        results.map((r) => r.confirmed),
        results.map((r) => r.nextAttemptAt),
        results.map((r) => r.error),
        now,
      ],
    );
  }

  /** Stops resending: the partner never answered before the give-up time. */
  async giveUp(ids: string[], now: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE outbound_message SET state = 'undeliverable', next_attempt_at = NULL, settled_at = $2 WHERE id = ANY($1::uuid[])`,
      [ids, now],
    );
  }

  /**
   * Applies receipts to the messages they answer. A receipt settles a message only while it waits for one and only if
   * it names the digest of the bytes we sent. Returns the settled ids with their case.
   */
  async settle(outcomes: ReceiptOutcome[], now: Date, tx: EntityManager): Promise<Array<{ id: string; caseRef: string }>> {
    // For UPDATE … RETURNING, TypeORM's postgres driver answers [rows, affected count].
    const [rows]: [Array<{ id: string; case_ref: string }>, number] = await tx.query(
      `UPDATE outbound_message AS o SET
         state = v.status, reject_reason = v.reason, receipt_id = v.receipt_id, settled_at = $6, next_attempt_at = NULL
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[]) AS v(ref, status, reason, receipt_id, digest)
       WHERE o.id = v.ref AND o.state IN ('queued', 'sent') AND o.digest = v.digest
       RETURNING o.id, o.case_ref`,
      [
        outcomes.map((o) => o.ref),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.reason),
        outcomes.map((o) => o.receiptId),
        outcomes.map((o) => o.digest),
        now,
      ],
    );
    return rows.map((r) => ({ id: r.id, caseRef: r.case_ref }));
  }

  /** Messages that a receipt names but did not settle because the digest differs from what we sent. */
  async digestMismatches(outcomes: ReceiptOutcome[], tx: EntityManager): Promise<Array<{ id: string; caseRef: string }>> {
    if (!outcomes.length) return [];
    const rows: Array<{ id: string; case_ref: string }> = await tx.query(
      `SELECT o.id, o.case_ref FROM outbound_message o
       JOIN unnest($1::uuid[], $2::text[]) AS v(ref, digest) ON o.id = v.ref
       WHERE o.digest IS NOT NULL AND o.digest <> v.digest AND o.state IN ('queued', 'sent')`,
      [outcomes.map((o) => o.ref), outcomes.map((o) => o.digest)],
    );
    return rows.map((r) => ({ id: r.id, caseRef: r.case_ref }));
  }
}
