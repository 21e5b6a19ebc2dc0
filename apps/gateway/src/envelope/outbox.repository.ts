import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RejectReason } from '@trm/wire';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { OutboundMessage } from './outbound-message.entity';

/** Outcome of one publish attempt, as the relay records it. */
export interface AttemptResult {
  id: string;
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
   * Claims up to `limit` due messages for one relay pass: `work` runs inside a transaction that holds their row locks
   * (another relay skips them) and should lease them with `pin`, so they stay claimed after the commit while the
   * relay publishes.
   */
  async withDue<T>(now: Date, limit: number, work: (due: OutboundMessage[], tx: EntityManager) => Promise<T>): Promise<T | null> {
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
      return due.length ? work(due, tx) : null;
    });
  }

  /**
   * Fixes the signed bytes of each message (kept for every later attempt) and leases it until `leaseUntil`: if the
   * relay dies while publishing, the message becomes due again then. Committed before publishing, so a receipt that
   * comes back at once finds the digest it must match.
   */
  async pin(messages: Array<{ id: string; jws: string; digest: string }>, leaseUntil: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE outbound_message AS o SET jws = v.jws, digest = v.digest, next_attempt_at = $4
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, jws, digest) WHERE o.id = v.id`,
      [messages.map((m) => m.id), messages.map((m) => m.jws), messages.map((m) => m.digest), leaseUntil],
    );
  }

  /** Records a pass's publish outcomes; a message a receipt settled meanwhile keeps its settled state. */
  async recordAttempts(results: AttemptResult[], now: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE outbound_message AS o SET
         attempts = o.attempts + 1,
         next_attempt_at = CASE WHEN o.state IN ('queued', 'sent') THEN v.next_at ELSE o.next_attempt_at END,
         state = CASE WHEN v.confirmed AND o.state = 'queued' THEN 'sent' ELSE o.state END,
         sent_at = CASE WHEN v.confirmed THEN COALESCE(o.sent_at, $5) ELSE o.sent_at END,
         last_error = v.error
       FROM unnest($1::uuid[], $2::boolean[], $3::timestamptz[], $4::text[]) AS v(id, confirmed, next_at, error)
       WHERE o.id = v.id`,
      [results.map((r) => r.id), results.map((r) => r.confirmed), results.map((r) => r.nextAttemptAt), results.map((r) => r.error), now],
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
