import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Column, bulkInsert } from '../database/bulk-insert';
import { KeysetPage, keyset } from '../database/keyset';
import { CaseFile } from './case-file.entity';
import { CaseState, ENDED_STATES } from './case-states';
import { OVERDUE } from './expectation.repository';

@Injectable()
export class CaseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async add(cases: CaseFile[], tx: EntityManager): Promise<void> {
    await bulkInsert(tx, 'case_file', CASE_COLUMNS, cases);
  }

  /** Cases partners referred; a repeated case reference keeps the first. */
  async addIncoming(cases: CaseFile[], tx: EntityManager): Promise<void> {
    await bulkInsert(tx, 'case_file', CASE_COLUMNS, cases, 'ON CONFLICT DO NOTHING');
  }

  findById(id: string): Promise<CaseFile | null> {
    return this.dataSource.getRepository(CaseFile).findOneBy({ id });
  }

  findByRef(caseRef: string, tx?: EntityManager): Promise<CaseFile | null> {
    return (tx ?? this.dataSource.manager).getRepository(CaseFile).findOneBy({ caseRef });
  }

  /** The case, locked until the transaction ends: messages of one case apply one at a time, on every replica. */
  async lock(caseRef: string, tx: EntityManager): Promise<CaseFile | null> {
    return (await this.lockMany([caseRef], tx)).get(caseRef) ?? null;
  }

  /** The cases, locked until the transaction ends, in one order on every replica so that two batches never deadlock. */
  async lockMany(caseRefs: string[], tx: EntityManager): Promise<Map<string, CaseFile>> {
    if (!caseRefs.length) return new Map();
    const rows = await tx
      .getRepository(CaseFile)
      .createQueryBuilder('c')
      .where('c.case_ref IN (:...caseRefs)', { caseRefs: [...new Set(caseRefs)] })
      .orderBy('c.case_ref')
      .setLock('pessimistic_write')
      .getMany();
    return new Map(rows.map((c) => [c.caseRef, c]));
  }

  async findByRefs(caseRefs: string[], tx?: EntityManager): Promise<Map<string, CaseFile>> {
    if (!caseRefs.length) return new Map();
    const rows = await (tx ?? this.dataSource.manager)
      .getRepository(CaseFile)
      .createQueryBuilder('c')
      .where('c.case_ref IN (:...caseRefs)', { caseRefs })
      .getMany();
    return new Map(rows.map((c) => [c.caseRef, c]));
  }

  /**
   * Newest first (index case_file_created); with `roles`, cases one of them is responsible for or takes part in; with
   * `overdueAt`, cases with a deadline missed, or open and due by then (ExpectationRepository.overdue).
   */
  list(filter: { state?: CaseState; roles: string[] | null; partner?: string; overdueAt?: Date }, page: KeysetPage): Promise<CaseFile[]> {
    const q = this.dataSource.getRepository(CaseFile).createQueryBuilder('c');
    if (filter.state) q.andWhere('c.state = :state', { state: filter.state });
    if (filter.partner) q.andWhere('c.partner = :partner', { partner: filter.partner });
    if (filter.overdueAt) q.andWhere(`EXISTS (SELECT 1 FROM expectation e WHERE e.case_ref = c.case_ref AND ${OVERDUE})`, { now: filter.overdueAt });
    if (filter.roles) q.andWhere('(c.our_role = ANY(:roles) OR c.participants && :roles)', { roles: filter.roles });
    return keyset(q, ['c.created_at', 'c.id'], 'DESC', page).getMany();
  }

  /** Writes what a case's messages change: its state, its roles and participants, its consent. */
  async save(c: CaseFile, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE case_file SET state = $2, state_changed_at = $3, closed_at = $4, our_role = $5, partner_role = $6, participants = $7, consent = $8
       WHERE id = $1`,
      [c.id, c.state, c.stateChangedAt, c.closedAt, c.ourRole, c.partnerRole, c.participants, c.consent === null ? null : JSON.stringify(c.consent)],
    );
  }

  /** Cases that have not ended which this node's `role` is responsible for or takes part in. */
  async openCases(role: string, tx: EntityManager): Promise<string[]> {
    const rows: Array<{ case_ref: string }> = await tx.query(
      `SELECT case_ref FROM case_file WHERE (our_role = $1 OR $1 = ANY(participants)) AND state <> ALL($2::text[]) ORDER BY created_at, id`,
      [role, ENDED_STATES],
    );
    return rows.map((r) => r.case_ref);
  }

  /** A retired role's part in the cases that have not ended passes to its successor (ended cases keep their history). */
  async moveCases(from: string, to: string, tx: EntityManager): Promise<void> {
    const open = 'state <> ALL($3::text[])';
    await tx.query(`UPDATE case_file SET our_role = $2, participants = array_remove(participants, $2) WHERE our_role = $1 AND ${open}`, [
      from,
      to,
      ENDED_STATES,
    ]);
    await tx.query(
      `UPDATE case_file SET participants = CASE WHEN our_role = $2 OR $2 = ANY(participants) THEN array_remove(participants, $1) ELSE array_replace(participants, $1, $2) END
       WHERE $1 = ANY(participants) AND ${open}`,
      [from, to, ENDED_STATES],
    );
  }
}

const CASE_COLUMNS: Column<CaseFile>[] = [
  { name: 'id', type: 'uuid', value: (c) => c.id },
  { name: 'case_ref', type: 'text', value: (c) => c.caseRef },
  { name: 'direction', type: 'text', value: (c) => c.direction },
  { name: 'partner', type: 'text', value: (c) => c.partner },
  { name: 'sender', type: 'text', value: (c) => c.sender },
  { name: 'recipient', type: 'text', value: (c) => c.recipient },
  { name: 'purpose', type: 'text', value: (c) => c.purpose },
  { name: 'created_at', type: 'timestamptz', value: (c) => c.createdAt },
  { name: 'our_role', type: 'text', value: (c) => c.ourRole },
  { name: 'partner_role', type: 'text', value: (c) => c.partnerRole },
  { name: 'state', type: 'text', value: (c) => c.state },
  { name: 'state_changed_at', type: 'timestamptz', value: (c) => c.stateChangedAt },
  { name: 'consent', type: 'jsonb', value: (c) => c.consent },
];
