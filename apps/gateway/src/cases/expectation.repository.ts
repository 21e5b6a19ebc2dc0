import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Column, bulkInsert } from '../database/bulk-insert';
import { KeysetPage, keyset } from '../database/keyset';
import { Escalation, Expectation, ExpectationKind, MET_BY } from './expectation.entity';

/** An alert with the deadline it is about. */
export type Alert = Escalation & { deadline: Expectation };

/**
 * `e` is a deadline this node owes, and an answer that meets it, made before it was due, is still on its way (queued
 * or sent, no receipt yet): it will be met in time once the answer arrives, so it is neither overdue nor escalated
 * meanwhile. An answer rejected or undeliverable does not count.
 */
const ANSWER_ON_ITS_WAY = `e.owed_by = 'us' AND EXISTS (SELECT 1 FROM outbound_message o WHERE o.case_ref = e.case_ref
  AND o.state IN ('queued', 'sent') AND o.created_at <= e.due_at AND (${Object.entries(MET_BY)
    .map(([kind, types]) => `(e.kind = '${kind}' AND o.type IN (${types.map((t) => `'${t}'`).join(', ')}))`)
    .join(' OR ')}))`;

/** `e` passed its deadline (`:now`) and is not met: missed (escalated), or open and due — unless ANSWER_ON_ITS_WAY. */
export const OVERDUE = `(e.status = 'missed' OR (e.status = 'open' AND e.due_at <= :now AND NOT (${ANSWER_ON_ITS_WAY})))`;

@Injectable()
export class ExpectationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async add(expectations: Expectation[], tx: EntityManager): Promise<void> {
    await bulkInsert(tx, 'expectation', EXPECTATION_COLUMNS, expectations);
  }

  /** Marks the open or missed expectations of `kinds` met by `message`, made `at`. */
  async meet(caseRef: string, kinds: ExpectationKind[], message: string, at: Date, tx: EntityManager): Promise<void> {
    await tx.update(
      Expectation,
      { caseRef, kind: In(kinds), status: In(['open', 'missed']) },
      { status: 'met', settledAt: at, settledBy: message, nextEscalationAt: null },
    );
  }

  /** The case moved on: what it waited for (in time or already overdue) is no longer expected; escalations stay on record. */
  async cancel(caseRef: string, kinds: ExpectationKind[] | 'all', at: Date, tx: EntityManager): Promise<void> {
    await tx.update(
      Expectation,
      { caseRef, status: In(['open', 'missed']), ...(kinds === 'all' ? {} : { kind: In(kinds) }) },
      { status: 'cancelled', settledAt: at, nextEscalationAt: null },
    );
  }

  /**
   * Runs `work` on expectations whose next escalation is due, inside one transaction holding their row locks: a
   * replica of this node skips them, so no escalation happens twice.
   */
  async withDue<T>(now: Date, limit: number, work: (due: Expectation[], tx: EntityManager) => Promise<T>): Promise<T | null> {
    return this.dataSource.transaction(async (tx) => {
      const due = await tx
        .getRepository(Expectation)
        .createQueryBuilder('e')
        .where('e.next_escalation_at <= :now', { now })
        .orderBy('e.next_escalation_at')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      return due.length ? work(due, tx) : null;
    });
  }

  /**
   * Runs `work` on the open deadlines this node owes that are near and whose owner was not told yet, holding their row
   * locks (see `withDue`). Near: `warningMs` before the deadline, or half-way to it when it was set closer than twice
   * that; not yet passed (a passed one is escalated instead).
   */
  async withNear<T>(now: Date, warningMs: number, limit: number, work: (near: Expectation[], tx: EntityManager) => Promise<T>): Promise<T | null> {
    return this.dataSource.transaction(async (tx) => {
      const near = await tx
        .getRepository(Expectation)
        .createQueryBuilder('e')
        .where(`e.status = 'open' AND e.owed_by = 'us' AND e.reminded_at IS NULL AND e.due_at > :now AND e.due_at <= :until`, {
          now,
          until: new Date(now.getTime() + warningMs),
        })
        .andWhere(`e.due_at - LEAST(make_interval(secs => :warning), (e.due_at - e.created_at) / 2) <= :now`, { warning: warningMs / 1000 })
        .orderBy('e.due_at')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      return near.length ? work(near, tx) : null;
    });
  }

  async markReminded(ids: string[], at: Date, tx: EntityManager): Promise<void> {
    if (ids.length) await tx.query(`UPDATE expectation SET reminded_at = $2 WHERE id = ANY($1::uuid[])`, [ids, at]);
  }

  /** Of the deadlines `ids`, those this node owes with an answer made in time still on its way (ANSWER_ON_ITS_WAY). */
  async answerOnItsWay(ids: string[], tx: EntityManager): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: Array<{ id: string }> = await tx.query(`SELECT e.id FROM expectation e WHERE e.id = ANY($1::uuid[]) AND ${ANSWER_ON_ITS_WAY}`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Not escalated now: looked at again by the first check after `at`. */
  async postpone(ids: string[], at: Date, tx: EntityManager): Promise<void> {
    if (ids.length) await tx.query(`UPDATE expectation SET next_escalation_at = $2 WHERE id = ANY($1::uuid[])`, [ids, at]);
  }

  /** Escalated once, never again: missed, one step further, nothing more scheduled. */
  async markMissed(ids: string[], tx: EntityManager): Promise<void> {
    if (ids.length)
      await tx.query(`UPDATE expectation SET status = 'missed', escalation_step = escalation_step + 1, next_escalation_at = NULL WHERE id = ANY($1::uuid[])`, [
        ids,
      ]);
  }

  /** Records an escalation once: a repeat of the same step, action and target is ignored. */
  async escalate(escalation: Escalation, tx: EntityManager): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO escalation (id, expectation_id, case_ref, step, at, action, target, message_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (expectation_id, step, action, target) DO NOTHING RETURNING id`,
      [escalation.id, escalation.expectationId, escalation.caseRef, escalation.step, escalation.at, escalation.action, escalation.target, escalation.messageId],
    );
    return rows.length > 0;
  }

  forCase(caseRef: string): Promise<Expectation[]> {
    return this.dataSource.getRepository(Expectation).find({ where: { caseRef }, order: { createdAt: 'ASC' } });
  }

  escalationsForCase(caseRef: string): Promise<Escalation[]> {
    return this.dataSource.getRepository(Escalation).find({ where: { caseRef }, order: { at: 'ASC' } });
  }

  /**
   * Deadlines passed and not met: missed (escalated), or open and due but not yet looked at — unless this node's answer
   * made in time is on its way; the longest overdue first.
   */
  overdue(now: Date, page: KeysetPage): Promise<Expectation[]> {
    const q = this.dataSource.getRepository(Expectation).createQueryBuilder('e').where(OVERDUE, { now });
    return keyset(q, ['e.due_at', 'e.id'], 'ASC', page).getMany();
  }

  /** When the answer this node owes for each of the messages `causes` is due (deadlines open or missed they set). */
  async owedFor(causes: string[]): Promise<Map<string, Date>> {
    const due = new Map<string, Date>();
    for (const x of await this.owedDeadlines(causes, this.dataSource.manager)) if (!due.has(x.cause!)) due.set(x.cause!, x.dueAt);
    return due;
  }

  /** The deadlines open or missed this node owes for the messages `causes`, soonest first (in `tx`, for what it just set). */
  async owedDeadlines(causes: string[], tx: EntityManager): Promise<Expectation[]> {
    if (!causes.length) return [];
    return tx.getRepository(Expectation).find({ where: { cause: In(causes), owedBy: 'us', status: In(['open', 'missed']) }, order: { dueAt: 'ASC' } });
  }

  async escalationsOf(expectationIds: string[]): Promise<Escalation[]> {
    if (!expectationIds.length) return [];
    return this.dataSource.getRepository(Escalation).find({ where: { expectationId: In(expectationIds) }, order: { at: 'ASC' } });
  }

  /** Alerts addressed to one of `roles` (every role when null), newest first, each with the deadline it is about. */
  alerts(roles: string[] | null, page: KeysetPage): Promise<Alert[]> {
    const q = this.dataSource
      .getRepository(Escalation)
      .createQueryBuilder('e')
      .innerJoinAndMapOne('e.deadline', Expectation, 'x', 'x.id = e.expectation_id')
      .where(`e.action = 'alert'`);
    if (roles) q.andWhere('e.target = ANY(:roles)', { roles });
    return keyset(q, ['e.at', 'e.id'], 'DESC', page).getMany() as Promise<Alert[]>;
  }
}

const EXPECTATION_COLUMNS: Column<Expectation>[] = [
  { name: 'id', type: 'uuid', value: (x) => x.id },
  { name: 'case_ref', type: 'text', value: (x) => x.caseRef },
  { name: 'kind', type: 'text', value: (x) => x.kind },
  { name: 'owed_by', type: 'text', value: (x) => x.owedBy },
  { name: 'due_at', type: 'timestamptz', value: (x) => x.dueAt },
  { name: 'status', type: 'text', value: (x) => x.status },
  { name: 'created_at', type: 'timestamptz', value: (x) => x.createdAt },
  { name: 'cause', type: 'uuid', value: (x) => x.cause },
  { name: 'escalation_step', type: 'int', value: (x) => x.escalationStep },
  { name: 'next_escalation_at', type: 'timestamptz', value: (x) => x.nextEscalationAt },
];
