import { decodeJwt } from 'jose';
import { claimsOf } from '../../gateway/src/auth/auth.service';
import { createIssuer, mintToken } from './tokens';

const HOUR_MS = 3_600_000;

describe('mintToken', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  const seconds = (ms: number) => Math.floor((now.getTime() + ms) / 1000);

  it('mints tokens a node reads as valid (trmctl token mint, the demo, the tests)', async () => {
    const issuer = await createIssuer();
    const admin = await mintToken(issuer, { node: 'AT', subject: 'person-1', roles: ['caseworker', 'administrator'], organisation: 'cptv', now });
    expect(claimsOf(decodeJwt(admin), now, 12 * HOUR_MS)).toEqual({
      subject: 'person-1',
      roles: ['caseworker', 'administrator'],
      organisation: 'cptv',
      expiresAt: seconds(8 * HOUR_MS),
    });
    const whole = await mintToken(issuer, { node: 'AT', subject: 'svc', roles: ['coordinator'], now });
    expect(claimsOf(decodeJwt(whole), now, 12 * HOUR_MS)).toMatchObject({ organisation: null });
  });
});
