import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AuditDetail } from './audit-chain';

/**
 * What may be audited. Entries name things by id, node id, role address, caseRef, message type, digest, reason code
 * and actor subject — never bodies, sealed data or names of people.
 *
 * message.sent        a message this node sent was confirmed by the partner's broker (subject: message id;
 *                     detail: type, to, digest, sentAt)
 * message.received    a message was received and receipted (subject: message id; detail: type, from, status,
 *                     reason when rejected, digest, receivedAt)
 * sealed.opened       someone read the sealed personal data of a message (subject: message id; detail: role)
 * sealed.purged       sealed personal data of a case was deleted (consent withdrawn, retention; detail: cause)
 * retention.purged    the retention job deleted what was due of one data class in one run (actor: node; detail:
 *                     class — sealed, case-data or message-log — and count: messages, or cases for case-data, with
 *                     their messages)
 * registry.*          changes to this node's directory (subject: organisation slug, role address, person id or
 *                     assignment id; detail: codes and addresses, e.g. fallback, successor)
 * registry.link.*     a role asking a role of another organisation to be its fallback or successor: requested,
 *                     accepted, declined (subject: the link id; detail: kind, role, target, and for declined the
 *                     reason — declined, withdrawn, superseded, role-retired)
 * auth.login          the first request of a bearer token (subject: the token id; detail: application roles)
 */
export const AUDIT_ACTIONS = [
  'message.sent',
  'message.received',
  'sealed.opened',
  'sealed.purged',
  'retention.purged',
  'registry.organisation.created',
  'registry.organisation.updated',
  'registry.role.created',
  'registry.role.updated',
  'registry.role.confirmed',
  'registry.role.handed-over',
  'registry.role.deactivated',
  'registry.person.created',
  'registry.assignment.started',
  'registry.assignment.ended',
  'registry.link.requested',
  'registry.link.accepted',
  'registry.link.declined',
  'auth.login',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The actor of what the gateway does by itself (sending, receiving, escalating); otherwise a token's subject. */
export const NODE_ACTOR = 'node';

/** One entry of the audit log. Rows are only ever inserted (a trigger refuses UPDATE and DELETE). */
@Entity('audit_entry')
export class AuditEntry {
  /** 1, 2, 3… without gaps: one chain per node, also with several replicas. */
  @PrimaryColumn('bigint', { transformer: { to: (v: number) => v, from: (v: string | null) => (v === null ? v : Number(v)) } })
  seq!: number;
  @Column('timestamptz') at!: Date;
  /** A bearer token's subject, or `node`. */
  @Column('text') actor!: string;
  @Column('text') action!: AuditAction;
  @Column('text', { name: 'case_ref', nullable: true }) caseRef!: string | null;
  /** What the entry is about: a message id, a role address, a person id… */
  @Column('text', { nullable: true }) subject!: string | null;
  /** Codes and ids only. */
  @Column('jsonb', { nullable: true }) detail!: AuditDetail | null;
  /** Hash of the previous entry (`sha-256:genesis` before the first). */
  @Column('text', { name: 'prev_hash' }) prevHash!: string;
  @Column('text', { unique: true }) hash!: string;
}
