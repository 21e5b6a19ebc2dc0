import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { AuditLog } from '../audit/audit.service';
import { Clock } from '../clock/clock';
import { NodeConfig } from '../config/node-config';
import { RegistryService } from '../registry/registry.service';
import { AuthService } from './auth.service';

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
    const clock = { now: () => clockAt } as Clock;
    const config = { auth: { issuer: 'https://idp.example', audience: 'trm-XX', jwks: { keys: [jwk] } } } as unknown as NodeConfig;
    const registry = { heldBy: () => [] } as unknown as RegistryService;
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
});
