import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { JWE_ALG, JWS_ALG } from './profile';
import { isTimestamp } from './validation';

/**
 * A key as published in a node's JWKS. Besides the JWK members, the profile needs validity (section 8): the key
 * signs or is encrypted to only between `validFrom` and `validUntil`, and never after `revokedAt`.
 */
export interface TrmJwk {
  kty: 'OKP';
  crv: 'Ed25519' | 'X25519';
  x: string;
  d?: string;
  kid: string;
  use: 'sig' | 'enc';
  alg: typeof JWS_ALG | typeof JWE_ALG;
  validFrom: string;
  validUntil?: string;
  revokedAt?: string;
}

export interface Jwks {
  keys: TrmJwk[];
}

/** `<node>#<key-id>` (section 4). */
export const kidNode = (kid: string): string | null => {
  const i = kid.indexOf('#');
  return i > 0 && i < kid.length - 1 ? kid.slice(0, i) : null;
};

export interface NodeKeys {
  /** Private JWKS: keep out of version control. */
  privateJwks: Jwks;
  /** Public JWKS: what partners configure as trust anchor. */
  publicJwks: Jwks;
}

/** Generates a node's Ed25519 signing key and X25519 encryption key. */
export function generateNodeKeys(node: string, options: { now?: Date; validUntil?: Date } = {}): NodeKeys {
  const now = options.now ?? new Date();
  const stamp = now.toISOString().slice(0, 10).replace(/-/g, '');
  const suffix = randomBytes(3).toString('hex');
  const validity = {
    validFrom: now.toISOString(),
    ...(options.validUntil ? { validUntil: options.validUntil.toISOString() } : {}),
  };
  const make = (type: 'ed25519' | 'x25519'): TrmJwk => {
    const { privateKey } = type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
    const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
    const sig = type === 'ed25519';
    return {
      kty: 'OKP',
      crv: sig ? 'Ed25519' : 'X25519',
      x: jwk.x,
      d: jwk.d,
      kid: `${node}#${sig ? 'sig' : 'enc'}-${stamp}-${suffix}`,
      use: sig ? 'sig' : 'enc',
      alg: sig ? JWS_ALG : JWE_ALG,
      ...validity,
    };
  };
  const privateJwks = { keys: [make('ed25519'), make('x25519')] };
  return { privateJwks, publicJwks: publicJwks(privateJwks) };
}

export function publicJwks(jwks: Jwks): Jwks {
  return { keys: jwks.keys.map(({ d: _d, ...pub }) => pub) };
}

export type KeyState = 'valid' | 'not-yet-valid' | 'expired' | 'revoked';

export function keyStateAt(jwk: TrmJwk, at: Date): KeyState {
  if (jwk.revokedAt) return 'revoked';
  if (Date.parse(jwk.validFrom) > at.getTime()) return 'not-yet-valid';
  if (jwk.validUntil && Date.parse(jwk.validUntil) <= at.getTime()) return 'expired';
  return 'valid';
}

export interface ResolvedKey {
  jwk: TrmJwk;
  key: KeyObject;
}

/** Turns JWKS entries into Node key objects once, so verification does not re-import a key per message. */
export function importKey(jwk: TrmJwk): KeyObject {
  const { kty, crv, x, d } = jwk;
  return d ? createPrivateKey({ key: { kty, crv, x, d }, format: 'jwk' }) : createPublicKey({ key: { kty, crv, x }, format: 'jwk' });
}

/**
 * The newest key of the given use that is valid at `at` — the key a node signs with, or the partner key a node
 * encrypts to.
 */
export function currentKey(jwks: Jwks, use: 'sig' | 'enc', at: Date): TrmJwk | null {
  const candidates = jwks.keys.filter((k) => k.use === use && keyStateAt(k, at) === 'valid').sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom));
  return candidates[0] ?? null;
}

/** Minimal shape check of a JWKS read from a file or a `registry.update`; messages name the node as `nodeLabel`. */
export function jwksProblems(value: unknown, node: string, nodeLabel = node): string[] {
  const problems: string[] = [];
  const keys = (value as Jwks | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return ['keys must be a non-empty array'];
  keys.forEach((k, i) => {
    const at = `keys[${i}]`;
    if (k?.kty !== 'OKP') problems.push(`${at}.kty must be "OKP"`);
    if (typeof k?.kid !== 'string' || kidNode(k.kid) !== node) problems.push(`${at}.kid must be "${nodeLabel}#<key-id>"`);
    if (k?.use === 'sig' ? k.crv !== 'Ed25519' || k.alg !== JWS_ALG : k?.use === 'enc' ? k.crv !== 'X25519' || k.alg !== JWE_ALG : true) {
      problems.push(`${at} must be an Ed25519 "sig" key (alg EdDSA) or an X25519 "enc" key (alg ${JWE_ALG})`);
    }
    if (typeof k?.x !== 'string') problems.push(`${at}.x is required`);
    // RFC 3339 strings only: Date.parse would also take a year alone, a number or ["<timestamp>"].
    if (!isTimestamp(k?.validFrom)) problems.push(`${at}.validFrom must be a timestamp`);
    for (const field of ['validUntil', 'revokedAt'] as const) {
      if (k?.[field] !== undefined && !isTimestamp(k[field])) problems.push(`${at}.${field} must be a timestamp`);
    }
  });
  return problems;
}

/** jwksProblems of a node's own key set, which must also hold every key's private part. */
export function privateJwksProblems(value: unknown, node: string): string[] {
  const problems = jwksProblems(value, node);
  const keys = (value as Jwks | null)?.keys;
  if (Array.isArray(keys) && keys.some((k) => !k?.d)) problems.push('every key needs its private part (d)');
  return problems;
}

/**
 * Key rotation: adds a new signing and encryption key valid from `activateAt`, and ends the keys in use at
 * `retireAt` (after `activateAt`, so messages signed just before the switch still verify while they are resent).
 * Until `activateAt` the node keeps signing with its current key — in particular the `registry.update` that tells
 * partners about the new key, which they could not verify yet with the new one.
 */
export function rotateNodeKeys(node: string, current: Jwks, activateAt: Date, retireAt: Date): Jwks {
  if (retireAt <= activateAt) throw new Error('the old keys must retire after the new ones become valid');
  const fresh = generateNodeKeys(node, { now: activateAt }).privateJwks.keys;
  const ended = current.keys.map((k) =>
    keyStateAt(k, activateAt) === 'valid' && (!k.validUntil || Date.parse(k.validUntil) > retireAt.getTime())
      ? { ...k, validUntil: retireAt.toISOString() }
      : k,
  );
  return { keys: [...ended, ...fresh] };
}
