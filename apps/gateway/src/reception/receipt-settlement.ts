import { Injectable, Logger } from '@nestjs/common';
import { ReceiptBody } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { OutboxRepository } from '../message-log/outbox.repository';
import { NewTimelineEvent, TimelineRepository } from '../message-log/timeline.repository';
import { Transactions } from '../database/transactions';
import { NodeEvents } from '../telemetry/node-events';

/**
 * A receipt that came back settles the message it answers: delivered, or rejected with the partner's reason — unless
 * the rejection is no verdict (header-mismatch), or a delivered receipt follows (profile rev. 2, one verdict per id).
 */
@Injectable()
export class ReceiptSettlement {
  private readonly logger = new Logger(ReceiptSettlement.name);

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly timeline: TimelineRepository,
    private readonly transactions: Transactions,
    private readonly events: NodeEvents,
  ) {}

  /** Settles what `receipts` answer; returns the ids of this node's messages they settled as delivered. */
  async settle(receipts: InboundMessage[], tx: EntityManager, now: Date): Promise<string[]> {
    const results = await this.outbox.settle(
      receipts.map((r) => {
        const body = r.envelope.body as ReceiptBody;
        return { ref: body.ref, status: body.status, reason: body.reason ?? null, receiptId: r.id, digest: body.digest };
      }),
      now,
      tx,
    );
    const delivered = results.filter((r) => r.outcome === 'settled' && r.status === 'delivered').map((r) => r.id);
    const events: NewTimelineEvent[] = [];
    for (const r of results) {
      const base = { caseRef: r.caseRef, messageId: r.id };
      if (r.outcome === 'digest-mismatch') {
        this.logger.warn(`receipt for ${r.id} names a digest other than the bytes sent`);
        events.push({ ...base, at: now, kind: 'receipt-mismatch', detail: { receipt: r.receiptId } });
      } else if (r.outcome === 'not-a-verdict') {
        // A copy reached the partner with altered properties; the genuine bytes may still be delivered.
        this.logger.warn(`receipt for ${r.id}: rejected (${r.reason}), not a verdict on the message; resending until delivered`);
        events.push({ ...base, at: now, kind: 'rejected', detail: { receipt: r.receiptId, reason: r.reason } });
      } else if (r.superseded) {
        // The rejection stays in the timeline; the message itself now records the delivered receipt.
        this.logger.warn(`receipt for ${r.id}: delivered after rejected (${r.superseded.reason})`);
        events.push({ ...base, at: r.superseded.at ?? now, kind: 'rejected', detail: { receipt: r.superseded.receiptId, reason: r.superseded.reason } });
      }
    }
    await this.timeline.record(events, tx);
    const settled = results.filter((r) => r.outcome === 'settled');
    this.transactions.afterCommit(tx, () =>
      this.events.report(
        ...settled.map((r) => ({
          kind: 'message-settled' as const,
          partner: r.toNode,
          type: r.type,
          outcome: r.status,
          waitedMs: now.getTime() - r.createdAt.getTime(),
        })),
      ),
    );
    return delivered;
  }
}
