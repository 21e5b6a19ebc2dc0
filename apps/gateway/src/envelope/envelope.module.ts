import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryModule } from '../registry/registry.module';
import { EnvelopeService } from './envelope.service';
import { InboundMessage } from './inbound-message.entity';
import { InboxRepository } from './inbox.repository';
import { OutboundMessage } from './outbound-message.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxSignal } from './outbox-signal';

/** Signed messages: signing and checking them, and the log of every message sent and received. */
@Module({
  imports: [RegistryModule, TypeOrmModule.forFeature([OutboundMessage, InboundMessage])],
  providers: [EnvelopeService, OutboxRepository, OutboxSignal, InboxRepository],
  exports: [EnvelopeService, OutboxRepository, OutboxSignal, InboxRepository],
})
export class EnvelopeModule {}
