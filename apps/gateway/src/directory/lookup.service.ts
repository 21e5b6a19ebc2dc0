import { Injectable } from '@nestjs/common';
import { AgeGroup, DirectoryOrganisation, DirectoryRole, ExploitationForm, Purpose } from '@trm/wire';
import { Clock } from '../clock/clock';
import { LookupAnswer, LookupMatch, RankingReason } from './dto/directory-views.dto';
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

/** The same ground in English words, for `reasons` (read by people using the API directly and by trmctl). */
export function reasonText(r: RankingReason): string {
  switch (r.code) {
    case 'purpose':
      return `handles ${r.value}`;
    case 'ageGroup':
      return `handles age group ${r.value}`;
    case 'language':
      return `works in ${r.value}`;
    case 'notLanguage':
      return `does not list ${r.value} (works in ${r.languages.join(', ') || 'no listed language'})`;
    case 'everyExploitation':
      return 'handles every form of exploitation';
    case 'exploitation':
      return `handles ${r.value} exploitation`;
    case 'notExploitation':
      return `does not list ${r.value} exploitation`;
    case 'region':
    case 'otherRegion':
      return `works in ${r.value}`;
    case 'national':
      return 'works nationally';
    case 'staffed':
      return 'staffed';
    case 'vacantFallback':
      return `vacant: messages go to ${r.fallback}`;
    case 'vacant':
      return 'vacant';
    case 'unconfirmed':
      return 'entry not confirmed recently';
  }
}

function rank(node: string, org: DirectoryOrganisation, role: DirectoryRole, c: LookupCriteria): LookupMatch | null {
  const because: RankingReason[] = [];
  let score = 0;
  if (c.purpose) {
    if (!role.purposes.includes(c.purpose)) return null;
    because.push({ code: 'purpose', value: c.purpose });
  }
  if (c.ageGroup) {
    if (!role.ageGroups.includes(c.ageGroup)) return null;
    because.push({ code: 'ageGroup', value: c.ageGroup });
  }
  if (c.language) {
    if (role.languages.includes(c.language)) {
      score += 4;
      because.push({ code: 'language', value: c.language });
    } else because.push({ code: 'notLanguage', value: c.language, languages: role.languages });
  }
  if (c.exploitation) {
    if (!role.exploitation) {
      score += 2;
      because.push({ code: 'everyExploitation' });
    } else if (role.exploitation.includes(c.exploitation)) {
      score += 3;
      because.push({ code: 'exploitation', value: c.exploitation });
    } else because.push({ code: 'notExploitation', value: c.exploitation });
  }
  if (c.region) {
    if (role.region?.toLowerCase() === c.region.toLowerCase()) {
      score += 2;
      because.push({ code: 'region', value: role.region });
    } else if (!role.region || role.region === 'national') {
      score += 1;
      because.push({ code: 'national' });
    } else because.push({ code: 'otherRegion', value: role.region });
  }
  if (role.status === 'active') {
    score += 2;
    because.push({ code: 'staffed' });
  } else because.push(role.fallback ? { code: 'vacantFallback', fallback: role.fallback } : { code: 'vacant' });
  if (role.unconfirmed) {
    score -= 1;
    because.push({ code: 'unconfirmed' });
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
    because,
    reasons: because.map(reasonText),
  };
}
