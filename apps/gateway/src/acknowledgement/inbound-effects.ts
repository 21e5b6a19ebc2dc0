import { Injectable } from '@nestjs/common';
import { MessageType } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { InboundMessage } from '../envelope/inbound-message.entity';

/** What a capability does with a newly delivered message, inside the transaction that stores it. */
export interface InboundEffect {
  readonly types: readonly MessageType[];
  apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<void>;
}

/** Capabilities register the message types they act on; reception runs them for each stored batch. */
@Injectable()
export class InboundEffects {
  private readonly byType = new Map<string, InboundEffect[]>();

  register(effect: InboundEffect): void {
    for (const type of effect.types) this.byType.set(type, [...(this.byType.get(type) ?? []), effect]);
  }

  async apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<void> {
    const groups = new Map<InboundEffect, InboundMessage[]>();
    for (const m of messages) {
      for (const effect of this.byType.get(m.type) ?? []) groups.set(effect, [...(groups.get(effect) ?? []), m]);
    }
    for (const [effect, group] of groups) await effect.apply(group, tx, now);
  }
}
