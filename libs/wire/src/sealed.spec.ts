import { CompactEncrypt, decodeProtectedHeader } from 'jose';
import { TrmJwk, generateNodeKeys, importKey } from './keys';
import { EncryptionKey, Opened, SealedPersonalData, openSealed, seal } from './sealed';

const encKeyOf = (node: string) => {
  const { privateJwks, publicJwks } = generateNodeKeys(node);
  const find = (jwks: { keys: TrmJwk[] }) => jwks.keys.find((k) => k.use === 'enc')!;
  const priv = find(privateJwks);
  return {
    /** What the sender encrypts to: the receiver's public key. */
    to: { kid: priv.kid, key: importKey(find(publicJwks)) },
    /** What the receiver opens with. */
    own: { kid: priv.kid, key: importKey(priv) },
  };
};
const RS = encKeyOf('RS');
const RS_NEXT = encKeyOf('RS');

const PERSON: SealedPersonalData = {
  givenName: 'Jovana',
  familyName: 'Petrović',
  dateOfBirth: '1994-03-17',
  placeOfBirth: 'Novi Sad',
  travelDocument: { type: 'passport', number: 'SR1234567', issuer: 'RS', expires: '2030-01-31' },
  phone: '+381 21 555 0100',
};
const SECRETS = ['Jovana', 'Petrović', '1994-03-17', 'Novi Sad', 'SR1234567', '555 0100', 'Kneza Miloša'];

/** Asserts a failure whose problems all name the sealed part and quote nothing of the plaintext. */
const expectRefused = (opened: Opened, fields: string[] = ['sealed']) => {
  expect(opened.ok).toBe(false);
  const problems = opened.ok ? [] : opened.problems;
  expect([...new Set(problems.map((p) => p.field))].sort()).toEqual(fields);
  const text = JSON.stringify(problems);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

const flipChar = (segment: string) => {
  const i = Math.floor(segment.length / 2);
  return segment.slice(0, i) + (segment[i] === 'A' ? 'B' : 'A') + segment.slice(i + 1);
};
const encryptRaw = (plaintext: string, header: Record<string, string> = {}, to: EncryptionKey = RS.to) =>
  new CompactEncrypt(Buffer.from(plaintext, 'utf8')).setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: to.kid, ...header }).encrypt(to.key);

describe('seal', () => {
  it('produces a JWE Compact with the header of section 4 and no readable plaintext', async () => {
    const jwe = await seal(PERSON, RS.to);
    expect(jwe.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(jwe)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: RS.to.kid });
    const visible =
      jwe
        .split('.')
        .map((s) => Buffer.from(s, 'base64url').toString('latin1'))
        .join(' ') + jwe;
    for (const secret of SECRETS) expect(visible).not.toContain(secret);
  });

  it('encrypts the same data differently each time', async () => {
    expect(await seal(PERSON, RS.to)).not.toBe(await seal(PERSON, RS.to));
  });
});

describe('openSealed', () => {
  it('opens what was sealed to its key', async () => {
    expect(await openSealed(await seal(PERSON, RS.to), [RS.own])).toEqual({ ok: true, data: PERSON });
  });

  it('picks the key named by kid among several (key rotation)', async () => {
    expect(await openSealed(await seal(PERSON, RS.to), [RS_NEXT.own, RS.own])).toEqual({ ok: true, data: PERSON });
  });

  it.each<[string, SealedPersonalData]>([
    ['an empty object', {}],
    ['a name only', { givenName: 'Jovana' }],
    ['a travel document only', { travelDocument: { number: 'SR1234567' } }],
  ])('accepts %s, since every field is optional', async (_label, data) => {
    expect(await openSealed(await seal(data, RS.to), [RS.own])).toEqual({ ok: true, data });
  });

  it('refuses a part sealed to a kid it does not hold', async () => {
    expectRefused(await openSealed(await seal(PERSON, RS_NEXT.to), [RS.own]));
  });

  it('refuses a part whose kid names its key but that was encrypted to another key', async () => {
    const misnamed = await seal(PERSON, { kid: RS.to.kid, key: RS_NEXT.to.key });
    expectRefused(await openSealed(misnamed, [RS.own]));
  });

  it('refuses when this node holds no keys', async () => {
    expectRefused(await openSealed(await seal(PERSON, RS.to), []));
  });

  it.each<[string, number]>([
    ['encrypted key', 1],
    ['initialisation vector', 2],
    ['ciphertext', 3],
    ['authentication tag', 4],
  ])('refuses a tampered %s', async (_label, segment) => {
    const parts = (await seal(PERSON, RS.to)).split('.');
    parts[segment] = flipChar(parts[segment]);
    expectRefused(await openSealed(parts.join('.'), [RS.own]));
  });

  it.each<[string, () => Promise<string> | string]>([
    ['a string that is not a JWE', () => 'Jovana Petrović'],
    ['a JWS', () => 'eyJhbGciOiJFZERTQSJ9.eyJ9.AAAA'],
    ['another key management algorithm', () => encryptRaw(JSON.stringify(PERSON), { alg: 'ECDH-ES' })],
    ['another content encryption', () => encryptRaw(JSON.stringify(PERSON), { enc: 'A128GCM' })],
    ['a plaintext that is not JSON', () => encryptRaw('Jovana Petrović, 1994-03-17')],
    ['a JSON array plaintext', () => encryptRaw(JSON.stringify(['Jovana', 'Petrović']))],
    ['a JSON string plaintext', () => encryptRaw(JSON.stringify('Jovana Petrović'))],
  ])('refuses %s', async (_label, make) => {
    expectRefused(await openSealed(await make(), [RS.own]));
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an address', { address: 'Kneza Miloša 12' }, 'sealed.address'],
    ['a nationality', { nationality: 'RS' }, 'sealed.nationality'],
    ['an unknown travel document field', { travelDocument: { number: 'SR1234567', chip: 'Jovana' } }, 'sealed.travelDocument.chip'],
    ['an impossible date of birth', { dateOfBirth: '1994-02-30' }, 'sealed.dateOfBirth'],
    ['a date of birth in another format', { dateOfBirth: '17.03.1994' }, 'sealed.dateOfBirth'],
    ['an unknown issuing country', { travelDocument: { number: 'SR1234567', issuer: 'Novi Sad' } }, 'sealed.travelDocument.issuer'],
    ['an expiry that is not a date', { travelDocument: { expires: 'Novi Sad' } }, 'sealed.travelDocument.expires'],
    ['an empty given name', { givenName: '' }, 'sealed.givenName'],
    ['a name that is not a string', { familyName: ['Petrović'] }, 'sealed.familyName'],
    ['a travel document that is not an object', { travelDocument: 'SR1234567' }, 'sealed.travelDocument'],
    ['a travel document that is an array', { travelDocument: [{ type: 7, issuer: 'Novi Sad' }] }, 'sealed.travelDocument'],
  ])('refuses a plaintext with %s, naming the field', async (_label, extra, field) => {
    const jwe = await encryptRaw(JSON.stringify({ ...PERSON, ...extra }));
    expectRefused(await openSealed(jwe, [RS.own]), [field]);
  });

  // Written as JSON text: `__proto__` in an object literal would set its prototype instead of adding a key.
  it.each(['valueOf', 'toString', 'hasOwnProperty', 'constructor', '__proto__', 'isPrototypeOf', 'toLocaleString'])(
    'refuses a plaintext with a key named %s, at the top or in the travel document, without quoting it',
    async (key) => {
      const top = encryptRaw(`{"givenName":"Jovana","${key}":"Petrović 1994-03-17"}`);
      expectRefused(await openSealed(await top, [RS.own]), [`sealed.${key}`]);
      const inner = encryptRaw(`{"travelDocument":{"number":"SR1234567","${key}":{"name":"Jovana Petrović"}}}`);
      expectRefused(await openSealed(await inner, [RS.own]), [`sealed.travelDocument.${key}`]);
    },
  );

  it('refuses a plaintext nested deeper than 32 levels, naming the field it is under', async () => {
    const jwe = encryptRaw(`{"givenName":"Jovana","travelDocument":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    expect(await openSealed(await jwe, [RS.own])).toEqual({
      ok: false,
      problems: [{ field: 'sealed.travelDocument', problem: 'must not be nested deeper than 32 levels' }],
    });
  });
});
