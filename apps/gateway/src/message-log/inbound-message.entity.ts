import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Envelope, MessageType, RejectReason, TraceHeaders } from '@trm/wire';

/**
 * Every message this node answered — delivered, or rejected for rule 6, 8 or 9 — stored before its delivery is
 * acknowledged. Its primary key is the envelope id, which is what makes a repeated delivery a duplicate (rule 7): one
 * verdict per id.
 */
@Entity('inbound_message')
export class InboundMessage {
  @PrimaryColumn('uuid') id!: string;
  /** `unknown` for a type the profile does not define (refused; the partner's own word stays in the JWS only). */
  @Column('text') type!: MessageType | 'unknown';
  @Column('text', { name: 'from_node' }) fromNode!: string;
  @Column('text', { name: 'case_ref' }) caseRef!: string;
  @Column('text') sender!: string;
  @Column('text') recipient!: string;
  /** The role the message waits with: its recipient, or where a vacant or retired recipient passes it on. */
  @Column('text', { name: 'routed_to', nullable: true }) routedTo!: string | null;
  @Column('uuid', { name: 'in_reply_to', nullable: true }) inReplyTo!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('jsonb') envelope!: Envelope;
  /** The JWS exactly as received: the evidence the receipt's digest refers to. Null once sealed data was purged. */
  @Column('text', { nullable: true }) jws!: string | null;
  @Column('text') digest!: string;
  @Column('text') kid!: string;
  @Column('text') status!: 'delivered' | 'rejected';
  @Column('text', { name: 'reject_reason', nullable: true }) rejectReason!: RejectReason | null;
  /** The first receipt, re-sent byte for byte when the message is delivered again. Null for receipts. */
  @Column('text', { name: 'receipt_jws', nullable: true }) receiptJws!: string | null;
  /** When sealed personal data was deleted from this message (consent withdrawn, or retention). */
  @Column('timestamptz', { name: 'purged_at', nullable: true }) purgedAt!: Date | null;
  /** The W3C trace context its delivery carried, if well-formed (ids only). */
  @Column('jsonb', { name: 'trace_context', nullable: true }) traceContext!: TraceHeaders | null;
}
