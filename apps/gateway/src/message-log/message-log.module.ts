import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryModule } from '../registry/registry.module';
import { EnvelopeService } from './envelope.service';
import { InboundMessage } from './inbound-message.entity';
import { InboxRepository } from './inbox.repository';
import { MessageLog } from './message-log';
import { OutboundMessage } from './outbound-message.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxSignal } from './outbox-signal';
import { TimelineEvent } from './timeline-event.entity';
import { TimelineRepository } from './timeline.repository';
import { Timelines } from './timelines';

/** The log of every message sent and received, and what happened to each; signing and checking them. */
@Module({
  imports: [RegistryModule, TypeOrmModule.forFeature([OutboundMessage, InboundMessage, TimelineEvent])],
  providers: [MessageLog, EnvelopeService, OutboxRepository, OutboxSignal, InboxRepository, TimelineRepository, Timelines],
  exports: [MessageLog, EnvelopeService, OutboxRepository, OutboxSignal, InboxRepository, TimelineRepository, Timelines],
})
export class MessageLogModule {}
