import type { SealedPersonalData } from '@trm/wire';

/** SAMPLE DATA, invented: personal details nobody could mistake for anything else in a log line, a mail or a call. */
export const CANARY_PERSON: SealedPersonalData = {
  givenName: 'Ljiljana',
  familyName: 'Privacy-Canary',
  dateOfBirth: '1994-07-14',
  placeOfBirth: 'Canaryville',
  travelDocument: { type: 'passport', number: 'CANARY-PASS-4711', issuer: 'RS', expires: '2031-07-14' },
  phone: '+381 64 999 4711',
};
export const CANARY_NAME = `${CANARY_PERSON.givenName} ${CANARY_PERSON.familyName}`;
/** What must never leave the node but through the sealed-data endpoint. */
export const CANARIES = ['Ljiljana', 'Privacy-Canary', 'CANARY-PASS-4711', '+381 64 999 4711', 'Canaryville'];

const PLAIN = [...new Set(CANARIES.flatMap((c) => [c, encodeURIComponent(c)]).map((c) => c.toLowerCase()))];

/** The canaries found in `text`: each in any letter case or URL-encoded, and in base64 at any alignment. */
export function leaksIn(text: string): string[] {
  const lower = text.toLowerCase();
  return [...PLAIN.filter((f) => lower.includes(f)), ...ENCODED.filter((f) => text.includes(f))];
}

/**
 * Every fragment of base64 (standard and url-safe) that encoding a canary yields, whatever its offset in the encoded
 * bytes: only characters fully determined by the canary's own bytes are kept, so a JWS or JWE payload that contains
 * the canary in clear (signed, not encrypted) is caught wherever it sits.
 */
export function base64Forms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const core = encoded.slice(k ? 4 : 0, Math.floor((k + bytes.length) / 3) * 4);
    out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

const ENCODED = [...new Set(CANARIES.flatMap((c) => [...base64Forms(c), ...base64Forms(c.toLowerCase()), ...base64Forms(c.toUpperCase())]))];
