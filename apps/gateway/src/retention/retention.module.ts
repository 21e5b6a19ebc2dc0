import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MessageLogModule } from '../message-log/message-log.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { CaseErasure } from './case-erasure';
import { RetentionJob } from './retention-job';
import { RetentionRepository } from './retention.repository';

/** Retention: deletes sealed data, coded case data and the message log when their periods end, leaving tombstones. */
@Module({
  imports: [AuditModule, MessageLogModule, NotificationsModule],
  providers: [RetentionRepository, CaseErasure, RetentionJob],
  exports: [RetentionJob, CaseErasure],
})
export class RetentionModule {}
