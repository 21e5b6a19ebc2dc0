import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, LessThan, Not } from 'typeorm';
import { Column, bulkInsert } from '../database/bulk-insert';
import { InboundMessage } from './inbound-message.entity';

@Injectable()
export class InboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stored messages among `ids` (rule 7), with the receipt to send again. */
  async findStored(ids: string[]): Promise<Map<string, Pick<InboundMessage, 'id' | 'fromNode' | 'receiptJws'>>> {
    if (!ids.length) return new Map();
    const rows: Array<{ id: string; from_node: string; receipt_jws: string | null }> = await this.dataSource.query(
      'SELECT id, from_node, receipt_jws FROM inbound_message WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, fromNode: r.from_node, receiptJws: r.receipt_jws }]));
  }

  /** Inserts what is not stored yet; returns the ids this call stored (another replica may have won a race). */
  async addNew(messages: InboundMessage[], tx: EntityManager): Promise<Set<string>> {
    const rows = await bulkInsert(tx, 'inbound_message', INBOUND_COLUMNS, messages, 'ON CONFLICT (id) DO NOTHING RETURNING id');
    return new Set(rows.map((r) => r.id as string));
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

const INBOUND_COLUMNS: Column<InboundMessage>[] = [
  { name: 'id', type: 'uuid', value: (m) => m.id },
  { name: 'type', type: 'text', value: (m) => m.type },
  { name: 'from_node', type: 'text', value: (m) => m.fromNode },
  { name: 'case_ref', type: 'text', value: (m) => m.caseRef },
  { name: 'sender', type: 'text', value: (m) => m.sender },
  { name: 'recipient', type: 'text', value: (m) => m.recipient },
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
];
