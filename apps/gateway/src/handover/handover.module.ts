import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AcknowledgementModule } from '../acknowledgement/acknowledgement.module';
import { EnvelopeModule } from '../envelope/envelope.module';
import { RegistryModule } from '../registry/registry.module';
import { Handover } from './handover.entity';
import { HandoverController } from './handover.controller';
import { HandoverRepository } from './handover.repository';
import { HandoverService } from './handover.service';
import { HandoverRoleWork } from './handover-role-work';
import { IncomingHandovers } from './incoming-handovers';

/** Cross-border handovers: submitting them, following them, and the inbox of what partners sent. */
@Module({
  imports: [EnvelopeModule, RegistryModule, AcknowledgementModule, TypeOrmModule.forFeature([Handover])],
  controllers: [HandoverController],
  providers: [HandoverService, HandoverRepository, IncomingHandovers, HandoverRoleWork],
})
export class HandoverModule {}
