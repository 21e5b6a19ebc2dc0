import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Handover } from './handover.entity';

@Injectable()
export class HandoverRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async add(handovers: Handover[], tx: EntityManager): Promise<void> {
    await tx.insert(Handover, handovers);
  }

  /** Handovers partners sent; a repeated case reference keeps the first. */
  async addIncoming(handovers: Handover[], tx: EntityManager): Promise<void> {
    if (handovers.length) await tx.createQueryBuilder().insert().into(Handover).values(handovers).orIgnore().execute();
  }

  findById(id: string): Promise<Handover | null> {
    return this.dataSource.getRepository(Handover).findOneBy({ id });
  }
}
