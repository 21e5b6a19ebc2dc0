import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MessageLogModule } from '../message-log/message-log.module';
import { RetentionJob } from './retention-job';
import { RetentionRepository } from './retention.repository';

/** Retention: deletes sealed data, coded case data and the message log when their periods end, leaving tombstones. */
@Module({
  imports: [AuditModule, MessageLogModule],
  providers: [RetentionRepository, RetentionJob],
  exports: [RetentionJob, RetentionRepository],
})
export class RetentionModule {}
