/**
 * The directory lookup gives its ranking reasons as English phrases (apps/gateway/src/directory/lookup.service.ts).
 * Each known phrase becomes an i18n key of the `handover` namespace with its values; an unknown one is shown as it is.
 * Coded values inside a reason (purpose, age group, exploitation form, language) are labelled by the caller.
 */
export type Reason =
  | { key: 'handlesPurpose'; purpose: string }
  | { key: 'handlesAgeGroup'; ageGroup: string }
  | { key: 'worksInLanguage'; language: string }
  | { key: 'missingLanguage'; language: string; languages: string[] }
  | { key: 'everyExploitation' }
  | { key: 'handlesExploitation'; exploitation: string }
  | { key: 'missingExploitation'; exploitation: string }
  | { key: 'worksNationally' }
  | { key: 'worksInRegion'; region: string }
  | { key: 'staffed' }
  | { key: 'vacant' }
  | { key: 'vacantFallback'; fallback: string }
  | { key: 'unconfirmed' }
  | { key: 'raw'; text: string };

export function parseReason(text: string): Reason {
  let m: RegExpExecArray | null;
  if ((m = /^handles age group (\S+)$/.exec(text))) return { key: 'handlesAgeGroup', ageGroup: m[1] };
  if (text === 'handles every form of exploitation') return { key: 'everyExploitation' };
  if ((m = /^handles (\S+) exploitation$/.exec(text))) return { key: 'handlesExploitation', exploitation: m[1] };
  if ((m = /^does not list (\S+) exploitation$/.exec(text))) return { key: 'missingExploitation', exploitation: m[1] };
  if ((m = /^does not list ([a-z]{2}) \(works in (.*)\)$/.exec(text)))
    return { key: 'missingLanguage', language: m[1], languages: m[2] === 'no listed language' ? [] : m[2].split(', ') };
  if ((m = /^works in ([a-z]{2})$/.exec(text))) return { key: 'worksInLanguage', language: m[1] };
  if (text === 'works nationally') return { key: 'worksNationally' };
  if ((m = /^works in (.+)$/.exec(text))) return { key: 'worksInRegion', region: m[1] };
  if ((m = /^handles (\S+)$/.exec(text))) return { key: 'handlesPurpose', purpose: m[1] };
  if (text === 'staffed') return { key: 'staffed' };
  if (text === 'vacant') return { key: 'vacant' };
  if ((m = /^vacant: messages go to (\S+)$/.exec(text))) return { key: 'vacantFallback', fallback: m[1] };
  if (text === 'entry not confirmed recently') return { key: 'unconfirmed' };
  return { key: 'raw', text };
}
