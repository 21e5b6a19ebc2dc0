import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Column, bulkInsert } from '../database/bulk-insert';
import { KeysetPage, keyset } from '../database/keyset';
import { affected } from '../database/affected';
import { InboundMessage } from './inbound-message.entity';
import { SealedScope } from './sealed-scope';
import { FRAME, OPEN_CASE, TombstoneScope } from './tombstone';

/** Which messages hold sealed data (the predicate matches a partial index of the retention migration). */
const INBOUND_SEALED = `i.envelope->>'sealed' IS NOT NULL`;

/** A message received (and answered with a receipt), as the auditor records it. */
export interface ReceivedMessageRow {
  id: string;
  type: string;
  fromNode: string;
  caseRef: string;
  status: 'delivered' | 'rejected';
  rejectReason: string | null;
  digest: string;
  receivedAt: Date;
}

@Injectable()
export class InboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Ids among `ids` this node has answered (rule 7), each with the receipt to send again (none for a receipt). */
  async findStored(ids: string[]): Promise<Map<string, string | null>> {
    if (!ids.length) return new Map();
    const rows: Array<{ id: string; receipt_jws: string | null }> = await this.dataSource.query(
      'SELECT id, receipt_jws FROM inbound_message WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.receipt_jws]));
  }

  /** Inserts what is not stored yet; returns the ids this call stored (another replica may have won a race). */
  async addNew(messages: InboundMessage[], tx: EntityManager): Promise<Set<string>> {
    const rows = await bulkInsert(tx, 'inbound_message', INBOUND_COLUMNS, messages, 'ON CONFLICT (id) DO NOTHING RETURNING id');
    return new Set(rows.map((r) => r.id as string));
  }

  /**
   * What arrived for this node, newest first (index inbound_message_inbox); with `recipients`, what is addressed to one
   * of them. Receipts and registry updates are plumbing and stay out.
   */
  list(filter: { recipients: string[] | null; receivedBefore?: Date }, page: KeysetPage): Promise<InboundMessage[]> {
    const q = this.dataSource.getRepository(InboundMessage).createQueryBuilder('i').where(`i.type NOT IN ('receipt', 'registry.update')`);
    if (filter.receivedBefore) q.andWhere('i.received_at < :before', { before: filter.receivedBefore });
    if (filter.recipients) q.andWhere('i.recipient = ANY(:recipients)', { recipients: filter.recipients });
    return keyset(q, ['i.received_at', 'i.id'], 'DESC', page).getMany();
  }

  /** Deletes sealed personal data received (see SealedScope); the digest of what was received stays as evidence. Returns how many. */
  async purgeSealed(scope: SealedScope, now: Date, tx: EntityManager): Promise<number> {
    const due =
      'caseRef' in scope
        ? { sql: `SELECT i.id FROM inbound_message i WHERE ${INBOUND_SEALED} AND i.case_ref = $2`, params: [scope.caseRef] }
        : {
            sql: `SELECT i.id FROM inbound_message i LEFT JOIN case_file c ON c.case_ref = i.case_ref
                  WHERE ${INBOUND_SEALED} AND (c.closed_at < $2 OR (c.id IS NULL AND i.received_at < $2))
                  ORDER BY i.received_at LIMIT $3 FOR UPDATE OF i SKIP LOCKED`,
            params: [scope.endedBefore, scope.limit],
          };
    return affected(
      await tx.query(
        `WITH due AS (${due.sql})
         UPDATE inbound_message m SET envelope = jsonb_set(m.envelope, '{sealed}', 'null'), jws = NULL, purged_at = $1
         FROM due WHERE m.id = due.id`,
        [now, ...due.params],
      ),
    );
  }

  /**
   * Reduces messages received to tombstones (see TombstoneScope and FRAME); with `keepReceipts`, this node's receipts
   * stay (rule 7 sends them again to a resent copy). Returns how many.
   */
  async tombstone(scope: TombstoneScope, now: Date, tx: EntityManager, options = { keepReceipts: false }): Promise<number> {
    const due =
      'caseRefs' in scope
        ? {
            sql: `SELECT i.id FROM inbound_message i WHERE i.case_ref = ANY($2::text[]) AND i.tombstoned_at IS NULL AND i.type <> ALL($3::text[]) FOR UPDATE OF i`,
            params: [scope.caseRefs, scope.keepTypes],
          }
        : {
            sql: `SELECT i.id FROM inbound_message i
                  WHERE i.tombstoned_at IS NULL AND i.received_at < $2 AND NOT ${OPEN_CASE('i')}
                  ORDER BY i.received_at LIMIT $3 FOR UPDATE OF i SKIP LOCKED`,
            params: [scope.storedBefore, scope.limit],
          };
    return affected(
      await tx.query(
        `WITH due AS (${due.sql})
         UPDATE inbound_message m SET envelope = ${FRAME('m.envelope')}, jws = NULL, ${options.keepReceipts ? '' : 'receipt_jws = NULL,'}
           purged_at = CASE WHEN m.envelope->>'sealed' IS NOT NULL THEN $1::timestamptz ELSE m.purged_at END, tombstoned_at = $1
         FROM due WHERE m.id = due.id`,
        [now, ...due.params],
      ),
    );
  }

  /** This node's receipts for the messages of the cases go (their ids and digests stay on the rows). */
  async dropReceipts(caseRefs: string[], tx: EntityManager): Promise<void> {
    await tx.query(`UPDATE inbound_message SET receipt_jws = NULL WHERE case_ref = ANY($1::text[]) AND receipt_jws IS NOT NULL`, [caseRefs]);
  }

  /** Messages received (and receipted) and not audited yet, oldest first. */
  async unaudited(limit: number, tx: EntityManager): Promise<ReceivedMessageRow[]> {
    const rows: Array<{
      id: string;
      type: string;
      from_node: string;
      case_ref: string;
      status: 'delivered' | 'rejected';
      reject_reason: string | null;
      digest: string;
      received_at: Date;
    }> = await tx.query(
      `SELECT i.id, i.type, i.from_node, i.case_ref, i.status, i.reject_reason, i.digest, i.received_at FROM inbound_message i
       WHERE i.audited_at IS NULL
       ORDER BY i.received_at, i.id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      fromNode: r.from_node,
      caseRef: r.case_ref,
      status: r.status,
      rejectReason: r.reject_reason,
      digest: r.digest,
      receivedAt: r.received_at,
    }));
  }

  async markAudited(ids: string[], at: Date, tx: EntityManager): Promise<void> {
    if (ids.length) await tx.query(`UPDATE inbound_message SET audited_at = $2 WHERE id = ANY($1::uuid[])`, [ids, at]);
  }

  findByCase(caseRef: string): Promise<InboundMessage[]> {
    return this.dataSource.getRepository(InboundMessage).find({ where: { caseRef }, order: { receivedAt: 'ASC' } });
  }

  /** Whether this node took (receipted delivered) a `type` message of the case answering `inReplyTo`. */
  async answered(caseRef: string, type: string, inReplyTo: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM inbound_message WHERE case_ref = $1 AND type = $2 AND status = 'delivered' AND in_reply_to = $3 LIMIT 1`,
      [caseRef, type, inReplyTo],
    );
    return rows.length > 0;
  }

  /** The id of the latest `type` message of the case that this node took (receipted delivered). */
  async latestDelivered(caseRef: string, type: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM inbound_message WHERE case_ref = $1 AND type = $2 AND status = 'delivered' ORDER BY received_at DESC LIMIT 1`,
      [caseRef, type],
    );
    return rows[0]?.id ?? null;
  }

  /** When the latest receipt from each partner node arrived. */
  async lastReceiptByPartner(): Promise<Map<string, Date>> {
    const rows: Array<{ from_node: string; at: Date }> = await this.dataSource.query(
      `SELECT from_node, max(received_at) AS at FROM inbound_message WHERE type = 'receipt' GROUP BY from_node`,
    );
    return new Map(rows.map((r) => [r.from_node, r.at]));
  }

  findById(id: string): Promise<InboundMessage | null> {
    return this.dataSource.getRepository(InboundMessage).findOneBy({ id });
  }
}

const INBOUND_COLUMNS: Column<InboundMessage>[] = [
  { name: 'id', type: 'uuid', value: (m) => m.id },
  { name: 'type', type: 'text', value: (m) => m.type },
  { name: 'from_node', type: 'text', value: (m) => m.fromNode },
  { name: 'case_ref', type: 'text', value: (m) => m.caseRef },
  { name: 'sender', type: 'text', value: (m) => m.sender },
  { name: 'recipient', type: 'text', value: (m) => m.recipient },
  { name: 'routed_to', type: 'text', value: (m) => m.routedTo },
  { name: 'in_reply_to', type: 'uuid', value: (m) => m.inReplyTo },
  { name: 'created_at', type: 'timestamptz', value: (m) => m.createdAt },
  { name: 'received_at', type: 'timestamptz', value: (m) => m.receivedAt },
  { name: 'envelope', type: 'jsonb', value: (m) => m.envelope },
  { name: 'jws', type: 'text', value: (m) => m.jws },
  { name: 'digest', type: 'text', value: (m) => m.digest },
  { name: 'kid', type: 'text', value: (m) => m.kid },
  { name: 'status', type: 'text', value: (m) => m.status },
  { name: 'reject_reason', type: 'text', value: (m) => m.rejectReason },
  { name: 'receipt_jws', type: 'text', value: (m) => m.receiptJws },
  { name: 'trace_context', type: 'jsonb', value: (m) => m.traceContext },
];
