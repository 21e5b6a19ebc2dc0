import { DynamicModule, Global, Module } from '@nestjs/common';
import { AmqpModule } from './amqp/amqp.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { Clock } from './clock/clock';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { NodeConfig } from './config/node-config';
import { DatabaseModule } from './database/database.module';
import { ArrivalNotices } from './cases/arrival-notices';
import { CaseLifecycle } from './cases/case-lifecycle';
import { CaseRules } from './cases/case-rules';
import { HandoverRoleWork } from './cases/handover-role-work';
import { CasesModule } from './cases/cases.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { DirectoryModule } from './directory/directory.module';
import { PartnerDirectories } from './directory/partner-directories';
import { MessageLogModule } from './message-log/message-log.module';
import { INBOUND_CHECKS, InboundCheck } from './reception/inbound-checks';
import { DELIVERED_EFFECTS, DeliveredEffect, INBOUND_EFFECTS, InboundEffect } from './reception/inbound-effects';
import { PartnersModule } from './partners/partners.module';
import { ReceptionModule } from './reception/reception.module';
import { RegistryModule } from './registry/registry.module';
import { ROLE_WORK_SOURCES, RoleWorkSource } from './registry/role-work';
import { RetentionModule } from './retention/retention.module';
import { TelemetryModule } from './telemetry/telemetry.module';

const list = <T>(...items: T[]): T[] => items;

/**
 * Who takes part, in order, in what the node does with a message it received and with the work of a role: reception
 * and the registry do not know the capabilities above them; the gateway names them here.
 */
@Global()
@Module({
  imports: [CasesModule, DirectoryModule],
  providers: [
    // Rule 8 (ReceptionService.judge), after the content check: the checks that need the node's state, in this order.
    { provide: INBOUND_CHECKS, inject: [CaseRules], useFactory: list<InboundCheck> },
    // A stored batch (InboundEffects): receipts settle first (ReceiptSettlement); what they settled as delivered goes
    // to DELIVERED_EFFECTS in this order; then each INBOUND_EFFECT applies the messages of its types.
    { provide: DELIVERED_EFFECTS, inject: [CaseLifecycle], useFactory: list<DeliveredEffect> },
    // ArrivalNotices after CaseLifecycle: a notice names the deadline the message set.
    { provide: INBOUND_EFFECTS, inject: [PartnerDirectories, CaseLifecycle, ArrivalNotices], useFactory: list<InboundEffect> },
    // What a role is in the middle of, for the registry's role handovers and retirements (RoleWorkSources).
    { provide: ROLE_WORK_SOURCES, inject: [HandoverRoleWork], useFactory: list<RoleWorkSource> },
  ],
  exports: [INBOUND_CHECKS, DELIVERED_EFFECTS, INBOUND_EFFECTS, ROLE_WORK_SOURCES],
})
class NodePipeline {}

/** One national node: everything a gateway process runs, for the node its configuration names. */
@Module({})
export class GatewayModule {
  static forNode(config: NodeConfig, clock: Clock): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forNode(config, clock),
        TelemetryModule,
        DatabaseModule,
        AuditModule,
        RegistryModule,
        AuthModule,
        MessageLogModule,
        ReceptionModule,
        AmqpModule,
        HealthModule,
        MetricsModule,
        CasesModule,
        DirectoryModule,
        RetentionModule,
        ConsoleModule,
        PartnersModule,
        NotificationsModule,
        NodePipeline,
      ],
    };
  }
}
