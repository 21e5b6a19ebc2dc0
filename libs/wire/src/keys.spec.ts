import { sign, verify } from 'node:crypto';
import {
  Jwks,
  TrmJwk,
  currentKey,
  generateNodeKeys,
  importKey,
  jwksProblems,
  keyStateAt,
  kidNode,
  privateJwksProblems,
  publicJwks,
  rotateNodeKeys,
} from './keys';

const NOW = new Date('2026-11-22T10:00:00Z');
const rs = generateNodeKeys('RS', { now: NOW, validUntil: new Date('2027-11-22T10:00:00Z') });
const byUse = (jwks: Jwks, use: 'sig' | 'enc') => jwks.keys.find((k) => k.use === use)!;

/** A published key with the given validity; only the fields keyStateAt and currentKey look at matter. */
const key = (kid: string, validity: Partial<TrmJwk>, use: 'sig' | 'enc' = 'sig'): TrmJwk => ({
  ...byUse(rs.publicJwks, use),
  kid,
  validFrom: '2026-01-01T00:00:00Z',
  ...validity,
});

describe('generateNodeKeys', () => {
  it('makes one Ed25519 signing key and one X25519 encryption key, with kids of the node', () => {
    expect(rs.privateJwks.keys).toHaveLength(2);
    expect(byUse(rs.privateJwks, 'sig')).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: expect.stringMatching(/^RS#.+/) });
    expect(byUse(rs.privateJwks, 'enc')).toMatchObject({ kty: 'OKP', crv: 'X25519', alg: 'ECDH-ES+A256KW', kid: expect.stringMatching(/^RS#.+/) });
    expect(byUse(rs.privateJwks, 'sig').kid).not.toBe(byUse(rs.privateJwks, 'enc').kid);
  });

  it('records the validity it was given', () => {
    for (const k of rs.privateJwks.keys) {
      expect(k).toMatchObject({ validFrom: '2026-11-22T10:00:00.000Z', validUntil: '2027-11-22T10:00:00.000Z' });
    }
    expect(generateNodeKeys('RS').privateJwks.keys[0]).not.toHaveProperty('validUntil');
  });

  it('gives a node with a suffix kids of that node', () => {
    const kids = generateNodeKeys('RS-ASTRA').publicJwks.keys.map((k) => kidNode(k.kid));
    expect(kids).toEqual(['RS-ASTRA', 'RS-ASTRA']);
  });

  it('makes new keys and kids on every call', () => {
    const again = generateNodeKeys('RS', { now: NOW });
    expect(byUse(again.publicJwks, 'sig').x).not.toBe(byUse(rs.publicJwks, 'sig').x);
    expect(again.publicJwks.keys.map((k) => k.kid)).not.toEqual(rs.publicJwks.keys.map((k) => k.kid));
  });

  it('publishes the public halves only', () => {
    expect(rs.privateJwks.keys.every((k) => typeof k.d === 'string' && k.d.length > 0)).toBe(true);
    expect(rs.publicJwks.keys.map((k) => Object.keys(k))).not.toContainEqual(expect.arrayContaining(['d']));
    expect(rs.publicJwks.keys).toEqual(rs.privateJwks.keys.map(({ d: _d, ...pub }) => pub));
  });

  it('makes keys that work: what the private key signs, the published key verifies', () => {
    const data = Buffer.from('trm-amqp/1');
    const signature = sign(null, data, importKey(byUse(rs.privateJwks, 'sig')));
    const published = importKey(byUse(rs.publicJwks, 'sig'));
    expect(published.type).toBe('public');
    expect(verify(null, data, published, signature)).toBe(true);
    expect(verify(null, Buffer.from('trm-amqp/2'), published, signature)).toBe(false);
  });
});

describe('publicJwks', () => {
  it('strips d without changing the given JWKS', () => {
    const copy = structuredClone(rs.privateJwks);
    expect(publicJwks(copy).keys.some((k) => 'd' in k)).toBe(false);
    expect(copy).toEqual(rs.privateJwks);
  });
});

describe('importKey', () => {
  it.each<['sig' | 'enc', string]>([
    ['sig', 'ed25519'],
    ['enc', 'x25519'],
  ])('imports the %s key as a private or public %s key', (use, type) => {
    expect(importKey(byUse(rs.privateJwks, use))).toMatchObject({ type: 'private', asymmetricKeyType: type });
    expect(importKey(byUse(rs.publicJwks, use))).toMatchObject({ type: 'public', asymmetricKeyType: type });
  });
});

describe('kidNode', () => {
  it.each<[string, string | null]>([
    ['RS#sig-1', 'RS'],
    ['RS-ASTRA#sig-1', 'RS-ASTRA'],
    ['RS#a#b', 'RS'],
    ['RS', null],
    ['#sig-1', null],
    ['RS#', null],
  ])('%s -> %s', (kid, node) => {
    expect(kidNode(kid)).toBe(node);
  });
});

describe('keyStateAt', () => {
  const jwk = key('RS#k', { validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' });

  it.each<[string, Partial<TrmJwk>, string]>([
    ['2025-12-31T23:59:59Z', {}, 'not-yet-valid'],
    ['2026-01-01T00:00:00Z', {}, 'valid'],
    ['2026-12-31T23:59:59Z', {}, 'valid'],
    ['2027-01-01T00:00:00Z', {}, 'expired'],
    ['2026-06-01T00:00:00Z', { validUntil: undefined }, 'valid'],
    ['2030-06-01T00:00:00Z', { validUntil: undefined }, 'valid'],
    ['2026-06-01T00:00:00Z', { revokedAt: '2026-07-01T00:00:00Z' }, 'revoked'],
  ])('at %s (%j): %s', (at, changes, state) => {
    expect(keyStateAt({ ...jwk, ...changes }, new Date(at))).toBe(state);
  });
});

describe('currentKey', () => {
  const at = new Date('2026-06-01T00:00:00Z');
  const jwks: Jwks = {
    keys: [
      key('RS#old', { validFrom: '2026-01-01T00:00:00Z' }),
      key('RS#new', { validFrom: '2026-05-01T00:00:00Z' }),
      key('RS#future', { validFrom: '2026-07-01T00:00:00Z' }),
      key('RS#revoked', { validFrom: '2026-05-15T00:00:00Z', revokedAt: '2026-05-20T00:00:00Z' }),
      key('RS#expired', { validFrom: '2026-05-10T00:00:00Z', validUntil: '2026-05-31T00:00:00Z' }),
      key('RS#enc', { validFrom: '2026-05-30T00:00:00Z' }, 'enc'),
    ],
  };

  it('is the newest valid key of the use', () => {
    expect(currentKey(jwks, 'sig', at)?.kid).toBe('RS#new');
    expect(currentKey(jwks, 'enc', at)?.kid).toBe('RS#enc');
  });

  it('is null when no key of the use is valid', () => {
    expect(currentKey(jwks, 'enc', new Date('2026-05-29T00:00:00Z'))).toBeNull();
  });
});

describe('jwksProblems', () => {
  it.each([
    ['public', rs.publicJwks],
    ['private', rs.privateJwks],
  ])('accepts a generated %s JWKS for its own node', (_label, jwks) => {
    expect(jwksProblems(jwks, 'RS')).toEqual([]);
  });

  it.each(['HU', 'RS-ASTRA'])('refuses the keys for node %s, naming each kid', (node) => {
    const problems = jwksProblems(rs.publicJwks, node);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('keys[0].kid');
    expect(problems[1]).toContain('keys[1].kid');
  });

  it('refuses keys of RS-ASTRA for RS', () => {
    expect(jwksProblems(generateNodeKeys('RS-ASTRA').publicJwks, 'RS')).toHaveLength(2);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [byUse(rs.publicJwks, 'sig')]],
    ['no keys', { keys: [] }],
    ['keys not an array', { keys: byUse(rs.publicJwks, 'sig') }],
  ])('refuses %s', (_label, value) => {
    expect(jwksProblems(value, 'RS')).toEqual([expect.stringContaining('keys')]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['kty other than OKP', { kty: 'EC' }, 'keys[1].kty'],
    ['a sig key on X25519', { crv: 'X25519' }, 'keys[1]'],
    ['a sig key with alg ES256', { alg: 'ES256' }, 'keys[1]'],
    ['an unknown use', { use: 'wrap' }, 'keys[1]'],
    ['no x', { x: undefined }, 'keys[1].x'],
    ['no validFrom', { validFrom: undefined }, 'keys[1].validFrom'],
    ['a validFrom that is no date', { validFrom: 'soon' }, 'keys[1].validFrom'],
    ['a validUntil that is no date', { validUntil: 'never' }, 'keys[1].validUntil'],
  ])('refuses a key with %s, naming it', (_label, changes, where) => {
    const keys = [byUse(rs.publicJwks, 'enc'), JSON.parse(JSON.stringify({ ...byUse(rs.publicJwks, 'sig'), ...changes }))];
    const problems = jwksProblems({ keys }, 'RS');
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(where)).toBe(true);
  });
});

describe('privateJwksProblems', () => {
  it('accepts a generated private JWKS for its own node', () => {
    expect(privateJwksProblems(rs.privateJwks, 'RS')).toEqual([]);
  });

  it('refuses a key without its private part, after the shape problems', () => {
    expect(privateJwksProblems(rs.publicJwks, 'RS')).toEqual(['every key needs its private part (d)']);
    expect(privateJwksProblems(rs.publicJwks, 'HU')).toEqual([
      expect.stringContaining('keys[0].kid'),
      expect.stringContaining('keys[1].kid'),
      'every key needs its private part (d)',
    ]);
    expect(privateJwksProblems(null, 'RS')).toEqual([expect.stringContaining('keys')]);
  });
});

describe('rotateNodeKeys', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const activate = new Date('2026-11-23T12:00:00Z');
  const retire = new Date('2026-11-30T12:00:00Z');
  const current = generateNodeKeys('AT', { now: new Date('2026-01-01T00:00:00Z') }).privateJwks;
  const rotated = rotateNodeKeys('AT', current, activate, retire);

  it('keeps signing with the old key until the new one is valid, then switches', () => {
    expect(currentKey(rotated, 'sig', now)?.kid).toBe(currentKey(current, 'sig', now)?.kid);
    const after = currentKey(rotated, 'sig', activate);
    expect(after?.kid).not.toBe(currentKey(current, 'sig', now)?.kid);
    expect(after?.validFrom).toBe(activate.toISOString());
  });

  it('ends the old keys at the retirement time and keeps them listed', () => {
    for (const old of current.keys) {
      const kept = rotated.keys.find((k) => k.kid === old.kid);
      expect(kept?.validUntil).toBe(retire.toISOString());
      expect(keyStateAt(kept!, new Date(retire.getTime() - 1))).toBe('valid');
      expect(keyStateAt(kept!, retire)).toBe('expired');
    }
    expect(rotated.keys).toHaveLength(current.keys.length + 2);
    expect(jwksProblems(rotated, 'AT')).toEqual([]);
  });

  it('refuses to retire the old keys before the new ones are valid', () => {
    expect(() => rotateNodeKeys('AT', current, retire, activate)).toThrow();
  });
});
