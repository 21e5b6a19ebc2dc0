import { UnauthorizedException } from '@nestjs/common';
import { JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { AuditLog } from '../audit/audit.service';
import { NodeConfig } from '../config/node-config';
import { RegistryService } from '../registry/registry.service';
import { AuthService } from './auth.service';

const HOUR_MS = 3_600_000;

describe('AuthService', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  let clockAt = now;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let jwk: Record<string, unknown>;

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'EdDSA' };
  });

  const setUp = () => {
    const record = jest.fn().mockResolvedValue(undefined);
    clockAt = now;
    const clock = { now: () => clockAt };
    const config = {
      auth: { issuer: 'https://idp.example', audience: 'trm-XX', jwks: { keys: [jwk] }, maxTokenLifetimeMs: 12 * HOUR_MS },
    } as unknown as NodeConfig;
    const registry = { heldBy: () => [], coveredBy: () => [] } as unknown as RegistryService;
    return { auth: new AuthService(config, registry, clock, { record } as unknown as AuditLog), record };
  };

  const token = (sub: string, expiresAt: Date, audience = 'trm-XX') =>
    new SignJWT({ trm_roles: ['caseworker'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'idp-1' })
      .setSubject(sub)
      .setIssuer('https://idp.example')
      .setAudience(audience)
      .setIssuedAt(Math.floor(now.getTime() / 1000) - 10)
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(privateKey);

  it('verifies a new token once and logs one login when requests with it arrive together', async () => {
    const { auth, record } = setUp();
    const header = `Bearer ${await token('person-1', new Date(now.getTime() + 3_600_000))}`;
    const principals = await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(header)));
    expect(principals.map((p) => p.subject)).toEqual(Array(10).fill('person-1'));
    expect(record).toHaveBeenCalledTimes(1);
    await auth.authenticate(header);
    expect(record).toHaveBeenCalledTimes(1);
  });

  it('does not keep a failed check: every request with a bad token is refused', async () => {
    const { auth, record } = setUp();
    const header = `Bearer ${await token('person-1', new Date(now.getTime() + 3_600_000), 'another-node')}`;
    const results = await Promise.allSettled([auth.authenticate(header), auth.authenticate(header)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(auth.authenticate(header)).rejects.toThrow('the bearer token is not valid here');
    expect(record).not.toHaveBeenCalled();
  });

  it('refuses a cached token once it has expired', async () => {
    const { auth } = setUp();
    const expiresAt = new Date(now.getTime() + 60_000);
    const header = `Bearer ${await token('person-1', expiresAt)}`;
    await auth.authenticate(header);
    clockAt = expiresAt;
    await expect(auth.authenticate(header)).rejects.toThrow('ERR_JWT_EXPIRED');
  });

  describe('claims of the wrong type or out of bounds make the token invalid (401), naming the claim, never its value', () => {
    const seconds = (ms: number) => Math.floor((now.getTime() + ms) / 1000);
    /** A signed token of the node's issuer with exactly these claims besides iss and aud. */
    const withClaims = (claims: JWTPayload) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'idp-1' }).setIssuer('https://idp.example').setAudience('trm-XX').sign(privateKey);
    const valid: JWTPayload = { sub: 'person-1', trm_roles: ['administrator'], trm_org: 'cptv', iat: seconds(-60_000), exp: seconds(HOUR_MS) };

    it.each<[string, JWTPayload, string]>([
      ['trm_org as an array', { trm_org: ['cptv', 'astra'] }, 'claim trm_org'],
      ['trm_org null', { trm_org: null }, 'claim trm_org'],
      ['trm_org a number', { trm_org: 4711 }, 'claim trm_org'],
      ['trm_org an object', { trm_org: { slug: 'cptv' } }, 'claim trm_org'],
      ['trm_org not a slug', { trm_org: 'CPTV Belgrade' }, 'claim trm_org'],
      ['sub a number', { sub: 4711 as never }, 'claim sub'],
      ['sub empty', { sub: '' }, 'claim sub'],
      ['sub absent', { sub: undefined }, 'claim sub'],
      ['trm_roles a string', { trm_roles: 'administrator' }, 'claim trm_roles'],
      ['trm_roles empty', { trm_roles: [] }, 'claim trm_roles'],
      ['trm_roles nested', { trm_roles: [['administrator']] }, 'claim trm_roles'],
      ['trm_roles with a number', { trm_roles: ['administrator', 4711] }, 'claim trm_roles'],
      ['trm_roles with a role the node does not know', { trm_roles: ['administrator', 'superuser'] }, 'claim trm_roles'],
      ['no iat (lifetime unknown)', { iat: undefined }, 'claim iat'],
      ['no exp', { exp: undefined }, 'claim exp'],
      ['iat two minutes in the future', { iat: seconds(120_000), exp: seconds(HOUR_MS) }, 'claim iat: issued in the future'],
      [
        'a lifetime of 12 h and a second',
        { iat: seconds(-HOUR_MS), exp: seconds(11 * HOUR_MS) + 1 },
        'lifetime longer than this node accepts (auth.maxTokenLifetime)',
      ],
    ])('%s', async (_name, change, reason) => {
      const { auth, record } = setUp();
      const header = `Bearer ${await withClaims({ ...valid, ...change })}`;
      const refused = await auth.authenticate(header).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(UnauthorizedException);
      expect((refused as UnauthorizedException).getResponse()).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: `the bearer token is not valid here (${reason})`,
      });
      expect(record).not.toHaveBeenCalled();
    });

    it('takes the valid twin, an iat within the clock-skew leeway and a lifetime of exactly the maximum', async () => {
      const { auth } = setUp();
      const principal = async (claims: JWTPayload) => auth.authenticate(`Bearer ${await withClaims(claims)}`);
      expect(await principal(valid)).toMatchObject({ subject: 'person-1', roles: ['administrator'], organisation: 'cptv' });
      expect(await principal({ ...valid, trm_org: undefined })).toMatchObject({ organisation: null });
      expect(await principal({ ...valid, iat: seconds(50_000) })).toMatchObject({ subject: 'person-1' });
      expect(await principal({ ...valid, iat: seconds(-HOUR_MS), exp: seconds(11 * HOUR_MS) })).toMatchObject({ subject: 'person-1' });
    });
  });
});
