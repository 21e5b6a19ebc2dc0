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
  /** Tokens verified before, until they expire: a signature check per request would cost more than the request. */
  private readonly verified = new Map<string, Verified>();

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
    let known = this.verified.get(token);
    if (known && known.expiresAt * 1000 <= now.getTime()) {
      this.verified.delete(token);
      known = undefined;
    }
    if (!known) known = await this.verify(token, now);
    return { subject: known.subject, roles: known.roles, organisation: known.organisation, holds: this.registry.heldBy(known.subject, now) };
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
    if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
    this.verified.set(token, verified);
    return verified;
  }
}
