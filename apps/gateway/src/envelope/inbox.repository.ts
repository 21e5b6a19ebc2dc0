import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, LessThan, Not } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { InboundMessage } from './inbound-message.entity';

@Injectable()
export class InboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stored messages among `ids` (rule 7), with the receipt to send again. */
  async findStored(ids: string[]): Promise<Map<string, Pick<InboundMessage, 'id' | 'fromNode' | 'receiptJws'>>> {
    if (!ids.length) return new Map();
    const rows = await this.dataSource
      .getRepository(InboundMessage)
      .find({ select: { id: true, fromNode: true, receiptJws: true }, where: { id: In(ids) } });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Inserts what is not stored yet; returns the ids this call stored (another replica may have won a race). */
  async addNew(messages: InboundMessage[], tx: EntityManager): Promise<Set<string>> {
    if (!messages.length) return new Set();
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(InboundMessage)
      .values(messages as QueryDeepPartialEntity<InboundMessage>[])
      .orIgnore()
      .returning(['id'])
      .execute();
    return new Set((result.raw as Array<{ id: string }>).map((r) => r.id));
  }

  /** What arrived for this node, newest first. Receipts are acknowledgement plumbing and stay out. */
  list(limit: number, receivedBefore?: Date): Promise<InboundMessage[]> {
    return this.dataSource.getRepository(InboundMessage).find({
      where: { type: Not('receipt'), ...(receivedBefore ? { receivedAt: LessThan(receivedBefore) } : {}) },
      order: { receivedAt: 'DESC' },
      take: limit,
    });
  }

  findById(id: string): Promise<InboundMessage | null> {
    return this.dataSource.getRepository(InboundMessage).findOneBy({ id });
  }
}
