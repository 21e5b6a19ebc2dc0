import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Column, bulkInsert } from '../database/bulk-insert';
import { Handover } from './handover.entity';

@Injectable()
export class HandoverRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async add(handovers: Handover[], tx: EntityManager): Promise<void> {
    await bulkInsert(tx, 'handover', HANDOVER_COLUMNS, handovers);
  }

  /** Handovers partners sent; a repeated case reference keeps the first. */
  async addIncoming(handovers: Handover[], tx: EntityManager): Promise<void> {
    await bulkInsert(tx, 'handover', HANDOVER_COLUMNS, handovers, 'ON CONFLICT DO NOTHING');
  }

  /** Cases this node's `role` is responsible for. */
  async openCases(role: string, tx: EntityManager): Promise<string[]> {
    const rows: Array<{ case_ref: string }> = await tx.query(`SELECT case_ref FROM handover WHERE our_role = $1 ORDER BY created_at`, [role]);
    return rows.map((r) => r.case_ref);
  }

  async moveCases(from: string, to: string, tx: EntityManager): Promise<void> {
    await tx.query(`UPDATE handover SET our_role = $2 WHERE our_role = $1`, [from, to]);
  }

  findById(id: string): Promise<Handover | null> {
    return this.dataSource.getRepository(Handover).findOneBy({ id });
  }
}

const HANDOVER_COLUMNS: Column<Handover>[] = [
  { name: 'id', type: 'uuid', value: (h) => h.id },
  { name: 'case_ref', type: 'text', value: (h) => h.caseRef },
  { name: 'direction', type: 'text', value: (h) => h.direction },
  { name: 'partner', type: 'text', value: (h) => h.partner },
  { name: 'sender', type: 'text', value: (h) => h.sender },
  { name: 'recipient', type: 'text', value: (h) => h.recipient },
  { name: 'purpose', type: 'text', value: (h) => h.purpose },
  { name: 'created_at', type: 'timestamptz', value: (h) => h.createdAt },
  { name: 'our_role', type: 'text', value: (h) => h.ourRole },
];
