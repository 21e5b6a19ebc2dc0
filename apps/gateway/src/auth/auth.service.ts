import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JWTPayload, JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
import { AuditLog } from '../audit/audit.service';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { RegistryService } from '../registry/registry.service';
import { APP_ROLES, AppRole, Principal } from './principal';

const ALGORITHMS = ['EdDSA', 'ES256', 'RS256'];
const SEEN_LIMIT = 10_000;

/**
 * Bearer tokens (JWT) from the organisation's identity provider, verified against its JWKS: issuer, audience,
 * expiry, signature. Claims: `sub` (for staff: their person id in this node's registry), `trm_roles` (application
 * roles), optionally `trm_org` (the organisation an administrator looks after).
 */
@Injectable()
export class AuthService {
  private readonly keys: JWTVerifyGetKey;
  private readonly seen = new Set<string>();

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
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.auth.issuer,
        audience: this.config.auth.audience,
        algorithms: ALGORITHMS,
        currentDate: this.clock.now(),
      }));
    } catch (err) {
      throw new UnauthorizedException(`the bearer token is not valid here (${(err as { code?: string }).code ?? 'invalid'})`);
    }
    const roles = Array.isArray(payload.trm_roles) ? payload.trm_roles.filter((r): r is AppRole => APP_ROLES.includes(r as AppRole)) : [];
    if (!payload.sub || !roles.length) throw new UnauthorizedException('the bearer token names no subject or no application role');
    const principal: Principal = {
      subject: payload.sub,
      roles,
      organisation: typeof payload.trm_org === 'string' ? payload.trm_org : null,
      holds: this.registry.heldBy(payload.sub, this.clock.now()),
    };
    const tokenId = payload.jti ?? `${payload.sub}@${payload.iat ?? ''}`;
    if (!this.seen.has(tokenId)) {
      if (this.seen.size >= SEEN_LIMIT) this.seen.clear();
      this.seen.add(tokenId);
      // The first use of a token by this process counts as a login.
      await this.audit.record([{ actor: principal.subject, action: 'auth.login', subject: tokenId, detail: { roles: principal.roles } }]);
    }
    return principal;
  }
}
