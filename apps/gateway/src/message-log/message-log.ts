import { Injectable } from '@nestjs/common';
import { Envelope } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { Transactions } from '../database/transactions';
import { InboxRepository } from './inbox.repository';
import { OutboundMessage } from './outbound-message.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxSignal } from './outbox-signal';
import { SealedScope } from './sealed-scope';
import { TombstoneScope } from './tombstone';
import { NodeEvents } from '../telemetry/node-events';
import { currentTrace, newTrace } from '../telemetry/trace-context';

/** A message to send that carries sealed personal details, with the copy of them this node keeps (sealed to itself). */
export interface SealedSending {
  envelope: Envelope;
  sealedAtRest: string | null;
}

/** What the capabilities of the node do with the log of messages: send, erase what a case shared, reduce messages to tombstones. */
@Injectable()
export class MessageLog {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly signal: OutboxSignal,
    private readonly transactions: Transactions,
    private readonly events: NodeEvents,
  ) {}

  /**
   * Puts messages in the outbox, due at once from their creation, in `tx`; the relay is woken once `tx` has committed.
   * The relay signs them when it sends them. They carry the trace of the work under way (an HTTP request, a
   * delivery), or one trace of their own.
   */
  async enqueue(messages: Array<Envelope | SealedSending>, tx: EntityManager): Promise<void> {
    if (!messages.length) return;
    const trace = currentTrace() ?? newTrace();
    const rows = messages.map((m) => {
      const { envelope, sealedAtRest } = 'envelope' in m ? m : { envelope: m, sealedAtRest: null };
      return Object.assign(OutboundMessage.queued(envelope, new Date(envelope.createdAt), trace), { sealedAtRest });
    });
    await this.outbox.add(rows, tx);
    this.transactions.afterCommit(tx, () => {
      this.events.report(...rows.map((r) => ({ kind: 'message-enqueued' as const, partner: r.toNode, type: r.type })));
      this.signal.notify();
    });
  }

  /** Deletes sealed personal data both ways (consent withdrawn, or retention); the digests stay as evidence. */
  async purgeSealed(scope: SealedScope, now: Date, tx: EntityManager): Promise<{ inbound: number; outbound: number }> {
    return { inbound: await this.inbox.purgeSealed(scope, now, tx), outbound: await this.outbox.purgeSealed(scope, now, tx) };
  }

  /**
   * Reduces messages both ways to tombstones (case data purged or erased, or the log's retention); with
   * `keepReceipts`, this node's receipts stay.
   */
  async tombstone(scope: TombstoneScope, now: Date, tx: EntityManager, options = { keepReceipts: false }): Promise<{ inbound: number; outbound: number }> {
    return { inbound: await this.inbox.tombstone(scope, now, tx, options), outbound: await this.outbox.tombstone(scope, now, tx) };
  }

  /** This node's receipts for the messages of the cases go: the evidence an erased case kept until its retention ended. */
  dropReceipts(caseRefs: string[], tx: EntityManager): Promise<void> {
    return this.inbox.dropReceipts(caseRefs, tx);
  }
}
