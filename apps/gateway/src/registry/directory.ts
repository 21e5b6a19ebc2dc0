import { AGE_GROUPS, AgeGroup, EXPLOITATION_FORMS, ExploitationForm, LANGUAGES, PURPOSES, Purpose, SLUG, isAddress, nodeOf } from '@trm/wire';

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
  status: 'active' | 'vacant';
  /** Receives the role's messages while it is vacant. */
  fallback?: string;
  /** Functional channels only (an office phone, a shared mailbox). */
  channels?: { phone?: string; mailbox?: string };
}

export interface OrganisationEntry {
  slug: string;
  name: string;
  kind: 'government' | 'ngo' | 'international';
  roles: RoleEntry[];
}

export interface Directory {
  node: string;
  /** The role that hears about missed deadlines: the national coordinator's, or the office acting for it. */
  coordinator: string;
  organisations: OrganisationEntry[];
}

export const addressOf = (node: string, org: string, role: string): string => `${node}/${org}/${role}`;

export function directoryProblems(value: unknown, node: string): string[] {
  const d = value as Directory | null;
  const problems: string[] = [];
  if (!d || typeof d !== 'object') return ['directory must be an object'];
  if (d.node !== node) problems.push(`directory.node must be "${node}"`);
  if (!Array.isArray(d.organisations)) return [...problems, 'directory.organisations must be a list'];
  const roles = d.organisations.flatMap((o) => (Array.isArray(o?.roles) ? o.roles.map((r) => addressOf(node, o?.slug, r?.slug)) : []));
  if (!roles.includes(d.coordinator)) problems.push('directory.coordinator must be the address of one of its roles');
  d.organisations.forEach((o, i) => {
    const at = `organisations[${i}]`;
    if (!SLUG.test(o?.slug ?? '')) problems.push(`${at}.slug must match ${SLUG}`);
    if (!['government', 'ngo', 'international'].includes(o?.kind)) problems.push(`${at}.kind must be government, ngo or international`);
    (Array.isArray(o?.roles) ? o.roles : []).forEach((r, j) => {
      const rt = `${at}.roles[${j}]`;
      if (!SLUG.test(r?.slug ?? '')) problems.push(`${rt}.slug must match ${SLUG}`);
      if (!Array.isArray(r?.purposes) || r.purposes.some((p) => !PURPOSES.includes(p))) problems.push(`${rt}.purposes must list ${PURPOSES.join(', ')}`);
      if (!Array.isArray(r?.ageGroups) || r.ageGroups.some((a) => !AGE_GROUPS.includes(a))) problems.push(`${rt}.ageGroups must list ${AGE_GROUPS.join(', ')}`);
      if (r?.exploitation !== undefined && (!Array.isArray(r.exploitation) || r.exploitation.some((e) => !EXPLOITATION_FORMS.includes(e)))) {
        problems.push(`${rt}.exploitation must list ${EXPLOITATION_FORMS.join(', ')}`);
      }
      if (!Array.isArray(r?.languages) || r.languages.some((l) => !LANGUAGES.has(l))) problems.push(`${rt}.languages must list ISO 639-1 codes`);
      if (r?.region !== undefined && (typeof r.region !== 'string' || !r.region.trim() || r.region.length > 60)) problems.push(`${rt}.region must be a short name`);
      if (!['active', 'vacant'].includes(r?.status)) problems.push(`${rt}.status must be active or vacant`);
      if (r?.fallback !== undefined && (!isAddress(r.fallback) || nodeOf(r.fallback) !== node)) problems.push(`${rt}.fallback must be an address of ${node}`);
      if (r?.status === 'vacant' && !r.fallback) problems.push(`${rt} is vacant and needs a fallback`);
    });
  });
  return problems;
}
