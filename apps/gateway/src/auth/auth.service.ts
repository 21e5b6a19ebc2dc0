import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JWTPayload, JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
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
  private readonly logger = new Logger(AuthService.name);
  private readonly keys: JWTVerifyGetKey;
  private readonly seen = new Set<string>();
  private loginListener: ((principal: Principal, tokenId: string) => Promise<void>) | null = null;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: RegistryService,
    private readonly clock: Clock,
  ) {
    const { jwks, jwksUrl } = config.auth;
    this.keys = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : createLocalJWKSet(jwks!);
  }

  /** Called once per token this process sees for the first time: a login, for the audit log. */
  onLogin(listener: (principal: Principal, tokenId: string) => Promise<void>): void {
    this.loginListener = listener;
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
      await this.loginListener?.(principal, tokenId).catch((err: Error) => this.logger.warn(`login not audited: ${err.name}`));
    }
    return principal;
  }
}
