import { Module } from '@nestjs/common';
import { MessageLogModule } from '../message-log/message-log.module';
import { RegistryModule } from '../registry/registry.module';
import { InboundChecks } from './inbound-checks';
import { InboundEffects } from './inbound-effects';
import { ReceiptSettlement } from './receipt-settlement';
import { ReceptionController } from './reception.controller';
import { ReceptionService } from './reception.service';

/** Receiving rules and receipts: what arrived, what was answered, and what happened to what we sent. */
@Module({
  imports: [MessageLogModule, RegistryModule],
  controllers: [ReceptionController],
  providers: [ReceptionService, InboundEffects, InboundChecks, ReceiptSettlement],
  exports: [InboundEffects, InboundChecks, ReceiptSettlement],
})
export class ReceptionModule {}
