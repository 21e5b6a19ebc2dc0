import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ReceiptBody } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { InboundMessage } from '../envelope/inbound-message.entity';
import { OutboxRepository } from '../envelope/outbox.repository';
import { InboundEffect, InboundEffects } from './inbound-effects';
import { TimelineRepository } from './timeline.repository';

/** A receipt that came back settles the message it answers: delivered, or rejected with the partner's reason. */
@Injectable()
export class ReceiptSettlement implements InboundEffect, OnModuleInit {
  readonly types = ['receipt'] as const;
  private readonly logger = new Logger(ReceiptSettlement.name);
  private readonly deliveredListeners: Array<(ids: string[], tx: EntityManager, now: Date) => Promise<void>> = [];

  constructor(
    private readonly effects: InboundEffects,
    private readonly outbox: OutboxRepository,
    private readonly timeline: TimelineRepository,
  ) {}

  onModuleInit(): void {
    this.effects.register(this);
  }

  /** Run, in the same transaction, for messages a partner confirmed as delivered (e.g. to move their case on). */
  onDelivered(listener: (ids: string[], tx: EntityManager, now: Date) => Promise<void>): void {
    this.deliveredListeners.push(listener);
  }

  async apply(receipts: InboundMessage[], tx: EntityManager, now: Date): Promise<void> {
    const results = await this.outbox.settle(
      receipts.map((r) => {
        const body = r.envelope.body as ReceiptBody;
        return { ref: body.ref, status: body.status, reason: body.reason ?? null, receiptId: r.id, digest: body.digest };
      }),
      now,
      tx,
    );
    const receiptOf = new Map(receipts.map((r) => [(r.envelope.body as ReceiptBody).ref, r.id]));
    const statusOf = new Map(receipts.map((r) => [(r.envelope.body as ReceiptBody).ref, (r.envelope.body as ReceiptBody).status]));
    const delivered = results.filter((r) => r.outcome === 'settled' && statusOf.get(r.id) === 'delivered').map((r) => r.id);
    for (const listener of delivered.length ? this.deliveredListeners : []) await listener(delivered, tx, now);
    const mismatched = results.filter((r) => r.outcome === 'digest-mismatch');
    for (const m of mismatched) this.logger.warn(`receipt for ${m.id} names a digest other than the bytes sent`);
    await this.timeline.record(
      mismatched.map((m) => ({ caseRef: m.caseRef, messageId: m.id, at: now, kind: 'receipt-mismatch', detail: { receipt: receiptOf.get(m.id) } })),
      tx,
    );
  }
}
