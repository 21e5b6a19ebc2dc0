import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

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
 * The retention job's lock and its SQL on the case tables (the messages' goes through MessageLog). Every batch picks
 * its rows with FOR UPDATE SKIP LOCKED (a row the relay or a case update holds is left for the next run) and writes
 * conditions that make a second pass over the same row a no-op.
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

  /** Up to `limit` cases that ended before `endedBefore` whose coded data (or the evidence an erasure kept) is still there, locked. */
  async endedCases(endedBefore: Date, limit: number, tx: EntityManager): Promise<string[]> {
    const rows: Array<{ case_ref: string }> = await tx.query(
      `SELECT case_ref FROM case_file WHERE closed_at < $1 AND (purged_at IS NULL OR consent IS NOT NULL) ORDER BY closed_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [endedBefore, limit],
    );
    return rows.map((r) => r.case_ref);
  }

  /** The cases' deadlines and escalations go. */
  async dropDeadlines(refs: string[], tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM escalation WHERE case_ref = ANY($1::text[])`, [refs]);
    await tx.query(`DELETE FROM expectation WHERE case_ref = ANY($1::text[])`, [refs]);
  }

  /** The case rows become tombstones: consent and purpose go; `purged_at` keeps the time of an earlier erasure. */
  async reduceCases(refs: string[], now: Date, tx: EntityManager): Promise<void> {
    await tx.query(`UPDATE case_file SET consent = NULL, purpose = NULL, purged_at = COALESCE(purged_at, $2) WHERE case_ref = ANY($1::text[])`, [refs, now]);
  }

  /** The case's purpose goes; its consent record stays as evidence until the case's retention ends. */
  async markErased(caseRef: string, now: Date, tx: EntityManager): Promise<void> {
    await tx.query(`UPDATE case_file SET purpose = NULL, purged_at = $2 WHERE case_ref = $1`, [caseRef, now]);
  }
}
