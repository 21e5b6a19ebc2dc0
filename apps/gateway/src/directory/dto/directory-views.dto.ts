import { ApiProperty } from '@nestjs/swagger';
import type { OrganisationKind, RoleChannels, RoleStatus } from '@trm/wire';
import type { ChannelKind, PersonalReason } from '../channels';
import type { RoleLinkKind, RoleLinkStatus } from '../../registry/entities';

// What the directory API answers. Staff (ids, names) appear only for whoever sees the staff of the organisation.

/** A member of staff, as named to whoever sees the staff of their organisation. */
export class StaffRef {
  id!: string;
  name!: string;
}

export class HolderView {
  assignment!: string;
  person!: StaffRef;
  deputy!: StaffRef | null;
  startsAt!: string;
  endsAt!: string | null;
}

export class HolderList {
  items!: HolderView[];
}

/** A fallback or successor in another organisation, asked for and not yet accepted. */
export class PendingLink {
  link!: string;
  target!: string;
  requestedAt!: string;
}

export class RoleView {
  address!: string;
  organisation!: string;
  title!: string;
  purposes!: string[];
  ageGroups!: string[];
  exploitation!: string[] | null;
  languages!: string[];
  region!: string | null;
  fallback!: string | null;
  channels!: RoleChannels | null;
  status!: RoleStatus | 'retired';
  unconfirmed!: boolean;
  confirmedAt!: string;
  retiredAt!: string | null;
  successor!: string | null;
  pendingFallback!: PendingLink | null;
  pendingSuccessor!: PendingLink | null;
  /** How many assignments hold the role now. */
  holderCount!: number;
  /** Who they are: only for whoever sees the staff of the role's organisation (`seesStaffOf`). */
  holders?: HolderView[];
}

/** The role, with the assignment just made. */
export class AssignedRole extends RoleView {
  assignment!: string;
}

export class OrganisationView {
  slug!: string;
  name!: string;
  kind!: OrganisationKind;
  createdAt!: Date;
  updatedAt!: Date;
}

export class OrganisationWithRoles extends OrganisationView {
  roles!: RoleView[];
}

export class OrganisationList {
  items!: OrganisationWithRoles[];
}

/** A member of staff as created; named to the administrator who created them only. */
export class PersonView {
  id!: string;
  name!: string;
  /** Null: the node's own staff, for any organisation's roles. */
  organisation!: string | null;
  email!: string | null;
  phone!: string | null;
  createdAt!: Date;
}

export class RoleLinkView {
  id!: string;
  kind!: RoleLinkKind;
  role!: string;
  target!: string;
  targetOrganisation!: string;
  status!: RoleLinkStatus;
  /** Who asked: for whoever sees the staff of the asking role's organisation. */
  requestedBy?: string;
  requestedAt!: string;
  /** Who decided (null while pending): for whoever sees the staff of the organisation it was decided for, and the decider. */
  decidedBy?: string | null;
  decidedAt!: string | null;
}

export class RoleLinkList {
  items!: RoleLinkView[];
}

/** A role changing hands, or retiring in favour of a successor, with the work that went along. */
export class TransferView {
  id!: string;
  role!: string;
  kind!: 'handover' | 'deactivation';
  /** Who gave the role up and who took it: for whoever sees the staff of the role's organisation. */
  from?: string | null;
  to?: string | null;
  successor!: string | null;
  at!: string;
  openCases!: string[];
  unansweredMessages!: string[];
}

/** The handover, with the new holder's assignment. */
export class HandedOverRole extends TransferView {
  assignment!: string;
}

/** The accepted link, and the retirement it completed (a successor's), if any. */
export class AcceptedLink extends RoleLinkView {
  transfer!: TransferView | null;
}

/** A published channel of a role that looks like a person's. */
export class PersonalChannelView {
  role!: string;
  channel!: ChannelKind;
  reason!: PersonalReason;
}

/** What a coordinator should look at. */
export class Attention {
  vacant!: RoleView[];
  unconfirmed!: RoleView[];
  /** Requests to take work on that wait for a decision, those the caller may see. */
  pendingLinks!: RoleLinkView[];
  personalChannels!: PersonalChannelView[];
}

export class LookupOrganisation {
  slug!: string;
  name!: string;
  kind!: string;
}

/** One ground of a ranking, coded so that a console can say it in the reader's language. */
export type RankingReason =
  | { code: 'purpose' | 'ageGroup' | 'language' | 'exploitation' | 'notExploitation'; value: string }
  | { code: 'notLanguage'; value: string; languages: string[] }
  | { code: 'region' | 'otherRegion'; value: string }
  | { code: 'everyExploitation' | 'national' | 'staffed' | 'vacant' | 'unconfirmed' }
  | { code: 'vacantFallback'; fallback: string };

/** One ground of a ranking: `code`, and the code it concerns (`value`), the role's languages or fallback where it names them. */
export class RankingReasonView {
  @ApiProperty({
    enum: [
      'purpose',
      'ageGroup',
      'language',
      'notLanguage',
      'everyExploitation',
      'exploitation',
      'notExploitation',
      'region',
      'otherRegion',
      'national',
      'staffed',
      'vacant',
      'vacantFallback',
      'unconfirmed',
    ],
  })
  code!: RankingReason['code'];
  value?: string;
  languages?: string[];
  fallback?: string;
}

/** A role of some node, ranked for a lookup. */
export class LookupMatch {
  address!: string;
  node!: string;
  organisation!: LookupOrganisation;
  title!: string;
  status!: 'active' | 'vacant';
  unconfirmed!: boolean;
  fallback!: string | null;
  /** ISO 639-1 codes of the languages the role works in. */
  languages!: string[];
  channels!: RoleChannels | null;
  score!: number;
  /** Why the role is offered, and what speaks against it, in the order the score counts them: coded, for a console to word. */
  because!: RankingReasonView[];
  /** The same in English words. */
  reasons!: string[];
}

/** A directory the lookup read: this node's own, or one a partner published (null until one arrived). */
export class LookupSource {
  node!: string;
  version!: number | null;
  issuedAt!: string | null;
}

/** Who do I send this to: roles ranked, with the directories they come from. */
export class LookupAnswer {
  matches!: LookupMatch[];
  sources!: LookupSource[];
}
