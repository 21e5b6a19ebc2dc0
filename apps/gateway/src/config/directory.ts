import { OmitType } from '@nestjs/swagger';
import {
  AgeGroup,
  DirectoryOrganisation,
  DirectoryRole,
  ExploitationForm,
  OrganisationKind,
  Purpose,
  ROLE_STATUSES,
  RoleStatus,
  SLUG,
  isAddress,
  isPlain,
  nodeOf,
  parseAddress,
  receiptsAddress,
  validatePlain,
} from '@trm/wire';
import { Matches } from 'class-validator';

/** A functional contact point: a role in an organisation, never a person. */
export interface RoleEntry {
  slug: string;
  title: string;
  purposes: Purpose[];
  ageGroups: AgeGroup[];
  /** Forms of exploitation the role handles; absent means all. */
  exploitation?: ExploitationForm[];
  languages: string[];
  /** Where the role works: `national`, or a region's name as used in the country (e.g. `Vojvodina`). */
  region?: string;
  /** In a seed file: whether the role starts staffed (a fictional sample assignment) or vacant. */
  status: RoleStatus;
  /** Receives the role's messages while it is vacant. */
  fallback?: string;
  /** Functional channels only (an office phone, a shared mailbox). */
  channels?: { phone?: string; mailbox?: string };
}

export interface OrganisationEntry {
  slug: string;
  name: string;
  kind: OrganisationKind;
  roles: RoleEntry[];
}

export interface Directory {
  node: string;
  /** The role that hears about missed deadlines: the national coordinator's, or the office acting for it. */
  coordinator: string;
  organisations: OrganisationEntry[];
}

export const addressOf = (node: string, org: string, role: string): string => `${node}/${org}/${role}`;

/** The organisation part of a well-formed address. */
export const organisationOf = (address: string): string => parseAddress(address)!.organisation;

/** An organisation of a directory file as partners will see it, its roles checked one by one. */
class ConfiguredOrganisation extends OmitType(DirectoryOrganisation, ['roles'] as const) {}

/** A role of a directory file as partners will see it, less what the node works out: its address, status, confirmation. */
class ConfiguredRole extends OmitType(DirectoryRole, ['address', 'status', 'unconfirmed'] as const) {
  @Matches(SLUG, { message: 'slug must be a lowercase slug such as intake' })
  slug!: string;
}

/**
 * Problems of a directory file for `node`. Organisations and roles are checked with the wire library's classes a
 * partner checks the published directory with, then the rules between entries.
 */
export function directoryProblems(value: unknown, node: string): string[] {
  if (!isPlain(value)) return ['directory must be an object'];
  const d = value as unknown as Directory;
  const problems: string[] = [];
  if (d.node !== node) problems.push(`directory.node must be "${node}"`);
  if (!Array.isArray(d.organisations)) return [...problems, 'directory.organisations must be a list'];
  const slugs = new Set<unknown>();
  for (const [i, o] of (d.organisations as unknown[]).entries()) {
    const at = `organisations[${i}]`;
    if (!isPlain(o)) {
      problems.push(`${at} must be an object`);
      continue;
    }
    const { roles, ...organisation } = o;
    problems.push(...validatePlain(ConfiguredOrganisation, organisation, at).map((p) => `${p.field} ${p.problem}`));
    if (slugs.has(o.slug)) problems.push(`${at}.slug must be unique in the directory`);
    slugs.add(o.slug);
    if (!Array.isArray(roles)) problems.push(`${at}.roles must be a list`);
    else roles.forEach((r: unknown, j) => problems.push(...roleProblems(r, `${at}.roles[${j}]`, node)));
  }
  const addresses = rolesOf(d).map((r) => r.address);
  if (!addresses.includes(d.coordinator)) problems.push('directory.coordinator must be the address of one of its roles');
  problems.push(...duplicateAddresses(d).map((a) => `address ${a} must be unique and not the receipts address`));
  problems.push(...unknownFallbacks(d).map((f) => `fallback names no role of the directory: ${f}`));
  problems.push(...fallbackChainProblems(d).map((p) => `fallback chain ${p}`));
  return problems;
}

function roleProblems(r: unknown, at: string, node: string): string[] {
  if (!isPlain(r)) return [`${at} must be an object`];
  const { status, ...role } = r;
  const problems = validatePlain(ConfiguredRole, role, at).map((p) => `${p.field} ${p.problem}`);
  if (typeof r.region === 'string' && r.region.length > 0 && !r.region.trim()) problems.push(`${at}.region must be a short name`);
  if (!ROLE_STATUSES.includes(status as RoleStatus)) problems.push(`${at}.status must be ${ROLE_STATUSES.join(' or ')}`);
  if (r.fallback !== undefined && (!isAddress(r.fallback) || nodeOf(r.fallback) !== node)) problems.push(`${at}.fallback must be an address of ${node}`);
  if (status === 'vacant' && !r.fallback) problems.push(`${at} is vacant and needs a fallback`);
  return problems;
}

interface IndexedRole {
  address: string;
  role: RoleEntry;
}

/** The directory's roles with their addresses; entries that are not objects are left out (reported elsewhere). */
export function rolesOf(d: Directory): IndexedRole[] {
  const out: IndexedRole[] = [];
  for (const o of Array.isArray(d?.organisations) ? d.organisations : []) {
    if (!isPlain(o) || !Array.isArray(o.roles)) continue;
    for (const r of o.roles) if (isPlain(r)) out.push({ address: addressOf(d.node, String(o.slug), String(r.slug)), role: r });
  }
  return out;
}

/** Addresses (including the node's receipts address) that occur more than once. */
export function duplicateAddresses(d: Directory): string[] {
  const seen = new Set<string>([receiptsAddress(d.node)]);
  const dups: string[] = [];
  for (const { address } of rolesOf(d)) {
    if (seen.has(address)) dups.push(address);
    seen.add(address);
  }
  return dups;
}

/** Fallbacks that do not name a role of this directory. */
export function unknownFallbacks(d: Directory): string[] {
  const known = new Set(rolesOf(d).map((r) => r.address));
  return rolesOf(d)
    .filter(({ role }) => role.fallback !== undefined && !known.has(role.fallback))
    .map(({ address, role }) => `${address} -> ${role.fallback}`);
}

/** From every role, following fallbacks must end (no loop, no unknown address) at an active role. */
export function fallbackChainProblems(d: Directory): string[] {
  const index = new Map(rolesOf(d).map((r) => [r.address, r.role]));
  const problems: string[] = [];
  for (const [start, first] of index) {
    const chain = [start];
    let role = first;
    let broken = false;
    while (role.fallback !== undefined) {
      if (chain.includes(role.fallback)) {
        problems.push(`loop: ${[...chain, role.fallback].join(' -> ')}`);
        broken = true;
        break;
      }
      const next = index.get(role.fallback);
      if (!next) {
        problems.push(`unknown address: ${[...chain, role.fallback].join(' -> ')}`);
        broken = true;
        break;
      }
      chain.push(role.fallback);
      role = next;
    }
    if (!broken && role.status !== 'active') problems.push(`ends at a ${role.status} role: ${chain.join(' -> ')}`);
  }
  return problems;
}
