import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RejectReason } from '@trm/wire';
import { DataSource, EntityManager } from 'typeorm';
import { Column, bulkInsert } from '../database/bulk-insert';
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

/**
 * What a receipt did to the message it names. not-yet-sent: the sender died between publishing and recording; the
 * partner will answer the resend with the same receipt.
 */
export interface SettleResult {
  id: string;
  caseRef: string;
  outcome: 'settled' | 'digest-mismatch' | 'not-yet-sent';
}

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async add(messages: OutboundMessage[], tx: EntityManager): Promise<void> {
    await bulkInsert(tx, 'outbound_message', OUTBOUND_COLUMNS, messages);
  }

  findById(id: string): Promise<OutboundMessage | null> {
    return this.dataSource.getRepository(OutboundMessage).findOneBy({ id });
  }

  async findByIds(ids: string[], tx: EntityManager): Promise<OutboundMessage[]> {
    if (!ids.length) return [];
    const rows: OutboundRow[] = await tx.query(`SELECT * FROM outbound_message WHERE id = ANY($1::uuid[]) ORDER BY seq`, [ids]);
    return rows.map(toOutbound);
  }

  /**
   * Deletes sealed personal data from what this node sent for a case: the envelope loses its `sealed` part and the
   * signed bytes that carry it (the digest stays as evidence); a message not yet delivered is not sent any more.
   */
  async purgeSealed(caseRef: string, now: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE outbound_message SET envelope = jsonb_set(envelope, '{sealed}', 'null'), jws = NULL, sealed_at_rest = NULL, purged_at = $2,
         state = CASE WHEN state IN ('queued', 'sent') THEN 'undeliverable' ELSE state END,
         next_attempt_at = CASE WHEN state IN ('queued', 'sent') THEN NULL ELSE next_attempt_at END
       WHERE case_ref = $1 AND envelope->>'sealed' IS NOT NULL`,
      [caseRef, now],
    );
  }

  /** This node's case messages of `caseRef` sent or waiting to be sent, and not applied to the case yet, in order. */
  async unapplied(caseRef: string, tx?: EntityManager): Promise<OutboundMessage[]> {
    const rows: OutboundRow[] = await (tx ?? this.dataSource.manager).query(
      `SELECT * FROM outbound_message WHERE case_ref = $1 AND state IN ('queued', 'sent') AND applied_at IS NULL
         AND type NOT IN ('handover.request', 'receipt', 'registry.update')
       ORDER BY seq`,
      [caseRef],
    );
    return rows.map(toOutbound);
  }

  async markApplied(ids: string[], at: Date, tx: EntityManager): Promise<void> {
    if (ids.length) await tx.query(`UPDATE outbound_message SET applied_at = $2 WHERE id = ANY($1::uuid[])`, [ids, at]);
  }

  findByCase(caseRef: string): Promise<OutboundMessage[]> {
    return this.dataSource.getRepository(OutboundMessage).find({ where: { caseRef }, order: { seq: 'ASC' } });
  }

  /**
   * Runs `work` on up to `limit` due messages inside one transaction that holds their row locks: another relay pass
   * or replica skips them, and a receipt for one of them waits until the attempt is recorded.
   */
  async withDue<T>(now: Date, limit: number, work: (due: OutboundMessage[], tx: EntityManager) => Promise<T>): Promise<T | null> {
    return this.dataSource.transaction(async (tx) => {
      const rows: OutboundRow[] = await tx.query(
        // A case's messages go out one after another: the next waits until the partner receipted the one before.
        `SELECT * FROM outbound_message m WHERE m.state IN ('queued', 'sent') AND m.next_attempt_at <= $1
           AND NOT EXISTS (SELECT 1 FROM outbound_message p WHERE p.case_ref = m.case_ref AND p.state IN ('queued', 'sent')
                           AND p.seq < m.seq)
         ORDER BY m.next_attempt_at LIMIT $2 FOR UPDATE OF m SKIP LOCKED`,
        [now, limit],
      );
      return rows.length ? work(rows.map(toOutbound), tx) : null;
    });
  }

  /** Records a pass: the signed bytes (kept for every later attempt), the outcome and when to try next. */
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

  /**
   * Makes due now the messages to `partner` whose last publish failed (not the ones waiting for a receipt): its broker
   * is reachable again. Returns how many.
   */
  async dueNow(partner: string, now: Date): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE outbound_message SET next_attempt_at = $2
       WHERE to_node = $1 AND state IN ('queued', 'sent') AND last_error IS NOT NULL AND next_attempt_at > $2`,
      [partner, now],
    );
    return count;
  }

  /** Stops resending: the partner never answered before the give-up time. */
  async giveUp(ids: string[], now: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE outbound_message SET state = 'undeliverable', next_attempt_at = NULL, settled_at = $2 WHERE id = ANY($1::uuid[])`,
      [ids, now],
    );
  }

  /**
   * Applies receipts to the messages they answer, while those wait for one. A receipt settles a message only if it
   * names the digest of the bytes sent. The digest is compared in SET, not WHERE: a row a relay pass holds is then
   * compared once that pass has recorded the bytes it sent (a WHERE on the not-yet-recorded digest would skip it).
   */
  async settle(outcomes: ReceiptOutcome[], now: Date, tx: EntityManager): Promise<SettleResult[]> {
    const matches = 'o.digest IS NOT DISTINCT FROM v.digest';
    // For UPDATE … RETURNING, TypeORM's postgres driver answers [rows, affected count].
    const [rows]: [Array<{ id: string; case_ref: string; settled: boolean; digest: string | null }>, number] = await tx.query(
      `UPDATE outbound_message AS o SET
         state = CASE WHEN ${matches} THEN v.status ELSE o.state END,
         reject_reason = CASE WHEN ${matches} THEN v.reason ELSE o.reject_reason END,
         receipt_id = CASE WHEN ${matches} THEN v.receipt_id ELSE o.receipt_id END,
         settled_at = CASE WHEN ${matches} THEN $6 ELSE o.settled_at END,
         next_attempt_at = CASE WHEN ${matches} THEN NULL ELSE o.next_attempt_at END
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[]) AS v(ref, status, reason, receipt_id, digest)
       WHERE o.id = v.ref AND o.state IN ('queued', 'sent')
       RETURNING o.id, o.case_ref, ${matches} AS settled, o.digest`,
      [
        outcomes.map((o) => o.ref),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.reason),
        outcomes.map((o) => o.receiptId),
        outcomes.map((o) => o.digest),
        now,
      ],
    );
    return rows.map((r) => ({
      id: r.id,
      caseRef: r.case_ref,
      outcome: r.settled ? 'settled' : r.digest === null ? 'not-yet-sent' : 'digest-mismatch',
    }));
  }
}

const OUTBOUND_COLUMNS: Column<OutboundMessage>[] = [
  { name: 'id', type: 'uuid', value: (m) => m.id },
  { name: 'type', type: 'text', value: (m) => m.type },
  { name: 'to_node', type: 'text', value: (m) => m.toNode },
  { name: 'case_ref', type: 'text', value: (m) => m.caseRef },
  { name: 'in_reply_to', type: 'uuid', value: (m) => m.inReplyTo },
  { name: 'envelope', type: 'jsonb', value: (m) => m.envelope },
  { name: 'jws', type: 'text', value: (m) => m.jws },
  { name: 'digest', type: 'text', value: (m) => m.digest },
  { name: 'state', type: 'text', value: (m) => m.state },
  { name: 'attempts', type: 'int', value: (m) => m.attempts },
  { name: 'next_attempt_at', type: 'timestamptz', value: (m) => m.nextAttemptAt },
  { name: 'created_at', type: 'timestamptz', value: (m) => m.createdAt },
  { name: 'sealed_at_rest', type: 'text', value: (m) => m.sealedAtRest },
];

interface OutboundRow {
  id: string;
  seq: string;
  type: OutboundMessage['type'];
  to_node: string;
  case_ref: string;
  in_reply_to: string | null;
  envelope: OutboundMessage['envelope'];
  jws: string | null;
  digest: string | null;
  state: OutboundMessage['state'];
  attempts: number;
  next_attempt_at: Date | null;
  created_at: Date;
  sent_at: Date | null;
  settled_at: Date | null;
  receipt_id: string | null;
  reject_reason: OutboundMessage['rejectReason'];
  last_error: string | null;
  purged_at: Date | null;
  applied_at: Date | null;
  sealed_at_rest: string | null;
}

function toOutbound(r: OutboundRow): OutboundMessage {
  return Object.assign(new OutboundMessage(), {
    id: r.id,
    seq: r.seq,
    type: r.type,
    toNode: r.to_node,
    caseRef: r.case_ref,
    inReplyTo: r.in_reply_to,
    envelope: r.envelope,
    jws: r.jws,
    digest: r.digest,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    settledAt: r.settled_at,
    receiptId: r.receipt_id,
    rejectReason: r.reject_reason,
    lastError: r.last_error,
    purgedAt: r.purged_at,
    appliedAt: r.applied_at,
    sealedAtRest: r.sealed_at_rest,
  });
}
