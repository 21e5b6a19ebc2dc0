import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessageLogModule } from '../message-log/message-log.module';
import { AuditController } from './audit.controller';
import { AuditEntry } from './audit-entry.entity';
import { AuditRepository } from './audit.repository';
import { AuditLog } from './audit.service';
import { MessageAuditor } from './message-auditor';

/**
 * The audit log: append-only and hash-chained (`trmctl audit verify` checks it). Other modules import this one and
 * record through AuditLog; the MessageAuditor adds sent and received messages by itself, off the message hot path
 * (reading and marking them through the message log's repositories).
 * Needs the global Clock (ConfigModule) and Transactions (DatabaseModule).
 */
@Module({
  imports: [MessageLogModule, TypeOrmModule.forFeature([AuditEntry])],
  controllers: [AuditController],
  providers: [AuditRepository, AuditLog, MessageAuditor],
  exports: [AuditLog],
})
export class AuditModule {}
