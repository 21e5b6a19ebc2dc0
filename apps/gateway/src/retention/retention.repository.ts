import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { affected } from '../database/affected';
import { STOP_SENDING } from '../message-log/outbox.repository';

/** A connection holding this node's retention lock; each batch runs on it in a transaction of its own. */
export interface RetentionSession {
  batch<T>(work: (tx: EntityManager) => Promise<T>): Promise<T>;
}

/** What one batch changed, and whether there may be more of the same due. */
export interface BatchResult {
  count: number;
  more: boolean;
  /** Messages the batch reduced along with its cases (case data only). */
  messages?: number;
}

const LOCK = `hashtext('trm-gateway:retention:' || current_schema())`;

/**
 * What a message keeps once it is reduced to its tombstone: the routing frame of its envelope (profile, id, type,
 * from, to, the two role addresses, caseRef, inReplyTo, createdAt, expiresAt) with body and sealed part null. The row's
 * own columns keep the digest, status or state, reject reason and receipt id; every JWS goes.
 */
const FRAME = (e: string) =>
  `jsonb_build_object('profile', ${e}->'profile', 'id', ${e}->'id', 'type', ${e}->'type', 'from', ${e}->'from', 'to', ${e}->'to',
     'sender', ${e}->'sender', 'recipient', ${e}->'recipient', 'caseRef', ${e}->'caseRef', 'inReplyTo', ${e}->'inReplyTo',
     'createdAt', ${e}->'createdAt', 'expiresAt', ${e}->'expiresAt', 'body', NULL, 'sealed', NULL)`;

/** A message whose case is still open (not ended: closed_at unset) is kept, whatever its age. */
const OPEN_CASE = (alias: string) => `EXISTS (SELECT 1 FROM case_file c WHERE c.case_ref = ${alias}.case_ref AND c.closed_at IS NULL)`;

/**
 * The newest registry.update this node sent to a partner (and not given up) is the directory in force there; the
 * publisher reads its version to know what the partner has, so it stays whole.
 */
const CURRENT_REGISTRY_UPDATE = `(o.type = 'registry.update' AND o.state <> 'undeliverable' AND NOT EXISTS (
     SELECT 1 FROM outbound_message n WHERE n.type = 'registry.update' AND n.to_node = o.to_node AND n.state <> 'undeliverable' AND n.seq > o.seq))`;

/**
 * The retention job's SQL. Every batch picks its rows with FOR UPDATE SKIP LOCKED (a row the relay or a case update
 * holds is left for the next run) and writes conditions that make a second pass over the same row a no-op.
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `work` holding this node's retention lock (a session advisory lock): replicas of the node run the job one
   * after another, never side by side. Waits while another replica holds it.
   */
  async exclusive<T>(work: (session: RetentionSession) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(${LOCK})`);
      try {
        return await work({
          batch: async (fn) => {
            await runner.startTransaction();
            try {
              const result = await fn(runner.manager);
              await runner.commitTransaction();
              return result;
            } catch (err) {
              await runner.rollbackTransaction().catch(() => undefined);
              throw err;
            }
          },
        });
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(${LOCK})`);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Coded data of up to `limit` cases that ended before `endedBefore`: every message of the case becomes a tombstone,
   * its deadlines and escalations go, and so do its consent and purpose. The case row stays as a tombstone (caseRef,
   * direction, partner, roles, state, created, changed and closed dates, `purged_at`). A case erased when consent was
   * withdrawn for everything (eraseCase) is taken too: the evidence it kept goes now — its consent record, the
   * withdrawal and purge.confirmed (tombstones from here on), this node's stored receipts — and `purged_at` stays the
   * time of the erasure.
   */
  async purgeCaseData(endedBefore: Date, now: Date, limit: number, tx: EntityManager): Promise<Required<BatchResult>> {
    const rows: Array<{ case_ref: string }> = await tx.query(
      `SELECT case_ref FROM case_file WHERE closed_at < $1 AND (purged_at IS NULL OR consent IS NOT NULL) ORDER BY closed_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [endedBefore, limit],
    );
    if (!rows.length) return { count: 0, messages: 0, more: false };
    const refs = rows.map((r) => r.case_ref);
    const messages = await this.tombstoneCases(refs, now, tx, { keepReceipts: false, keepTypes: [] });
    await tx.query(`UPDATE inbound_message SET receipt_jws = NULL WHERE case_ref = ANY($1::text[]) AND receipt_jws IS NOT NULL`, [refs]);
    await tx.query(`UPDATE case_file SET consent = NULL, purpose = NULL, purged_at = COALESCE(purged_at, $2) WHERE case_ref = ANY($1::text[])`, [refs, now]);
    return { count: refs.length, messages, more: refs.length === limit };
  }

  /**
   * Consent withdrawn for everything (`share-coded`): the case's coded data goes now, as purgeCaseData would delete it
   * at the end of its retention. What stays is the evidence: the case's consent record (when it was given and
   * withdrawn), the signed withdrawal and its purge.confirmed whole (dates and scopes, nothing of the person), and this
   * node's receipts, which rule 7 sends again to a resent copy (ids and a digest) — until purgeCaseData takes the case
   * at the end of its retention. Returns how many messages became tombstones.
   */
  async eraseCase(caseRef: string, now: Date, tx: EntityManager): Promise<number> {
    const messages = await this.tombstoneCases([caseRef], now, tx, { keepReceipts: true, keepTypes: ['consent.withdrawn', 'purge.confirmed'] });
    await tx.query(`UPDATE case_file SET purpose = NULL, purged_at = $2 WHERE case_ref = $1`, [caseRef, now]);
    return messages;
  }

  /** Every message of the cases becomes a tombstone; their deadlines and escalations go. */
  private async tombstoneCases(refs: string[], now: Date, tx: EntityManager, options: { keepReceipts: boolean; keepTypes: string[] }): Promise<number> {
    const inbound = affected(
      await tx.query(
        `WITH due AS (SELECT i.id FROM inbound_message i WHERE i.case_ref = ANY($1::text[]) AND i.tombstoned_at IS NULL AND i.type <> ALL($3::text[]) FOR UPDATE OF i)
         ${TOMBSTONE_INBOUND('$2', options)}`,
        [refs, now, options.keepTypes],
      ),
    );
    const outbound = affected(
      await tx.query(
        `WITH due AS (SELECT o.id FROM outbound_message o WHERE o.case_ref = ANY($1::text[]) AND o.tombstoned_at IS NULL AND o.type <> ALL($3::text[]) FOR UPDATE OF o)
         ${TOMBSTONE_OUTBOUND('$2')}`,
        [refs, now, options.keepTypes],
      ),
    );
    await tx.query(`DELETE FROM escalation WHERE case_ref = ANY($1::text[])`, [refs]);
    await tx.query(`DELETE FROM expectation WHERE case_ref = ANY($1::text[])`, [refs]);
    return inbound + outbound;
  }

  /**
   * The message log: messages (receipts and registry updates too) stored before `storedBefore` whose case is not open
   * become tombstones. A message still waiting to go and the directory in force at a partner stay whole.
   */
  async purgeMessageLog(storedBefore: Date, now: Date, limit: number, tx: EntityManager): Promise<BatchResult> {
    const inbound = affected(
      await tx.query(
        `WITH due AS (
           SELECT i.id FROM inbound_message i
           WHERE i.tombstoned_at IS NULL AND i.received_at < $1 AND NOT ${OPEN_CASE('i')}
           ORDER BY i.received_at LIMIT $2 FOR UPDATE OF i SKIP LOCKED)
         ${TOMBSTONE_INBOUND('$3')}`,
        [storedBefore, limit, now],
      ),
    );
    const outbound = affected(
      await tx.query(
        `WITH due AS (
           SELECT o.id FROM outbound_message o
           WHERE o.tombstoned_at IS NULL AND o.created_at < $1 AND o.state NOT IN ('queued', 'sent')
             AND NOT ${OPEN_CASE('o')} AND NOT ${CURRENT_REGISTRY_UPDATE}
           ORDER BY o.created_at LIMIT $2 FOR UPDATE OF o SKIP LOCKED)
         ${TOMBSTONE_OUTBOUND('$3')}`,
        [storedBefore, limit, now],
      ),
    );
    return { count: inbound + outbound, more: inbound === limit || outbound === limit };
  }
}

/** Reduces the inbound messages of the CTE `due` to tombstones; `now` names the parameter with the time. */
const TOMBSTONE_INBOUND = (now: string, options = { keepReceipts: false }) =>
  `UPDATE inbound_message m SET envelope = ${FRAME('m.envelope')}, jws = NULL, ${options.keepReceipts ? '' : 'receipt_jws = NULL,'}
     purged_at = CASE WHEN m.envelope->>'sealed' IS NOT NULL THEN ${now}::timestamptz ELSE m.purged_at END, tombstoned_at = ${now}
   FROM due WHERE m.id = due.id`;

const TOMBSTONE_OUTBOUND = (now: string) =>
  `UPDATE outbound_message m SET envelope = ${FRAME('m.envelope')}, jws = NULL, sealed_at_rest = NULL,
     purged_at = CASE WHEN m.envelope->>'sealed' IS NOT NULL OR m.sealed_at_rest IS NOT NULL THEN ${now}::timestamptz ELSE m.purged_at END,
     ${STOP_SENDING(now)}, tombstoned_at = ${now}
   FROM due WHERE m.id = due.id`;
