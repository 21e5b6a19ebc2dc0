import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JWTPayload, JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
import { AuditLog } from '../audit/audit.service';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { RegistryService } from '../registry/registry.service';
import { APP_ROLES, AppRole, Principal } from './principal';

const ALGORITHMS = ['EdDSA', 'ES256', 'RS256'];
const CACHE_LIMIT = 10_000;

interface Verified {
  subject: string;
  roles: AppRole[];
  organisation: string | null;
  /** Seconds since the epoch, from the token. */
  expiresAt: number;
}

/**
 * Bearer tokens (JWT) from the organisation's identity provider, verified against its JWKS: issuer, audience,
 * expiry, signature. Claims: `sub` (for staff: their person id in this node's registry), `trm_roles` (application
 * roles), optionally `trm_org` (the organisation an administrator looks after).
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
    return { subject: known.subject, roles: known.roles, organisation: known.organisation, holds: this.registry.heldBy(known.subject, now) };
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
    const roles = Array.isArray(payload.trm_roles) ? payload.trm_roles.filter((r): r is AppRole => APP_ROLES.includes(r as AppRole)) : [];
    if (!payload.sub || !roles.length || !payload.exp) throw new UnauthorizedException('the bearer token names no subject, no application role or no expiry');
    const verified: Verified = { subject: payload.sub, roles, organisation: typeof payload.trm_org === 'string' ? payload.trm_org : null, expiresAt: payload.exp };
    await this.audit.record([{ actor: verified.subject, action: 'auth.login', subject: payload.jti ?? `${payload.sub}@${payload.iat ?? ''}`, detail: { roles } }]);
    return verified;
  }
}
