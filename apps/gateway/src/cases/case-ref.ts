import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/** A pseudonymous case reference such as `AT-2026-7F3K9QXA`: node, year, randomness, nothing about the person. */
export function newCaseRef(node: string, now: Date): string {
  let random = '';
  for (let i = 0; i < 8; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return `${node}-${now.getUTCFullYear()}-${random}`;
}
