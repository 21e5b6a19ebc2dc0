import { Injectable } from '@nestjs/common';
import { MessageType } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { InboundMessage } from '../message-log/inbound-message.entity';

/** What a capability does with a newly delivered message, inside the transaction that stores it. */
export interface InboundEffect {
  readonly types: readonly MessageType[];
  apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<void>;
  /** After the transaction that applied them committed: refresh what is held in memory. */
  committed?(): Promise<void>;
}

/** Capabilities register the message types they act on; reception runs them for each stored batch. */
@Injectable()
export class InboundEffects {
  private readonly byType = new Map<string, InboundEffect[]>();

  register(effect: InboundEffect): void {
    for (const type of effect.types) this.byType.set(type, [...(this.byType.get(type) ?? []), effect]);
  }

  /** Runs the effects of `messages` in `tx`; returns what to run once `tx` has committed. */
  async apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<() => Promise<void>> {
    const groups = new Map<InboundEffect, InboundMessage[]>();
    for (const m of messages) {
      for (const effect of this.byType.get(m.type) ?? []) groups.set(effect, [...(groups.get(effect) ?? []), m]);
    }
    for (const [effect, group] of groups) await effect.apply(group, tx, now);
    const after = [...groups.keys()].filter((e) => e.committed);
    return async () => {
      for (const effect of after) await effect.committed!();
    };
  }
}
