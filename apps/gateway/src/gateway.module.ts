import { DynamicModule, Module } from '@nestjs/common';
import { ReceptionModule } from './reception/reception.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { Clock } from './clock/clock';
import { ConfigModule } from './config/config.module';
import { NodeConfig } from './config/node-config';
import { DatabaseModule } from './database/database.module';
import { MessageLogModule } from './message-log/message-log.module';
import { HandoverModule } from './handover/handover.module';
import { HealthModule } from './health/health.module';
import { DirectoryModule } from './registry/directory.module';
import { RegistryModule } from './registry/registry.module';
import { RetentionModule } from './retention/retention.module';
import { AmqpModule } from './amqp/amqp.module';

/** One national node: everything a gateway process runs, for the node its configuration names. */
@Module({})
export class GatewayModule {
  static forNode(config: NodeConfig, clock: Clock): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forNode(config, clock),
        DatabaseModule,
        AuditModule,
        RegistryModule,
        AuthModule,
        MessageLogModule,
        ReceptionModule,
        AmqpModule,
        HealthModule,
        HandoverModule,
        DirectoryModule,
        RetentionModule,
      ],
    };
  }
}
