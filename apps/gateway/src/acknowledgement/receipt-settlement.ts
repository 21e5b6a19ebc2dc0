import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ReceiptBody } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { InboundMessage } from '../envelope/inbound-message.entity';
import { OutboxRepository, ReceiptOutcome } from '../envelope/outbox.repository';
import { InboundEffect, InboundEffects } from './inbound-effects';
import { TimelineRepository } from './timeline.repository';

/** A receipt that came back settles the message it answers: delivered, or rejected with the partner's reason. */
@Injectable()
export class ReceiptSettlement implements InboundEffect, OnModuleInit {
  readonly types = ['receipt'] as const;
  private readonly logger = new Logger(ReceiptSettlement.name);

  constructor(
    private readonly effects: InboundEffects,
    private readonly outbox: OutboxRepository,
    private readonly timeline: TimelineRepository,
  ) {}

  onModuleInit(): void {
    this.effects.register(this);
  }

  async apply(receipts: InboundMessage[], tx: EntityManager, now: Date): Promise<void> {
    const outcomes: ReceiptOutcome[] = receipts.map((r) => {
      const body = r.envelope.body as ReceiptBody;
      return { ref: body.ref, status: body.status, reason: body.reason ?? null, receiptId: r.id, digest: body.digest };
    });
    const settled = await this.outbox.settle(outcomes, now, tx);
    const settledIds = new Set(settled.map((s) => s.id));
    const byRef = new Map(outcomes.map((o) => [o.ref, o]));
    const mismatched = await this.outbox.digestMismatches(
      outcomes.filter((o) => !settledIds.has(o.ref)),
      tx,
    );
    for (const m of mismatched) this.logger.warn(`receipt for ${m.id} names a digest other than the bytes sent`);
    await this.timeline.record(
      [
        ...settled.map((s) => {
          const o = byRef.get(s.id)!;
          return {
            caseRef: s.caseRef,
            messageId: s.id,
            at: now,
            kind: o.status,
            detail: { receipt: o.receiptId, ...(o.reason ? { reason: o.reason } : {}) },
          };
        }),
        ...mismatched.map((m) => ({
          caseRef: m.caseRef,
          messageId: m.id,
          at: now,
          kind: 'receipt-mismatch' as const,
          detail: { receipt: byRef.get(m.id)!.receiptId },
        })),
      ],
      tx,
    );
  }
}
