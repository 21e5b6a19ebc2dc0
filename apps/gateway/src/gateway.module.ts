import { DynamicModule, Module } from '@nestjs/common';
import { AcknowledgementModule } from './acknowledgement/acknowledgement.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { Clock } from './clock/clock';
import { ConfigModule } from './config/config.module';
import { NodeConfig } from './config/node-config';
import { DatabaseModule } from './database/database.module';
import { EnvelopeModule } from './envelope/envelope.module';
import { HandoverModule } from './handover/handover.module';
import { HealthModule } from './health/health.module';
import { DirectoryModule } from './directory/directory.module';
import { RegistryModule } from './registry/registry.module';
import { RetentionModule } from './retention/retention.module';
import { TransportModule } from './transport/transport.module';

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
        EnvelopeModule,
        AcknowledgementModule,
        TransportModule,
        HealthModule,
        HandoverModule,
        DirectoryModule,
        RetentionModule,
      ],
    };
  }
}
