import { Injectable } from '@nestjs/common';
import { AgeGroup, DirectoryOrganisation, DirectoryRole, ExploitationForm, Purpose } from '@trm/wire';
import { Clock } from '../clock/clock';
import { LookupAnswer, LookupMatch } from './dto/directory-views.dto';
import { RegistryService } from '../registry/registry.service';

export interface LookupCriteria {
  country?: string;
  purpose?: Purpose;
  ageGroup?: AgeGroup;
  language?: string;
  exploitation?: ExploitationForm;
  region?: string;
}

/**
 * "Who do I send this to": every role of every known node (this node's own directory and what partners published)
 * that handles the purpose and age group asked for, ranked by language, form of exploitation, region, and whether
 * somebody holds the role and confirmed it.
 */
@Injectable()
export class LookupService {
  constructor(
    private readonly registry: RegistryService,
    private readonly clock: Clock,
  ) {}

  find(criteria: LookupCriteria): LookupAnswer {
    const directories = this.registry.knownDirectories(this.clock.now());
    const matches: LookupMatch[] = [];
    for (const d of directories) {
      if (criteria.country && d.node.slice(0, 2) !== criteria.country) continue;
      for (const org of d.organisations) {
        for (const role of org.roles) {
          const match = rank(d.node, org, role, criteria);
          if (match) matches.push(match);
        }
      }
    }
    matches.sort((a, b) => b.score - a.score || a.address.localeCompare(b.address));
    return { matches, sources: directories.map((d) => ({ node: d.node, version: d.version, issuedAt: d.issuedAt })) };
  }
}

function rank(node: string, org: DirectoryOrganisation, role: DirectoryRole, c: LookupCriteria): LookupMatch | null {
  const reasons: string[] = [];
  let score = 0;
  if (c.purpose) {
    if (!role.purposes.includes(c.purpose)) return null;
    reasons.push(`handles ${c.purpose}`);
  }
  if (c.ageGroup) {
    if (!role.ageGroups.includes(c.ageGroup)) return null;
    reasons.push(`handles age group ${c.ageGroup}`);
  }
  if (c.language) {
    if (role.languages.includes(c.language)) {
      score += 4;
      reasons.push(`works in ${c.language}`);
    } else reasons.push(`does not list ${c.language} (works in ${role.languages.join(', ') || 'no listed language'})`);
  }
  if (c.exploitation) {
    if (!role.exploitation) {
      score += 2;
      reasons.push('handles every form of exploitation');
    } else if (role.exploitation.includes(c.exploitation)) {
      score += 3;
      reasons.push(`handles ${c.exploitation} exploitation`);
    } else reasons.push(`does not list ${c.exploitation} exploitation`);
  }
  if (c.region) {
    if (role.region?.toLowerCase() === c.region.toLowerCase()) {
      score += 2;
      reasons.push(`works in ${role.region}`);
    } else if (!role.region || role.region === 'national') {
      score += 1;
      reasons.push('works nationally');
    } else reasons.push(`works in ${role.region}`);
  }
  if (role.status === 'active') {
    score += 2;
    reasons.push('staffed');
  } else reasons.push(role.fallback ? `vacant: messages go to ${role.fallback}` : 'vacant');
  if (role.unconfirmed) {
    score -= 1;
    reasons.push('entry not confirmed recently');
  }
  return {
    address: role.address,
    node,
    organisation: { slug: org.slug, name: org.name, kind: org.kind },
    title: role.title,
    status: role.status,
    unconfirmed: role.unconfirmed ?? false,
    fallback: role.fallback ?? null,
    languages: role.languages,
    channels: role.channels ?? null,
    score,
    reasons,
  };
}
