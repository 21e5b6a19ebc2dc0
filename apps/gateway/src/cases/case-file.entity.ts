import { Purpose } from '@trm/wire';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CaseState } from './case-states';

export interface CaseConsent {
  given: true;
  by: 'person' | 'guardian';
  recordedAt: string;
  scope: string[];
  withdrawnAt?: string;
  withdrawnScope?: string[];
}

/**
 * A cross-border case, on either side: opened by a `handover.request` (whose id is the case's id), identified on the
 * wire by its caseRef, moved on by the messages both sides exchange.
 */
@Entity('case_file')
export class CaseFile {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'case_ref', unique: true }) caseRef!: string;
  /** outgoing: this node referred the case; incoming: a partner referred it to this node. */
  @Column('text') direction!: 'outgoing' | 'incoming';
  @Column('text') partner!: string;
  /** Sender and recipient of the handover.request. */
  @Column('text') sender!: string;
  @Column('text') recipient!: string;
  /** Null once retention deleted the case's coded data (see `purgedAt`). */
  @Column('text', { nullable: true }) purpose!: Purpose | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  /** The role on this node's side that is responsible for the case; moves when that role is retired. */
  @Column('text', { name: 'our_role' }) ourRole!: string;
  /** The partner's role for the case: the request's other end, then whoever accepted it. */
  @Column('text', { name: 'partner_role' }) partnerRole!: string;
  /** Other roles of this node told about the case (the NGO meeting the person, say). */
  @Column('text', { array: true }) participants!: string[];
  @Column('text') state!: CaseState;
  @Column('timestamptz', { name: 'state_changed_at' }) stateChangedAt!: Date;
  /** When the case ended (closed, withdrawn, declined): retention periods count from here. */
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  /** The person's consent as the handover.request recorded it, and its withdrawal. Null once retention deleted it. */
  @Column('jsonb', { nullable: true }) consent!: CaseConsent | null;
  /**
   * When retention deleted the case's coded data (consent, purpose, deadlines, message bodies): the row stays as a
   * tombstone with its caseRef, direction, partner, roles, state and dates.
   */
  @Column('timestamptz', { name: 'purged_at', nullable: true }) purgedAt!: Date | null;
}
