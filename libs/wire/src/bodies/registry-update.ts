import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { isAddress, isNodeId, nodeOf, parseAddress } from '../address';
import { AGE_GROUPS, AgeGroup, EXPLOITATION_FORMS, ExploitationForm, LANGUAGES, PURPOSES, Purpose } from '../codes';
import { Jwks, jwksProblems } from '../keys';
import { MAX_REGISTRY_ITEMS, SLUG } from '../profile';
import {
  IsAddress,
  IsLanguage,
  IsNodeId,
  IsText,
  IsTimestamp,
  Optional,
  Plain,
  Problem,
  ValidateNestedEach,
  checkShape,
  isPlain,
  simple,
  validatePlain,
} from '../validation';

export const ORGANISATION_KINDS = ['government', 'ngo', 'international'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
export const ROLE_STATUSES = ['active', 'vacant'] as const;
export type RoleStatus = (typeof ROLE_STATUSES)[number];

/** The address a node sends its `registry.update` from, and partners send theirs to (decision `registry-addresses`). */
export const registryAddress = (node: string): string => `${node}/gateway/registry`;
/** The caseRef of every `registry.update` a node sends (decision `registry-addresses`). */
export const registryCaseRef = (node: string): string => `${node}-REGISTRY`;

/** The members a published key may have (`TrmJwk` without the private `d`). */
const PUBLIC_JWK_MEMBERS = ['kty', 'crv', 'x', 'kid', 'use', 'alg', 'validFrom', 'validUntil', 'revokedAt'];
/** base64url of a 32-byte Ed25519 or X25519 public key. */
const OKP_PUBLIC_X = /^[A-Za-z0-9_-]{43}$/;

/** `amqp://` or `amqps://` with a host and no user information (credentials never travel in a registry). */
export const isAmqpUrl = (value: unknown): boolean => {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (typeof value !== 'string' || value.length > 2048 || /[\s\u0000-\u001f\u007f-\u009f]/.test(value)) return false;
  if (/^[a-z]+:\/\/[^/?#]*@/i.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'amqp:' || url.protocol === 'amqps:') && url.hostname !== '' && url.username === '' && url.password === '';
};

const IsAmqpUrl = simple('isAmqpUrl', isAmqpUrl, 'must be an amqp:// or amqps:// URL with a host and without credentials');

export class RegistryEndpoint {
  @IsAmqpUrl()
  amqp!: string;
}

/** Functional channels only: an office phone, a shared mailbox. Never a person's. */
export class RoleChannels {
  @Optional()
  @IsString()
  @IsText()
  @Length(3, 40)
  phone?: string;

  @Optional()
  @IsString()
  @IsText()
  @Length(3, 254)
  @Matches(/@/, { message: 'mailbox must be a mailbox address containing "@"' })
  mailbox?: string;
}

/** A contact point: a function in an organisation, never a person (section 8). */
export class DirectoryRole {
  @IsAddress()
  address!: string;

  @IsString()
  @IsText()
  @Length(1, 200)
  title!: string;

  @IsArray()
  @ArrayMaxSize(PURPOSES.length)
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(PURPOSES, { each: true })
  purposes!: Purpose[];

  @IsArray()
  @ArrayMaxSize(AGE_GROUPS.length)
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(AGE_GROUPS, { each: true })
  ageGroups!: AgeGroup[];

  /** Forms of exploitation the role handles; absent means all. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(EXPLOITATION_FORMS.length)
  @ArrayUnique()
  @IsIn(EXPLOITATION_FORMS, { each: true })
  exploitation?: ExploitationForm[];

  @IsArray()
  @ArrayMaxSize(LANGUAGES.size)
  @ArrayUnique()
  @IsLanguage({ each: true })
  languages!: string[];

  /** `national`, or a region's name as used in the country. */
  @Optional()
  @IsString()
  @IsText()
  @Length(1, 60)
  region?: string;

  @IsIn(ROLE_STATUSES)
  status!: RoleStatus;

  /** Nobody who holds the role has confirmed its entry for a long time (the publishing node decides how long). */
  @Optional()
  @IsBoolean()
  unconfirmed?: boolean;

  /**
   * Receives the role's messages while it is vacant; an address of the same node. A vacant role should have one, but
   * a directory is not refused for a role without it: messages for that role are still accepted and wait with it.
   */
  @Optional()
  @IsAddress()
  fallback?: string;

  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => RoleChannels)
  channels?: RoleChannels;
}

export class DirectoryOrganisation {
  @IsString()
  @Matches(SLUG, { message: `slug must match ${SLUG}` })
  slug!: string;

  @IsString()
  @IsText()
  @Length(1, 200)
  name!: string;

  @IsIn(ORGANISATION_KINDS)
  kind!: OrganisationKind;

  @IsArray()
  @ArrayMaxSize(MAX_REGISTRY_ITEMS)
  @ValidateNestedEach(() => DirectoryRole)
  roles!: DirectoryRole[];
}

/** An address the node no longer publishes, and the address that took its place. */
export class RetiredRole {
  @IsAddress()
  address!: string;

  @IsAddress()
  successor!: string;

  @IsTimestamp()
  retiredAt!: string;
}

/**
 * Body of `registry.update` (section 8): the sending node's published contact points and public keys. The fields
 * `exploitation`, `region`, `unconfirmed`, `channels` and `retired` extend section 8's list (decision
 * `registry-update-body`). Rules between fields are checked by `registryUpdateProblems`.
 */
export class RegistryUpdateBody {
  @IsNodeId()
  node!: string;

  /** At most 2^31 - 1 (decision `registry-update-body`): a partner stores it as a 32-bit integer. */
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version!: number;

  @IsTimestamp()
  issuedAt!: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RegistryEndpoint)
  endpoint!: RegistryEndpoint;

  /** Public JWKS of the node; checked by `registryUpdateProblems` (every problem under `body.keys`). */
  @Allow()
  keys!: Jwks;

  @IsArray()
  @ArrayMaxSize(MAX_REGISTRY_ITEMS)
  @ValidateNestedEach(() => DirectoryOrganisation)
  organisations!: DirectoryOrganisation[];

  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_REGISTRY_ITEMS)
  @ValidateNestedEach(() => RetiredRole)
  retired?: RetiredRole[];
}

const has = (o: Plain, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * Problems of a JWKS published in a `registry.update` of `node`: those of `jwksProblems`, and it must be public
 * (no `d`, no other members), with unique kids, well-formed public keys and at least one signing key. Messages
 * name keys by index and never quote a value; `<node>` stands for the body's `node`.
 */
export function registryKeysProblems(value: unknown, node: unknown): string[] {
  if (!isPlain(value)) return ['keys must be a JWKS object { "keys": [ … ] }'];
  if (Array.isArray(value.keys) && value.keys.length > MAX_REGISTRY_ITEMS) return [`keys must not hold more than ${MAX_REGISTRY_ITEMS} keys`];
  const problems = jwksProblems(value, typeof node === 'string' ? node : '', '<node>');
  if (Object.keys(value).some((k) => k !== 'keys')) problems.push('keys must have no member other than "keys"');
  const keys = value.keys;
  if (!Array.isArray(keys) || keys.length === 0) return problems;
  const kids = new Set<unknown>();
  keys.forEach((k: unknown, i) => {
    const at = `keys[${i}]`;
    if (!isPlain(k)) {
      problems.push(`${at} must be a JWK object`);
      return;
    }
    if (has(k, 'd')) problems.push(`${at} must not contain the private member "d"`);
    if (Object.keys(k).some((m) => m !== 'd' && !PUBLIC_JWK_MEMBERS.includes(m))) {
      problems.push(`${at} must have no members other than ${PUBLIC_JWK_MEMBERS.join(', ')}`);
    }
    if (typeof k.x === 'string' && !OKP_PUBLIC_X.test(k.x)) problems.push(`${at}.x must be a base64url-encoded 32-byte public key`);
    if (k.revokedAt !== undefined && (typeof k.revokedAt !== 'string' || Number.isNaN(Date.parse(k.revokedAt)))) {
      problems.push(`${at}.revokedAt must be a timestamp`);
    }
    if (typeof k.kid === 'string') {
      if (kids.has(k.kid)) problems.push(`${at}.kid must be unique in the JWKS`);
      kids.add(k.kid);
    }
  });
  if (!keys.some((k: unknown) => isPlain(k) && k.use === 'sig')) problems.push('keys must contain at least one "sig" key');
  return problems;
}

/**
 * All problems of a `registry.update` body: class-validator's, then the rules between fields — the keys belong to
 * `node`, every address is of `node` (and of its organisation), a fallback is of `node` and not the role itself, a
 * successor is of `node` and differs from the retired address, addresses and organisation slugs are unique.
 * Field paths are those of `flattenValidationErrors` (`body.organisations.0.roles.1.fallback`).
 */
export function registryUpdateProblems(body: unknown): Problem[] {
  // A body over a limit (an array too long, say) is not walked item by item below.
  const shape = checkShape(RegistryUpdateBody, body, 'body');
  if (!shape.instance || !isPlain(body)) return shape.problems;
  const problems = validatePlain(RegistryUpdateBody, body, 'body');
  const add = (field: string, problem: string) => problems.push({ field, problem });
  const node = isNodeId(body.node) ? body.node : null;

  for (const p of registryKeysProblems(body.keys, body.node)) add('body.keys', p);

  const seen = new Set<string>();
  const unique = (address: unknown, field: string) => {
    if (!isAddress(address)) return;
    if (seen.has(address)) add(field, 'must be unique: the address appears earlier in this update');
    seen.add(address);
  };
  const ofNode = (address: unknown, field: string) => {
    if (node && isAddress(address) && nodeOf(address) !== node) add(field, 'must be an address of the node in "node"');
  };

  const slugs = new Set<string>();
  const organisations = Array.isArray(body.organisations) ? body.organisations : [];
  organisations.forEach((org: unknown, i) => {
    if (!isPlain(org)) return;
    const at = `body.organisations.${i}`;
    const slug = typeof org.slug === 'string' && SLUG.test(org.slug) ? org.slug : null;
    if (slug !== null) {
      if (slugs.has(slug)) add(`${at}.slug`, 'must be unique: the organisation appears earlier in this update');
      slugs.add(slug);
    }
    const roles = Array.isArray(org.roles) ? org.roles : [];
    roles.forEach((role: unknown, j) => {
      if (!isPlain(role)) return;
      const rt = `${at}.roles.${j}`;
      ofNode(role.address, `${rt}.address`);
      if (slug !== null && isAddress(role.address) && parseAddress(role.address)?.organisation !== slug) {
        add(`${rt}.address`, "must have the organisation's slug as its organisation part");
      }
      unique(role.address, `${rt}.address`);
      ofNode(role.fallback, `${rt}.fallback`);
      if (isAddress(role.fallback) && role.fallback === role.address) add(`${rt}.fallback`, "must be another address than the role's own");
    });
  });

  const retired = Array.isArray(body.retired) ? body.retired : [];
  retired.forEach((entry: unknown, k) => {
    if (!isPlain(entry)) return;
    const at = `body.retired.${k}`;
    ofNode(entry.address, `${at}.address`);
    unique(entry.address, `${at}.address`);
    ofNode(entry.successor, `${at}.successor`);
    if (isAddress(entry.successor) && entry.successor === entry.address) add(`${at}.successor`, 'must differ from address');
  });
  return problems;
}
