import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvelopeModule } from '../envelope/envelope.module';
import { RegistryModule } from '../registry/registry.module';
import { InboundChecks } from './inbound-checks';
import { InboundEffects } from './inbound-effects';
import { ReceiptSettlement } from './receipt-settlement';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';
import { ReceptionController } from './reception.controller';
import { ReceptionService } from './reception.service';
import { TimelineEvent } from './timeline-event.entity';
import { TimelineRepository } from './timeline.repository';
import { Timelines } from './timelines';

/** Receiving rules and receipts: what arrived, what was answered, and what happened to what we sent. */
@Module({
  imports: [EnvelopeModule, RegistryModule, TypeOrmModule.forFeature([TimelineEvent])],
  controllers: [ReceptionController, MetricsController],
  providers: [ReceptionService, MetricsService, MetricsRepository, InboundEffects, InboundChecks, ReceiptSettlement, TimelineRepository, Timelines],
  exports: [InboundEffects, InboundChecks, ReceiptSettlement, TimelineRepository, Timelines],
})
export class AcknowledgementModule {}
