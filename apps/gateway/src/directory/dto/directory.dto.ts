import {
  AGE_GROUPS,
  AgeGroup,
  DirectoryRole,
  EXPLOITATION_FORMS,
  ExploitationForm,
  IsAddress,
  IsLanguage,
  IsText,
  IsTimestamp,
  ORGANISATION_KINDS,
  OrganisationKind,
  PURPOSES,
  Purpose,
  SLUG,
} from '@trm/wire';
import { OmitType, PartialType } from '@nestjs/swagger';
import { ROLE_LINK_STATUSES, RoleLinkStatus } from '../../registry/entities';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

export class CreateOrganisationDto {
  /** Lowercase slug; becomes the middle part of every address of the organisation. */
  @Matches(SLUG, { message: 'slug must be a lowercase slug such as lefoe-ibf' })
  slug!: string;

  @IsString()
  @IsText()
  @Length(1, 200)
  name!: string;

  @IsIn(ORGANISATION_KINDS)
  kind!: OrganisationKind;
}

export class UpdateOrganisationDto {
  @IsOptional()
  @IsString()
  @IsText()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;
}

/**
 * A new role of an organisation of this node: what a partner sees of it (the wire library's DirectoryRole) without
 * what the node works out itself — its address (from organisation and slug), its status (from its assignments).
 */
export class CreateRoleDto extends OmitType(DirectoryRole, ['address', 'status', 'unconfirmed'] as const) {
  @Matches(SLUG, { message: 'slug must be a lowercase slug such as intake' })
  slug!: string;
}

export class UpdateRoleDto extends PartialType(OmitType(CreateRoleDto, ['slug'] as const)) {}

export class CreatePersonDto {
  /** Stays on this node: never published, never sent to a partner. */
  @IsString()
  @IsText()
  @Length(1, 200)
  name!: string;

  /** Their own e-mail address: never a role's published mailbox. */
  @IsOptional()
  @IsEmail()
  email?: string;

  /** Their own phone: never a role's published phone. */
  @IsOptional()
  @IsString()
  @IsText()
  @Length(3, 40)
  @Matches(/\d/, { message: 'phone must be a phone number' })
  phone?: string;

  /**
   * The organisation whose staff they are: an administrator of one organisation creates its staff (default), an
   * administrator of the whole node names any organisation, or none for the node's own staff.
   */
  @IsOptional()
  @Matches(SLUG, { message: 'organisation must be the slug of an organisation, such as cptv' })
  organisation?: string;
}

export class AssignDto {
  @IsUUID()
  person!: string;

  @IsOptional()
  @IsUUID()
  deputy?: string;

  /** Defaults to now. */
  @IsOptional()
  @IsTimestamp()
  startsAt?: string;

  @IsOptional()
  @IsTimestamp()
  endsAt?: string;
}

export class EndAssignmentDto {
  /** Defaults to now. */
  @IsOptional()
  @IsTimestamp()
  endsAt?: string;
}

export class RoleHandoverDto {
  /** The person taking the role over. */
  @IsUUID()
  to!: string;

  @IsOptional()
  @IsUUID()
  deputy?: string;
}

export class DeactivateRoleDto {
  /** The role of this node that takes over the retired role's cases and messages. */
  @IsAddress()
  successor!: string;
}

export class ConfirmRoleDto {
  /** Who confirms: a current holder or deputy of the role. Default: the caller. */
  @IsOptional()
  @IsUUID()
  person?: string;
}

export class RoleLinksQueryDto {
  /** Only links in this state; default: all. */
  @IsOptional()
  @IsIn(ROLE_LINK_STATUSES)
  status?: RoleLinkStatus;
}

export class AtQueryDto {
  /** RFC 3339 with a time zone; default: now. */
  @IsOptional()
  @IsTimestamp()
  at?: string;
}

export class LookupQueryDto {
  /** ISO 3166-1 alpha-2 (XK for Kosovo): that country's nodes only. */
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be two capital letters, e.g. RS' })
  country?: string;

  @IsOptional()
  @IsIn(PURPOSES)
  purpose?: Purpose;

  @IsOptional()
  @IsIn(AGE_GROUPS)
  ageGroup?: AgeGroup;

  @IsOptional()
  @IsLanguage()
  language?: string;

  @IsOptional()
  @IsIn(EXPLOITATION_FORMS)
  exploitation?: ExploitationForm;

  @IsOptional()
  @IsString()
  @IsText()
  @Length(1, 60)
  region?: string;
}
