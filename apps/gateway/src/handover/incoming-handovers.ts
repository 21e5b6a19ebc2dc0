import { Injectable, OnModuleInit } from '@nestjs/common';
import { HandoverRequestBody } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { InboundEffect, InboundEffects } from '../acknowledgement/inbound-effects';
import { InboundMessage } from '../envelope/inbound-message.entity';
import { HandoverRepository } from './handover.repository';

/** A delivered `handover.request` opens an incoming handover on this node. */
@Injectable()
export class IncomingHandovers implements InboundEffect, OnModuleInit {
  readonly types = ['handover.request'] as const;

  constructor(
    private readonly effects: InboundEffects,
    private readonly handovers: HandoverRepository,
  ) {}

  onModuleInit(): void {
    this.effects.register(this);
  }

  async apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<void> {
    await this.handovers.addIncoming(
      messages.map((m) => ({
        id: m.id,
        caseRef: m.caseRef,
        direction: 'incoming' as const,
        partner: m.fromNode,
        sender: m.sender,
        recipient: m.recipient,
        purpose: (m.envelope.body as HandoverRequestBody).purpose,
        createdAt: now,
        ourRole: m.recipient,
      })),
      tx,
    );
  }
}
