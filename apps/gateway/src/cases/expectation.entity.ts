import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ANSWERED_BY, CaseMessageType } from './case-states';

export type ExpectationKind = 'acceptance' | 'arrival' | 'followup';

/** The answers that meet a deadline of each kind (profile section 9). */
export const MET_BY: Record<ExpectationKind, readonly CaseMessageType[]> = {
  acceptance: ANSWERED_BY['handover.request'],
  arrival: ['arrival.confirmed', 'arrival.missed'],
  followup: ['followup.report'],
};

/** The kinds of deadline a message of `type` meets. */
export const kindsMetBy = (type: string): ExpectationKind[] =>
  (Object.keys(MET_BY) as ExpectationKind[]).filter((kind) => (MET_BY[kind] as readonly string[]).includes(type));

/**
 * Something a case waits for by a deadline (profile section 9): an answer to a handover, word of an arrival, a
 * follow-up report. Owed by us (this node must send it) or by the partner. Lives in the database, not in timers: it
 * survives restarts, and `next_escalation_at` is claimed by one replica only.
 */
@Entity('expectation')
export class Expectation {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'case_ref' }) caseRef!: string;
  @Column('text') kind!: ExpectationKind;
  @Column('text', { name: 'owed_by' }) owedBy!: 'us' | 'partner';
  @Column('timestamptz', { name: 'due_at' }) dueAt!: Date;
  /** open → met (in time or late), missed (escalated; may still be met later), cancelled (the case moved on). */
  @Column('text') status!: 'open' | 'met' | 'missed' | 'cancelled';
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  /** The message that created the expectation. */
  @Column('uuid', { nullable: true }) cause!: string | null;
  /** When it was met: when its answer was made (the answer's `createdAt`, the same on both nodes); or cancelled. */
  @Column('timestamptz', { name: 'settled_at', nullable: true }) settledAt!: Date | null;
  /** The message that met it. */
  @Column('uuid', { name: 'settled_by', nullable: true }) settledBy!: string | null;
  @Column('int', { name: 'escalation_step' }) escalationStep!: number;
  @Column('timestamptz', { name: 'next_escalation_at', nullable: true }) nextEscalationAt!: Date | null;
  /** When the role that owes it was told it is near (DeadlineWatch); null until then. */
  @Column('timestamptz', { name: 'reminded_at', nullable: true }) remindedAt!: Date | null;
}

/** One action taken because an expectation was missed: a copy to a fallback role, or an alert to a role. */
@Entity('escalation')
export class Escalation {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'expectation_id' }) expectationId!: string;
  @Column('text', { name: 'case_ref' }) caseRef!: string;
  @Column('int') step!: number;
  @Column('timestamptz') at!: Date;
  @Column('text') action!: 'copy-to-fallback' | 'alert';
  /** The role alerted, or the fallback address the copy went to. */
  @Column('text') target!: string;
  @Column('uuid', { name: 'message_id', nullable: true }) messageId!: string | null;
}
