import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Events the message records themselves do not tell (those are derived: see Timelines). */
export type TimelineKind =
  | 'resent'
  | 'publish-failed'
  | 'receipt-mismatch'
  /** A rejected receipt the message's record does not hold: no verdict (header-mismatch), or one a delivered receipt replaced. */
  | 'rejected'
  | 'undeliverable'
  | 'registry-applied'
  | 'registry-refused'
  | 'participant-added';

/** Something that happened to a message besides its ordinary course. Details hold codes and ids, never case contents. */
@Entity('timeline_event')
export class TimelineEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('text', { name: 'case_ref' }) caseRef!: string;
  @Column('uuid', { name: 'message_id', nullable: true }) messageId!: string | null;
  @Column('timestamptz') at!: Date;
  @Column('text') kind!: TimelineKind;
  @Column('jsonb', { nullable: true }) detail!: Record<string, unknown> | null;
}
