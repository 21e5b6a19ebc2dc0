import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type TimelineKind =
  | 'submitted'
  | 'sent'
  | 'resent'
  | 'publish-failed'
  | 'delivered'
  | 'rejected'
  | 'receipt-mismatch'
  | 'undeliverable'
  | 'received'
  | 'refused';

/** What happened to a message, in order. Details hold codes and ids only, never case contents. */
@Entity('timeline_event')
export class TimelineEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('text', { name: 'case_ref' }) caseRef!: string;
  @Column('uuid', { name: 'message_id', nullable: true }) messageId!: string | null;
  @Column('timestamptz') at!: Date;
  @Column('text') kind!: TimelineKind;
  @Column('jsonb', { nullable: true }) detail!: Record<string, unknown> | null;
}
