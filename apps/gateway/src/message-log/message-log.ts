import { Injectable } from '@nestjs/common';
import { Envelope } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { Transactions } from '../database/transactions';
import { InboxRepository } from './inbox.repository';
import { OutboundMessage } from './outbound-message.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxSignal } from './outbox-signal';
import { SealedScope } from './sealed-scope';

/** A message to send that carries sealed personal details, with the copy of them this node keeps (sealed to itself). */
export interface SealedSending {
  envelope: Envelope;
  sealedAtRest: string | null;
}

/** What the capabilities of the node do with the log of messages: send, and erase what a case shared. */
@Injectable()
export class MessageLog {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly signal: OutboxSignal,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Puts messages in the outbox, due at once from their creation, in `tx`; the relay is woken once `tx` has committed.
   * The relay signs them when it sends them.
   */
  async enqueue(messages: Array<Envelope | SealedSending>, tx: EntityManager): Promise<void> {
    if (!messages.length) return;
    await this.outbox.add(
      messages.map((m) => {
        const { envelope, sealedAtRest } = 'envelope' in m ? m : { envelope: m, sealedAtRest: null };
        return Object.assign(OutboundMessage.queued(envelope, new Date(envelope.createdAt)), { sealedAtRest });
      }),
      tx,
    );
    this.transactions.afterCommit(tx, () => this.signal.notify());
  }

  /** Deletes sealed personal data both ways (consent withdrawn, or retention); the digests stay as evidence. */
  async purgeSealed(scope: SealedScope, now: Date, tx: EntityManager): Promise<{ inbound: number; outbound: number }> {
    return { inbound: await this.inbox.purgeSealed(scope, now, tx), outbound: await this.outbox.purgeSealed(scope, now, tx) };
  }
}
