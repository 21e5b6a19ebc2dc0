import { AgeGroup, ExploitationForm, OrganisationKind, Purpose } from '@trm/wire';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('organisation')
export class Organisation {
  @PrimaryColumn('text') slug!: string;
  @Column('text') name!: string;
  @Column('text') kind!: OrganisationKind;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

/** A functional contact point of this node. Whether it is vacant is not stored: it follows from its assignments. */
@Entity('role')
export class Role {
  @PrimaryColumn('text') address!: string;
  @Column('text') organisation!: string;
  @Column('text') title!: string;
  @Column('text', { array: true }) purposes!: Purpose[];
  @Column('text', { name: 'age_groups', array: true }) ageGroups!: AgeGroup[];
  @Column('text', { array: true, nullable: true }) exploitation!: ExploitationForm[] | null;
  @Column('text', { array: true }) languages!: string[];
  @Column('text', { nullable: true }) region!: string | null;
  @Column('text', { nullable: true }) fallback!: string | null;
  @Column('jsonb', { nullable: true }) channels!: { phone?: string; mailbox?: string } | null;
  /** When a person holding the role last confirmed that its entry is right. */
  @Column('timestamptz', { name: 'confirmed_at' }) confirmedAt!: Date;
  @Column('timestamptz', { name: 'retired_at', nullable: true }) retiredAt!: Date | null;
  @Column('text', { nullable: true }) successor!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;

  /** A new role, confirmed as of its creation. */
  static create(address: string, organisation: string, entry: RoleFields, now: Date): Role {
    return Object.assign(new Role(), {
      address,
      organisation,
      title: entry.title,
      purposes: entry.purposes,
      ageGroups: entry.ageGroups,
      exploitation: entry.exploitation ?? null,
      languages: entry.languages,
      region: entry.region ?? null,
      fallback: entry.fallback ?? null,
      channels: entry.channels ?? null,
      confirmedAt: now,
      retiredAt: null,
      successor: null,
      createdAt: now,
      updatedAt: now,
    });
  }
}

/** What describes a role, as a directory file or the API gives it. */
export interface RoleFields {
  title: string;
  purposes: Purpose[];
  ageGroups: AgeGroup[];
  exploitation?: ExploitationForm[];
  languages: string[];
  region?: string;
  fallback?: string;
  channels?: { phone?: string; mailbox?: string };
}

/** A member of staff of this node's organisations. Never leaves the node. */
@Entity('person')
export class Person {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  /** The organisation whose roles they may hold; null: the node's own staff, for any organisation's roles. */
  @Column('text', { nullable: true }) organisation!: string | null;
  @Column('text', { nullable: true }) email!: string | null;
  /** Their own phone: kept to refuse it as a role's published channel. */
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** A person holding a role from `startsAt` until `endsAt` (open when null), with a deputy. */
@Entity('assignment')
export class Assignment {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') role!: string;
  @Column('uuid') person!: string;
  @Column('uuid', { nullable: true }) deputy!: string | null;
  @Column('timestamptz', { name: 'starts_at' }) startsAt!: Date;
  @Column('timestamptz', { name: 'ends_at', nullable: true }) endsAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** A role changing hands, or retiring in favour of a successor, with the work that went along. */
@Entity('role_transfer')
export class RoleTransfer {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') role!: string;
  @Column('text') kind!: 'handover' | 'deactivation';
  @Column('uuid', { name: 'from_person', nullable: true }) fromPerson!: string | null;
  @Column('uuid', { name: 'to_person', nullable: true }) toPerson!: string | null;
  @Column('text', { nullable: true }) successor!: string | null;
  @Column('timestamptz') at!: Date;
  @Column('text', { name: 'open_cases', array: true }) openCases!: string[];
  @Column('uuid', { name: 'unanswered_messages', array: true }) unansweredMessages!: string[];
}

export type RoleLinkKind = 'fallback' | 'successor';
export const ROLE_LINK_STATUSES = ['pending', 'accepted', 'declined'] as const;
export type RoleLinkStatus = (typeof ROLE_LINK_STATUSES)[number];

/**
 * A role asking a role of another organisation to take its work on: as its fallback, or as its successor when it
 * retires. Takes effect only once the target organisation accepts.
 */
@Entity('role_link')
export class RoleLink {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') kind!: RoleLinkKind;
  /** The role asking. */
  @Column('text') role!: string;
  /** The role asked to take the work on. */
  @Column('text') target!: string;
  @Column('text', { name: 'target_organisation' }) targetOrganisation!: string;
  @Column('text') status!: RoleLinkStatus;
  @Column('text', { name: 'requested_by' }) requestedBy!: string;
  @Column('timestamptz', { name: 'requested_at' }) requestedAt!: Date;
  @Column('text', { name: 'decided_by', nullable: true }) decidedBy!: string | null;
  /**
   * The organisation the decision was made for: the asked one accepting or declining, the asking one withdrawing or
   * replacing its request, the one whose role retired. Whoever sees its staff sees `decidedBy`; null before it was kept.
   */
  @Column('text', { name: 'decided_for', nullable: true }) decidedFor!: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
}

/** A version of this node's directory as published to partners. */
@Entity('registry_publication')
export class RegistryPublication {
  @PrimaryColumn('int') version!: number;
  @Column('timestamptz', { name: 'issued_at' }) issuedAt!: Date;
  @Column('text') digest!: string;
  @Column('jsonb') body!: Record<string, unknown>;
}

/** The latest directory a partner published to us. */
@Entity('partner_directory')
export class PartnerDirectory {
  @PrimaryColumn('text') node!: string;
  @Column('int') version!: number;
  @Column('timestamptz', { name: 'issued_at' }) issuedAt!: Date;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('uuid', { name: 'message_id' }) messageId!: string;
  @Column('jsonb') body!: Record<string, unknown>;
}

/** A partner key learned from a `registry.update` (first keys come from trust anchor files only). */
@Entity('partner_key')
export class PartnerKey {
  @PrimaryColumn('text') kid!: string;
  @Column('text') node!: string;
  @Column('jsonb') jwk!: Record<string, unknown>;
  @Column('int') version!: number;
}
