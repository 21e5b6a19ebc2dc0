import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TimelineEvent } from './timeline-event.entity';

export type NewTimelineEvent = Omit<TimelineEvent, 'id'>;

@Injectable()
export class TimelineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(events: NewTimelineEvent[], tx: EntityManager): Promise<void> {
    if (events.length) await tx.insert(TimelineEvent, events as QueryDeepPartialEntity<TimelineEvent>[]);
  }

  forMessage(messageId: string): Promise<TimelineEvent[]> {
    return this.dataSource.getRepository(TimelineEvent).find({ where: { messageId }, order: { at: 'ASC', id: 'ASC' } });
  }

  forCase(caseRef: string): Promise<TimelineEvent[]> {
    return this.dataSource.getRepository(TimelineEvent).find({ where: { caseRef }, order: { at: 'ASC', id: 'ASC' } });
  }
}
