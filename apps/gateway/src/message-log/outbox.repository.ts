import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NOT_A_VERDICT, RejectReason } from '@trm/wire';
import { DataSource, EntityManager } from 'typeorm';
import { affected } from '../database/affected';
import { Column, bulkInsert } from '../database/bulk-insert';
import { OutboundMessage } from './outbound-message.entity';
import { SealedScope } from './sealed-scope';
import { FRAME, OPEN_CASE, TombstoneScope } from './tombstone';

/** Which messages hold sealed data (the predicate matches a partial index of the retention migration). */
const OUTBOUND_SEALED = `(o.envelope->>'sealed' IS NOT NULL OR o.sealed_at_rest IS NOT NULL)`;

/** Sets an outbound message `m` that was still to be sent (or resent) undeliverable: what it carried is gone. */
const STOP_SENDING = (now: string) =>
  `state = CASE WHEN m.state IN ('queued', 'sent') THEN 'undeliverable' ELSE m.state END,
     next_attempt_at = CASE WHEN m.state IN ('queued', 'sent') THEN NULL ELSE m.next_attempt_at END,
     settled_at = CASE WHEN m.state IN ('queued', 'sent') THEN ${now}::timestamptz ELSE m.settled_at END`;

/**
 * The newest registry.update this node sent to a partner (and not given up) is the directory in force there; the
 * publisher reads its version to know what the partner has, so it stays whole.
 */
const CURRENT_REGISTRY_UPDATE = `(o.type = 'registry.update' AND o.state <> 'undeliverable' AND NOT EXISTS (
     SELECT 1 FROM outbound_message n WHERE n.type = 'registry.update' AND n.to_node = o.to_node AND n.state <> 'undeliverable' AND n.seq > o.seq))`;

/** A message this node sent, as the auditor records it. */
export interface SentMessageRow {
  id: string;
  type: string;
  toNode: string;
  caseRef: string;
  digest: string | null;
  sentAt: Date;
}

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
 * What a receipt did to the message it names. settled: delivered, or rejected for good (a later delivered receipt
 * still replaces a rejection: `superseded` is that rejection) · not-a-verdict: rejected for a reason the partner did
 * not record as the id's answer (header-mismatch); the message stays sent and is resent · digest-mismatch ·
 * not-yet-sent: the sender died between publishing and recording; the partner will answer the resend with the same
 * receipt.
 */
export interface SettleResult {
  id: string;
  caseRef: string;
  /** The message's type, partner and enqueue time (for metrics). */
  type: string;
  toNode: string;
  createdAt: Date;
  receiptId: string;
  status: 'delivered' | 'rejected';
  reason: RejectReason | null;
  outcome: 'settled' | 'not-a-verdict' | 'digest-mismatch' | 'not-yet-sent';
  superseded?: { receiptId: string | null; reason: RejectReason | null; at: Date | null };
}

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Messages not yet delivered by partner node, counting at most `limit` of them (for /metrics at each scrape): the
   * predicate is the partial index outbound_message_due's, so the cost follows what waits, never the log's size.
   */
  async waitingUpTo(limit: number): Promise<Map<string, number>> {
    const rows: Array<{ to_node: string; n: number }> = await this.dataSource.query(
      `SELECT to_node, count(*)::int AS n FROM (SELECT to_node FROM outbound_message WHERE state IN ('queued', 'sent') LIMIT $1) w GROUP BY to_node`,
      [limit],
    );
    return new Map(rows.map((r) => [r.to_node, r.n]));
  }

  /** Messages not yet delivered (queued, or sent and waiting for a receipt), by partner node. */
  async waitingByPartner(): Promise<Map<string, number>> {
    const rows: Array<{ to_node: string; n: number }> = await this.dataSource.query(
      `SELECT to_node, count(*)::int AS n FROM outbound_message WHERE state IN ('queued', 'sent') GROUP BY to_node`,
    );
    return new Map(rows.map((r) => [r.to_node, r.n]));
  }

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
   * Deletes sealed personal data from what this node sent (see SealedScope): the envelope loses its `sealed` part, the
   * signed bytes that carry it and this node's own copy go (the digest stays as evidence); a message not yet delivered
   * is not sent any more. Returns how many.
   */
  async purgeSealed(scope: SealedScope, now: Date, tx: EntityManager): Promise<number> {
    const due =
      'caseRef' in scope
        ? { sql: `SELECT o.id FROM outbound_message o WHERE ${OUTBOUND_SEALED} AND o.case_ref = $2`, params: [scope.caseRef] }
        : {
            sql: `SELECT o.id FROM outbound_message o LEFT JOIN case_file c ON c.case_ref = o.case_ref
                  WHERE ${OUTBOUND_SEALED} AND (c.closed_at < $2 OR (c.id IS NULL AND o.created_at < $2))
                  ORDER BY o.created_at LIMIT $3 FOR UPDATE OF o SKIP LOCKED`,
            params: [scope.endedBefore, scope.limit],
          };
    return affected(
      await tx.query(
        `WITH due AS (${due.sql})
         UPDATE outbound_message m SET envelope = jsonb_set(m.envelope, '{sealed}', 'null'), jws = NULL, sealed_at_rest = NULL, purged_at = $1,
           ${STOP_SENDING('$1')}
         FROM due WHERE m.id = due.id`,
        [now, ...due.params],
      ),
    );
  }

  /**
   * Reduces messages sent to tombstones (see TombstoneScope and FRAME): this node's own copy of what it sealed goes
   * too, and a message not yet delivered is not sent any more. Of the log's retention, a message still waiting to go
   * and the directory in force at a partner stay whole. Returns how many.
   */
  async tombstone(scope: TombstoneScope, now: Date, tx: EntityManager): Promise<number> {
    const due =
      'caseRefs' in scope
        ? {
            sql: `SELECT o.id FROM outbound_message o WHERE o.case_ref = ANY($2::text[]) AND o.tombstoned_at IS NULL AND o.type <> ALL($3::text[]) FOR UPDATE OF o`,
            params: [scope.caseRefs, scope.keepTypes],
          }
        : {
            sql: `SELECT o.id FROM outbound_message o
                  WHERE o.tombstoned_at IS NULL AND o.created_at < $2 AND o.state NOT IN ('queued', 'sent')
                    AND NOT ${OPEN_CASE('o')} AND NOT ${CURRENT_REGISTRY_UPDATE}
                  ORDER BY o.created_at LIMIT $3 FOR UPDATE OF o SKIP LOCKED`,
            params: [scope.storedBefore, scope.limit],
          };
    return affected(
      await tx.query(
        `WITH due AS (${due.sql})
         UPDATE outbound_message m SET envelope = ${FRAME('m.envelope')}, jws = NULL, sealed_at_rest = NULL,
           purged_at = CASE WHEN m.envelope->>'sealed' IS NOT NULL OR m.sealed_at_rest IS NOT NULL THEN $1::timestamptz ELSE m.purged_at END,
           ${STOP_SENDING('$1')}, tombstoned_at = $1
         FROM due WHERE m.id = due.id`,
        [now, ...due.params],
      ),
    );
  }

  /**
   * Messages the partner's broker confirmed and not audited yet, oldest first. Rows another transaction holds (a
   * resend, a receipt settling them) are skipped and audited on a later pass.
   */
  async unaudited(limit: number, tx: EntityManager): Promise<SentMessageRow[]> {
    const rows: Array<{ id: string; type: string; to_node: string; case_ref: string; digest: string | null; sent_at: Date }> = await tx.query(
      `SELECT o.id, o.type, o.to_node, o.case_ref, o.digest, o.sent_at FROM outbound_message o
       WHERE o.sent_at IS NOT NULL AND o.audited_at IS NULL
       ORDER BY o.sent_at, o.id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, type: r.type, toNode: r.to_node, caseRef: r.case_ref, digest: r.digest, sentAt: r.sent_at }));
  }

  async markAudited(ids: string[], at: Date, tx: EntityManager): Promise<void> {
    if (ids.length) await tx.query(`UPDATE outbound_message SET audited_at = $2 WHERE id = ANY($1::uuid[])`, [ids, at]);
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
    await tx.query(`UPDATE outbound_message SET state = 'undeliverable', next_attempt_at = NULL, settled_at = $2 WHERE id = ANY($1::uuid[])`, [ids, now]);
  }

  /**
   * Applies receipts, in order, to the messages they answer (profile rev. 2, one verdict per id): the first delivered
   * receipt that names the digest of the bytes sent settles a message, even after a rejected one; a rejection settles
   * it only while nothing did, and only if it is a verdict. The rows are locked first: one a relay pass holds is read
   * once that pass has recorded the bytes it sent. A rejection that is no verdict is reported once per receipt.
   */
  async settle(outcomes: ReceiptOutcome[], now: Date, tx: EntityManager): Promise<SettleResult[]> {
    if (!outcomes.length) return [];
    const rows: Array<{
      id: string;
      case_ref: string;
      type: string;
      to_node: string;
      created_at: Date;
      state: 'queued' | 'sent' | 'rejected';
      digest: string | null;
      receipt_id: string | null;
      reject_reason: RejectReason | null;
      settled_at: Date | null;
      noted: string[];
    }> = await tx.query(
      `SELECT o.id, o.case_ref, o.type, o.to_node, o.created_at, o.state, o.digest, o.receipt_id, o.reject_reason, o.settled_at,
         ARRAY(SELECT t.detail->>'receipt' FROM timeline_event t WHERE t.message_id = o.id AND t.kind = 'rejected') AS noted
       FROM outbound_message o WHERE o.id = ANY($1::uuid[]) AND o.state IN ('queued', 'sent', 'rejected')
       ORDER BY o.id FOR UPDATE OF o`,
      [[...new Set(outcomes.map((o) => o.ref))]],
    );
    const open = new Map(rows.map((r) => [r.id, r]));
    const results: SettleResult[] = [];
    const settled = new Map<string, ReceiptOutcome>();
    for (const o of outcomes) {
      const m = open.get(o.ref);
      if (!m || (m.state === 'rejected' && o.status === 'rejected')) continue;
      const result = {
        id: m.id,
        caseRef: m.case_ref,
        type: m.type,
        toNode: m.to_node,
        createdAt: m.created_at,
        receiptId: o.receiptId,
        status: o.status,
        reason: o.reason,
      };
      if (m.digest !== o.digest) results.push({ ...result, outcome: m.digest === null ? 'not-yet-sent' : 'digest-mismatch' });
      else if (o.status === 'rejected' && o.reason && NOT_A_VERDICT.includes(o.reason)) {
        if (m.noted.includes(o.receiptId)) continue; // applied again: a repeated receipt
        m.noted.push(o.receiptId);
        results.push({ ...result, outcome: 'not-a-verdict' });
      } else {
        const superseded = m.state === 'rejected' ? { receiptId: m.receipt_id, reason: m.reject_reason, at: m.settled_at } : undefined;
        results.push({ ...result, outcome: 'settled', ...(superseded ? { superseded } : {}) });
        settled.set(m.id, o);
        if (o.status === 'delivered') open.delete(m.id);
        else Object.assign(m, { state: 'rejected', receipt_id: o.receiptId, reject_reason: o.reason, settled_at: now });
      }
    }
    const done = [...settled.values()];
    if (done.length) {
      await tx.query(
        `UPDATE outbound_message AS o SET state = v.status, reject_reason = v.reason, receipt_id = v.receipt_id, settled_at = $5,
           next_attempt_at = NULL
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) AS v(ref, status, reason, receipt_id)
         WHERE o.id = v.ref`,
        [done.map((o) => o.ref), done.map((o) => o.status), done.map((o) => o.reason), done.map((o) => o.receiptId), now],
      );
    }
    return results;
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
  { name: 'trace_context', type: 'jsonb', value: (m) => m.traceContext },
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
  trace_context: OutboundMessage['traceContext'];
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
    traceContext: r.trace_context,
  });
}
