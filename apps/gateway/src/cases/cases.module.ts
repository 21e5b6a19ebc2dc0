import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MessageLogModule } from '../message-log/message-log.module';
import { RegistryModule } from '../registry/registry.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RetentionModule } from '../retention/retention.module';
import { ArrivalNotices } from './arrival-notices';
import { CaseActions } from './case-actions';
import { CaseDeadlines } from './case-deadlines';
import { CaseFile } from './case-file.entity';
import { CaseLifecycle } from './case-lifecycle';
import { CaseMessagesService } from './case-messages.service';
import { CaseRules } from './case-rules';
import { CaseViewsService } from './case-views.service';
import { CaseRepository } from './case.repository';
import { CasesController } from './cases.controller';
import { DeadlineWatch } from './deadline-watch';
import { Escalation, Expectation } from './expectation.entity';
import { ExpectationRepository } from './expectation.repository';
import { HandoverController } from './handover.controller';
import { HandoverRoleWork } from './handover-role-work';
import { HandoverService } from './handover.service';
import { UnansweredRepository } from './unanswered.repository';

/** Cross-border cases: handing them over, moving them on with the partner, their deadlines and escalations. */
@Module({
  imports: [MessageLogModule, RegistryModule, AuditModule, RetentionModule, NotificationsModule, TypeOrmModule.forFeature([CaseFile, Expectation, Escalation])],
  controllers: [HandoverController, CasesController],
  providers: [
    HandoverService,
    CaseMessagesService,
    CaseViewsService,
    CaseActions,
    CaseRules,
    CaseLifecycle,
    CaseDeadlines,
    CaseRepository,
    ExpectationRepository,
    DeadlineWatch,
    HandoverRoleWork,
    UnansweredRepository,
    ArrivalNotices,
  ],
  exports: [DeadlineWatch, CaseRules, CaseLifecycle, ArrivalNotices, HandoverRoleWork, ExpectationRepository],
})
export class CasesModule {}
