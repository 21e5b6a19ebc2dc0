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
];
