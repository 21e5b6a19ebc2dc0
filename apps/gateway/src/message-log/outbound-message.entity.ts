import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Envelope, MessageType, RejectReason, TraceHeaders } from '@trm/wire';

/**
 * queued: stored, not yet confirmed by the partner's broker · sent: confirmed, waiting for a receipt ·
 * delivered / rejected: a receipt came back · undeliverable: no receipt before giving up.
 */
export type OutboundState = 'queued' | 'sent' | 'delivered' | 'rejected' | 'undeliverable';

/** Every message this node sends. Rows in state queued or sent with a due `nextAttemptAt` are the outbox. */
@Entity('outbound_message')
export class OutboundMessage {
  @PrimaryColumn('uuid') id!: string;
  /** Creation order on this node (timestamps tie): a case's messages leave in this order. */
  @Column({ type: 'bigint', insert: false, update: false }) seq?: string;
  @Column('text') type!: MessageType;
  @Column('text', { name: 'to_node' }) toNode!: string;
  @Column('text', { name: 'case_ref' }) caseRef!: string;
  @Column('uuid', { name: 'in_reply_to', nullable: true }) inReplyTo!: string | null;
  @Column('jsonb') envelope!: Envelope;
  /** The signed bytes, kept from the first signature on: every resend publishes exactly these. */
  @Column('text', { nullable: true }) jws!: string | null;
  /** Digest of `jws`; a receipt settles the message only if it names this digest. */
  @Column('text', { nullable: true }) digest!: string | null;
  @Column('text') state!: OutboundState;
  @Column('int') attempts!: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt!: Date | null;
  @Column('timestamptz', { name: 'settled_at', nullable: true }) settledAt!: Date | null;
  @Column('uuid', { name: 'receipt_id', nullable: true }) receiptId!: string | null;
  @Column('text', { name: 'reject_reason', nullable: true }) rejectReason!: RejectReason | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  /** When sealed personal data was deleted from this message (consent withdrawn, or retention). */
  @Column('timestamptz', { name: 'purged_at', nullable: true }) purgedAt!: Date | null;
  /**
   * The sealed personal details this node sent, encrypted to this node's own key: the `sealed` part itself is
   * encrypted to the partner and cannot be opened here.
   */
  @Column('text', { name: 'sealed_at_rest', nullable: true }) sealedAtRest!: string | null;
  /** When this case message was applied to its case here: at its receipt, or earlier if the partner's answer came first. */
  @Column('timestamptz', { name: 'applied_at', nullable: true }) appliedAt!: Date | null;
  /** The W3C trace context of what enqueued the message (an HTTP request, a delivery), published in its AMQP headers. */
  @Column('jsonb', { name: 'trace_context', nullable: true }) traceContext!: TraceHeaders | null;

  /** A new message waiting in the outbox, due at once. */
  static queued(envelope: Envelope, now: Date, traceContext: TraceHeaders | null = null): OutboundMessage {
    return Object.assign(new OutboundMessage(), {
      id: envelope.id,
      type: envelope.type,
      toNode: envelope.to,
      caseRef: envelope.caseRef,
      inReplyTo: envelope.inReplyTo,
      envelope,
      jws: null,
      digest: null,
      state: 'queued',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      sentAt: null,
      settledAt: null,
      receiptId: null,
      rejectReason: null,
      lastError: null,
      purgedAt: null,
      appliedAt: null,
      sealedAtRest: null,
      traceContext,
    });
  }
}
