import { Inject, Injectable } from '@nestjs/common';
import { MessageType } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { ReceiptSettlement } from './receipt-settlement';

/** What a capability does with a newly delivered message, inside the transaction that stores it. */
export interface InboundEffect {
  readonly types: readonly MessageType[];
  apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<void>;
  /** After the transaction that applied them committed: refresh what is held in memory. */
  committed?(): Promise<void>;
}

/** What a capability does, in the same transaction, with this node's messages a partner's receipt confirmed delivered. */
export interface DeliveredEffect {
  delivered(ids: string[], tx: EntityManager, now: Date): Promise<void>;
}

/** The capabilities that act on delivered messages, by the types they name (the gateway module names them). */
export const INBOUND_EFFECTS = Symbol('inbound effects');
/** The capabilities that act on what receipt settlement confirmed delivered, in order (the gateway module names them). */
export const DELIVERED_EFFECTS = Symbol('delivered effects');

/** Runs, for each stored batch, receipt settlement and then the effects of the other messages. */
@Injectable()
export class InboundEffects {
  private readonly byType = new Map<string, InboundEffect[]>();

  constructor(
    @Inject(INBOUND_EFFECTS) effects: InboundEffect[],
    @Inject(DELIVERED_EFFECTS) private readonly onDelivered: DeliveredEffect[],
    private readonly settlement: ReceiptSettlement,
  ) {
    for (const effect of effects) {
      for (const type of effect.types) this.byType.set(type, [...(this.byType.get(type) ?? []), effect]);
    }
  }

  /** Runs the effects of `messages` in `tx`; returns what to run once `tx` has committed. */
  async apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<() => Promise<void>> {
    const receipts = messages.filter((m) => m.type === 'receipt');
    const delivered = receipts.length ? await this.settlement.settle(receipts, tx, now) : [];
    for (const effect of delivered.length ? this.onDelivered : []) await effect.delivered(delivered, tx, now);
    const groups = new Map<InboundEffect, InboundMessage[]>();
    for (const m of messages) {
      for (const effect of this.byType.get(m.type) ?? []) groups.set(effect, [...(groups.get(effect) ?? []), m]);
    }
    for (const [effect, group] of groups) await effect.apply(group, tx, now);
    const after = [...groups.keys()].filter((e) => e.committed !== undefined);
    return async () => {
      for (const effect of after) await effect.committed!();
    };
  }
}
