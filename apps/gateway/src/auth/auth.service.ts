import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { SLUG } from '@trm/wire';
import { JWTPayload, JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
import { AuditLog } from '../audit/audit.service';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { RegistryService } from '../registry/registry.service';
import { APP_ROLES, AppRole, Principal } from '../http/principal';

const ALGORITHMS = ['EdDSA', 'ES256', 'RS256'];
const CACHE_LIMIT = 10_000;
/** How far ahead of this node's clock a token's `iat` may be: the identity provider's clock may run a little fast. */
export const CLOCK_SKEW_S = 60;
const SUBJECT_MAX = 256;

export interface Verified {
  subject: string;
  roles: AppRole[];
  organisation: string | null;
  /** Seconds since the epoch, from the token. */
  expiresAt: number;
}

/**
 * Bearer tokens (JWT) from the organisation's identity provider, verified against its JWKS: issuer, audience,
 * expiry, signature. Claims: `sub` (for staff: their person id in this node's registry), `trm_roles` (application
 * roles), optionally `trm_org` (the organisation an administrator looks after). A claim this node cannot read as
 * meant makes the whole token invalid (see `claimsOf`): access is never guessed from a malformed token.
 */
@Injectable()
export class AuthService {
  private readonly keys: JWTVerifyGetKey;
  /**
   * Tokens verified before, until they expire: a signature check per request would cost more than the request. The
   * check itself is kept, so requests arriving together with a new token verify it (and log the login) once.
   */
  private readonly verified = new Map<string, Promise<Verified>>();

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: RegistryService,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {
    const { jwks, jwksUrl } = config.auth;
    this.keys = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : createLocalJWKSet(jwks!);
  }

  async authenticate(header: string | undefined): Promise<Principal> {
    const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header ?? '')?.[1];
    if (!token) throw new UnauthorizedException('a bearer token is required (Authorization: Bearer <JWT>)');
    const now = this.clock.now();
    const cached = this.verifyOnce(token, now);
    let known = await cached;
    if (known.expiresAt * 1000 <= now.getTime()) {
      if (this.verified.get(token) === cached) this.verified.delete(token);
      known = await this.verifyOnce(token, now);
    }
    const holds = this.registry.heldBy(known.subject, now);
    return {
      subject: known.subject,
      roles: known.roles,
      organisation: known.organisation,
      holds,
      covers: known.roles.includes('caseworker') ? this.registry.coveredBy(holds, now) : [],
    };
  }

  /** The token's check, started now unless one is cached or under way; a failed check is not kept. */
  private verifyOnce(token: string, now: Date): Promise<Verified> {
    const known = this.verified.get(token);
    if (known) return known;
    if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
    const checking = this.verify(token, now);
    this.verified.set(token, checking);
    checking.catch(() => {
      if (this.verified.get(token) === checking) this.verified.delete(token);
    });
    return checking;
  }

  /** Checks a token seen for the first time; its first use counts as a login in the audit log. */
  private async verify(token: string, now: Date): Promise<Verified> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.auth.issuer,
        audience: this.config.auth.audience,
        algorithms: ALGORITHMS,
        currentDate: now,
      }));
    } catch (err) {
      throw new UnauthorizedException(`the bearer token is not valid here (${(err as { code?: string }).code ?? 'invalid'})`);
    }
    const verified = claimsOf(payload, now, this.config.auth.maxTokenLifetimeMs);
    if (typeof verified === 'string') throw new UnauthorizedException(`the bearer token is not valid here (${verified})`);
    const { subject, roles } = verified;
    await this.audit.record([
      { actor: subject, action: 'auth.login', subject: typeof payload.jti === 'string' ? payload.jti : `${subject}@${payload.iat}`, detail: { roles } },
    ]);
    return verified;
  }
}

/**
 * The token's claims as this node reads them, or what is wrong with them (the claim's name, never its value):
 * - `sub`: a non-empty string of at most 256 characters;
 * - `trm_roles`: a non-empty array of application role names; a name this node does not know invalidates the token
 *   (a misspelt or newer role is an identity provider configuration to fix, not something to half-understand);
 * - `trm_org`: absent (every organisation of the node) or an organisation slug;
 * - `iat` and `exp` both present: `iat` at most CLOCK_SKEW_S ahead of this node's clock, and `exp - iat` no longer
 *   than `auth.maxTokenLifetime`. Without `iat` the lifetime is unknown, so the token is refused.
 */
export function claimsOf(payload: JWTPayload, now: Date, maxLifetimeMs: number): Verified | string {
  const { sub, trm_roles: roles, trm_org: org, iat, exp } = payload;
  if (typeof sub !== 'string' || !sub.length || sub.length > SUBJECT_MAX) return 'claim sub';
  if (!Array.isArray(roles) || !roles.length || !roles.every((r) => typeof r === 'string' && APP_ROLES.includes(r as AppRole))) return 'claim trm_roles';
  if (org !== undefined && (typeof org !== 'string' || !SLUG.test(org))) return 'claim trm_org';
  if (typeof exp !== 'number') return 'claim exp';
  if (typeof iat !== 'number') return 'claim iat';
  if (iat > now.getTime() / 1000 + CLOCK_SKEW_S) return 'claim iat: issued in the future';
  if ((exp - iat) * 1000 > maxLifetimeMs) return 'lifetime longer than this node accepts (auth.maxTokenLifetime)';
  return { subject: sub, roles: [...new Set(roles as AppRole[])], organisation: org ?? null, expiresAt: exp };
}
