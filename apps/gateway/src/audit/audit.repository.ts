import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChainEntry, ChainResult, ChainVerifier, isoFromPostgres } from './audit-chain';
import { AuditEntry } from './audit-entry.entity';

/** Runs one SQL statement and answers its rows: TypeORM's `tx.query`, or a pg client's `query(…).rows`. */
export type SqlQuery = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Serialises writers of the chain until `tx` ends: every writer of this node's schema — other requests, the message
   * auditor, other replicas — takes this lock before reading the head, so the chain stays one line.
   */
  async lockChain(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('trm-gateway:audit:' || current_schema()))`);
  }

  /** The last entry's seq and hash; null while the log is empty. Call with the chain locked. */
  async head(tx: EntityManager): Promise<{ seq: number; hash: string } | null> {
    const rows: Array<{ seq: string; hash: string }> = await tx.query(`SELECT seq::text AS seq, hash FROM audit_entry ORDER BY audit_entry.seq DESC LIMIT 1`);
    return rows.length ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
  }

  async append(entries: AuditEntry[], tx: EntityManager): Promise<void> {
    if (!entries.length) return;
    await tx.query(
      `INSERT INTO audit_entry (seq, at, actor, action, case_ref, subject, detail, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[])`,
      [
        entries.map((e) => e.seq),
        entries.map((e) => e.at),
        entries.map((e) => e.actor),
        entries.map((e) => e.action),
        entries.map((e) => e.caseRef),
        entries.map((e) => e.subject),
        entries.map((e) => (e.detail === null ? null : JSON.stringify(e.detail))),
        entries.map((e) => e.prevHash),
        entries.map((e) => e.hash),
      ],
    );
  }

  /** Checks the whole chain inside one read-only snapshot, so appends meanwhile are not half seen. */
  verify(pageSize?: number): Promise<ChainResult> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      return verifyChainPages((sql, params) => tx.query(sql, params), pageSize);
    });
  }

  /** Entries after `afterSeq`, in seq order, for reading the chain page by page. */
  page(afterSeq: number, limit: number): Promise<Array<ChainEntry & { at: string }>> {
    return chainPage((sql, params) => this.dataSource.query(sql, params), afterSeq, limit);
  }
}

/**
 * Entries after `afterSeq` in seq order, with `at` exactly as stored (microseconds included), so that a changed time
 * is noticed too. Shared with `trmctl audit verify`, which reads with a plain pg client.
 */
export async function chainPage(query: SqlQuery, afterSeq: number, limit: number): Promise<Array<ChainEntry & { at: string }>> {
  const rows = (await query(
    `SELECT seq::text AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, actor, action,
            case_ref, subject, detail, prev_hash, hash
     FROM audit_entry WHERE audit_entry.seq > $1 ORDER BY audit_entry.seq LIMIT $2`,
    [afterSeq, limit],
  )) as Array<{
    seq: string;
    at: string;
    actor: string;
    action: string;
    case_ref: string | null;
    subject: string | null;
    detail: ChainEntry['detail'];
    prev_hash: string;
    hash: string;
  }>;
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: isoFromPostgres(r.at),
    actor: r.actor,
    action: r.action,
    caseRef: r.case_ref,
    subject: r.subject,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}

/** How many entries the check reads at a time: a long log never sits in memory whole. */
export const VERIFY_PAGE = 5_000;

/**
 * Reads the chain page by page in seq order and checks it: where it first breaks, or how many entries it holds and
 * the last one's hash. The one check behind `GET /v1/audit/verification` and `trmctl audit verify`; run it inside one
 * snapshot.
 */
export async function verifyChainPages(query: SqlQuery, pageSize = VERIFY_PAGE): Promise<ChainResult> {
  const verifier = new ChainVerifier();
  for (let after = 0; ;) {
    const page = await chainPage(query, after, pageSize);
    let going = true;
    for (const entry of page) if (!(going = verifier.push(entry))) break;
    if (!going || page.length < pageSize) break;
    after = page[page.length - 1].seq;
  }
  return verifier.result();
}
