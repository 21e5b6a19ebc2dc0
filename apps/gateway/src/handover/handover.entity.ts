import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Purpose } from '@trm/wire';

/** A cross-border handover, sent or received. Its id is the id of its `handover.request` message. */
@Entity('handover')
export class Handover {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'case_ref', unique: true }) caseRef!: string;
  @Column('text') direction!: 'outgoing' | 'incoming';
  @Column('text') partner!: string;
  @Column('text') sender!: string;
  @Column('text') recipient!: string;
  @Column('text') purpose!: Purpose;
  /** The role on this node's side that is responsible for the case; moves when that role is retired. */
  @Column('text', { name: 'our_role' }) ourRole!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}
