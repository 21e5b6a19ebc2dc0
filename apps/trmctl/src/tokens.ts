import { SignJWT, exportJWK, generateKeyPair, importJWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppRole } from '../../gateway/src/http/principal';

/**
 * A local identity provider for the demo, the benchmark and tests: an Ed25519 key pair that signs bearer tokens.
 * In production an organisation's own identity provider issues the tokens; the node only needs its public JWKS.
 */
export interface LocalIssuer {
  issuer: string;
  privateJwk: Record<string, unknown>;
  /** What a node's `auth.jwks` holds. */
  publicJwks: { keys: Array<Record<string, unknown>> };
}

export const LOCAL_ISSUER = 'trm-local-issuer';
export const audienceOf = (node: string): string => `trm-gateway-${node}`;

export async function createIssuer(issuer = LOCAL_ISSUER): Promise<LocalIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = `issuer-${randomUUID().slice(0, 8)}`;
  return {
    issuer,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' },
    publicJwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] },
  };
}

/** The issuer kept under `dir` (created once): `issuer.private.jwk.json` (0600) and `issuer.jwks.json` for the nodes. */
export async function ensureIssuer(dir: string): Promise<LocalIssuer> {
  const privateFile = join(dir, 'issuer.private.jwk.json');
  const publicFile = join(dir, 'issuer.jwks.json');
  if (existsSync(privateFile) && existsSync(publicFile)) {
    return {
      issuer: LOCAL_ISSUER,
      privateJwk: JSON.parse(readFileSync(privateFile, 'utf8')) as LocalIssuer['privateJwk'],
      publicJwks: JSON.parse(readFileSync(publicFile, 'utf8')) as LocalIssuer['publicJwks'],
    };
  }
  const issuer = await createIssuer();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(privateFile, `${JSON.stringify(issuer.privateJwk)}\n`, { mode: 0o600 });
  writeFileSync(publicFile, `${JSON.stringify(issuer.publicJwks, null, 2)}\n`, { mode: 0o644 });
  return issuer;
}

export interface TokenClaims {
  subject: string;
  roles: AppRole[];
  organisation?: string;
  node: string;
  ttlSeconds?: number;
  now?: Date;
}

export async function mintToken(issuer: LocalIssuer, claims: TokenClaims): Promise<string> {
  const key = await importJWK(issuer.privateJwk as never, 'EdDSA');
  const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ trm_roles: claims.roles, ...(claims.organisation ? { trm_org: claims.organisation } : {}) })
    .setProtectedHeader({ alg: 'EdDSA', kid: String(issuer.privateJwk.kid) })
    .setIssuer(issuer.issuer)
    .setAudience(audienceOf(claims.node))
    .setSubject(claims.subject)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.ttlSeconds ?? 8 * 3600))
    .sign(key);
}
