import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Column, bulkInsert } from '../database/bulk-insert';
import { TimelineEvent } from './timeline-event.entity';

export type NewTimelineEvent = Omit<TimelineEvent, 'id'>;

@Injectable()
export class TimelineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(events: NewTimelineEvent[], tx: EntityManager): Promise<void> {
    await bulkInsert(tx, 'timeline_event', TIMELINE_COLUMNS, events);
  }

  forMessage(messageId: string): Promise<TimelineEvent[]> {
    return this.dataSource.getRepository(TimelineEvent).find({ where: { messageId }, order: { at: 'ASC', id: 'ASC' } });
  }

  forCase(caseRef: string): Promise<TimelineEvent[]> {
    return this.dataSource.getRepository(TimelineEvent).find({ where: { caseRef }, order: { at: 'ASC', id: 'ASC' } });
  }
}

const TIMELINE_COLUMNS: Column<NewTimelineEvent>[] = [
  { name: 'case_ref', type: 'text', value: (e) => e.caseRef },
  { name: 'message_id', type: 'uuid', value: (e) => e.messageId },
  { name: 'at', type: 'timestamptz', value: (e) => e.at },
  { name: 'kind', type: 'text', value: (e) => e.kind },
  { name: 'detail', type: 'jsonb', value: (e) => e.detail },
];
