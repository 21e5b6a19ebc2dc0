import { CompactSign, decodeProtectedHeader } from 'jose';
import { KeyObject, createHash, createSecretKey } from 'node:crypto';
import { MessageProperties, publishProperties } from './amqp';
import { Envelope, EnvelopeInit, createEnvelope } from './envelope';
import { Incoming, SigningKey, VerifyContext, authenticateMessage, checkDelivery, signEnvelope, verifyMessage } from './jws';
import { TrmJwk, generateNodeKeys, importKey } from './keys';
import { MAX_JSON_DEPTH, MAX_JWS_BYTES } from './profile';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: AT sends to RS; HU and AT-NGO are further partners RS trusts. Keys are valid from 2026-01-01.

const KEYS_FROM = new Date('2026-01-01T00:00:00Z');
const NOW = new Date('2026-11-22T10:20:00Z');
const CREATED = '2026-11-22T10:15:00Z';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

const sigKey = (node: string, options: { now?: Date } = {}) =>
  generateNodeKeys(node, { now: options.now ?? KEYS_FROM }).privateJwks.keys.find((k) => k.use === 'sig')!;
const publicOf = ({ d: _d, ...pub }: TrmJwk): TrmJwk => pub;
const signerOf = (jwk: TrmJwk): SigningKey => ({ kid: jwk.kid, key: importKey(jwk) });

const AT_KEY = sigKey('AT');
const HU_KEY = sigKey('HU');
const AT_NGO_KEY = sigKey('AT-NGO');
const AT_UNPUBLISHED_KEY = sigKey('AT');
const AT = signerOf(AT_KEY);

/** RS's view of its partners' published keys. */
const directory = (...jwks: TrmJwk[]): VerifyContext['keyFor'] => {
  const byKid = new Map(jwks.map((jwk) => [jwk.kid, { jwk: publicOf(jwk), key: importKey(publicOf(jwk)) }]));
  return (kid) => byKid.get(kid);
};
const TRUSTED = directory(AT_KEY, HU_KEY, AT_NGO_KEY);

const envelope = (overrides: Partial<EnvelopeInit<unknown>> = {}): Envelope =>
  createEnvelope({
    id: '0b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69',
    type: 'handover.request',
    from: 'AT',
    to: 'RS',
    sender: 'AT/bmi-thb/coordination',
    recipient: 'RS/cptv/intake',
    caseRef: 'AT-2026-7F3K9Q',
    createdAt: CREATED,
    body: { purpose: 'referral' },
    ...overrides,
  });

/** A delivery as the broker hands it over: the JWS bytes with the properties a correct publisher sets. */
const delivery = (jws: string, env: Envelope): Incoming => ({
  content: Buffer.from(jws, 'ascii'),
  routingKey: env.type,
  properties: publishProperties(env),
});

const send = async (overrides: Partial<EnvelopeInit<unknown>> = {}, signer: SigningKey = AT) => {
  const env = envelope(overrides);
  return delivery(await signEnvelope(env, signer), env);
};

const verify = (incoming: Incoming, ctx: Partial<VerifyContext> = {}) => verifyMessage(incoming, { node: 'RS', now: NOW, keyFor: TRUSTED, ...ctx });

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const text = (incoming: Incoming) => Buffer.from(incoming.content).toString('ascii');
const withJws = (incoming: Incoming, jws: string): Incoming => ({ ...incoming, content: Buffer.from(jws, 'ascii') });

/** Signs arbitrary payload bytes under an arbitrary protected header, to build messages a correct node never sends. */
const signRaw = (payload: unknown, header: Record<string, unknown> = {}, key: KeyObject = AT.key) =>
  new CompactSign(Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: AT.kid, typ: 'trm+json', ...header })
    .sign(key);

/** Re-encodes the payload after `change`, keeping the original header and signature. */
const tamperPayload = (jws: string, change: (payload: Record<string, unknown>) => void) => {
  const [h, p, s] = jws.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  change(payload);
  return [h, b64(JSON.stringify(payload)), s].join('.');
};

/** Replaces one character in the middle of a base64url segment, so the decoded bytes change. */
const flipChar = (segment: string) => {
  const i = Math.floor(segment.length / 2);
  return segment.slice(0, i) + (segment[i] === 'A' ? 'B' : 'A') + segment.slice(i + 1);
};

const withProps = (incoming: Incoming, props: Partial<MessageProperties>): Incoming => ({
  ...incoming,
  properties: { ...incoming.properties, ...props },
});
const withHeaders = (incoming: Incoming, headers: Record<string, unknown>): Incoming =>
  withProps(incoming, { headers: { ...incoming.properties.headers, ...headers } });

// ---------------------------------------------------------------------------------------------------------------

describe('signEnvelope', () => {
  it('signs the same envelope to identical bytes, so a resend is byte-identical', async () => {
    const env = envelope();
    expect(await signEnvelope(env, AT)).toBe(await signEnvelope(envelope(), AT));
  });

  it('does not depend on the key order of the envelope object (e.g. reloaded from a JSON column)', async () => {
    const env = envelope({ inReplyTo: 'f2b8a1c0-2d3e-4f50-8a6b-7c8d9e0f1a2b' });
    const reversed = Object.fromEntries(Object.entries(env).reverse()) as unknown as Envelope;
    expect(Object.keys(reversed)[0]).toBe('sealed');
    expect(await signEnvelope(reversed, AT)).toBe(await signEnvelope(env, AT));
  });

  it('gives different bytes for a different envelope or a different key', async () => {
    const jws = await signEnvelope(envelope(), AT);
    expect(await signEnvelope(envelope({ id: '1b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69' }), AT)).not.toBe(jws);
    expect(await signEnvelope(envelope(), signerOf(AT_UNPUBLISHED_KEY))).not.toBe(jws);
  });

  it('uses exactly the protected header of section 4 and the payload fields in section-4 order', async () => {
    const jws = await signEnvelope(envelope(), AT);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'EdDSA', kid: AT.kid, typ: 'trm+json' });
    const payload = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));
    expect(Object.keys(payload)).toEqual([
      'profile',
      'id',
      'type',
      'from',
      'to',
      'sender',
      'recipient',
      'caseRef',
      'inReplyTo',
      'createdAt',
      'expiresAt',
      'body',
      'sealed',
    ]);
    expect(payload).toEqual({ ...envelope(), profile: 'trm-amqp/1', inReplyTo: null, expiresAt: null, sealed: null });
  });
});

describe('verifyMessage', () => {
  it('accepts a well-formed, correctly signed, fresh message addressed to this node', async () => {
    const incoming = await send();
    const sha256 = createHash('sha256').update(incoming.content).digest('base64url');
    expect(await verify(incoming)).toEqual({ ok: true, envelope: envelope(), digest: `sha-256:${sha256}`, kid: AT.kid });
  });

  it('accepts a reply carrying inReplyTo with a matching correlation_id', async () => {
    expect(await verify(await send({ inReplyTo: 'f2b8a1c0-2d3e-4f50-8a6b-7c8d9e0f1a2b' }))).toMatchObject({ ok: true });
  });

  it('reports the digest of the received bytes on a refusal too', async () => {
    const incoming = withJws(await send(), 'not a jws');
    const sha256 = createHash('sha256').update('not a jws').digest('base64url');
    expect(await verify(incoming)).toMatchObject({ ok: false, digest: `sha-256:${sha256}` });
  });

  describe('rule 1: malformed', () => {
    const env = envelope();
    const { id: _id, ...withoutId } = env;

    it.each<[string, () => Promise<string> | string]>([
      ['empty content', () => ''],
      ['not a JWS at all', () => 'hello world'],
      ['JSON instead of a JWS', () => JSON.stringify(env)],
      ['two segments', () => `${b64('{"alg":"EdDSA"}')}.${b64(JSON.stringify(env))}`],
      ['four segments', async () => `${await signEnvelope(env, AT)}.AAAA`],
      ['detached (empty) payload', async () => (await signEnvelope(env, AT)).replace(/\.[^.]+\./, '..')],
      ['empty signature', async () => (await signEnvelope(env, AT)).replace(/[^.]+$/, '')],
      ['a trailing newline', async () => `${await signEnvelope(env, AT)}\n`],
      ['a header that is not JSON', async () => (await signEnvelope(env, AT)).replace(/^[^.]+/, b64('{alg'))],
      ['no typ', () => signRaw(env, { typ: undefined })],
      ['typ JWT', () => signRaw(env, { typ: 'JWT' })],
      ['alg HS256', () => signRaw(env, { alg: 'HS256' }, createSecretKey(Buffer.alloc(32, 7)))],
      ['no kid', () => signRaw(env, { kid: undefined })],
      [
        'an unencoded-payload (b64/crit) header',
        () =>
          [b64(JSON.stringify({ alg: 'EdDSA', kid: AT.kid, typ: 'trm+json', b64: false, crit: ['b64'] })), b64(JSON.stringify(env)), 'A'.repeat(86)].join('.'),
      ],
      ['a payload that is not JSON', () => signRaw('not json')],
      ['a payload starting with a byte-order mark', () => signRaw(`\ufeff${JSON.stringify(env)}`)],
      ['a JSON array payload', () => signRaw([env])],
      ['a JSON string payload', () => signRaw('"trm"')],
      ['a null payload', () => signRaw('null')],
      ['no id', () => signRaw(withoutId)],
      ['an id that is not a UUID', () => signRaw({ ...env, id: 'msg-1' })],
      ['another profile', () => signRaw({ ...env, profile: 'trm-amqp/2' })],
      ['no type', () => signRaw({ ...env, type: '' })],
      ['a from that is not a node id', () => signRaw({ ...env, from: 'Austria' })],
      ['a to that is not a node id', () => signRaw({ ...env, to: 'rs' })],
      ['a createdAt that is not a timestamp', () => signRaw({ ...env, createdAt: '22.11.2026' })],
    ])('refuses %s', async (_label, make) => {
      expect(await verify(withJws(await send(), await make()))).toEqual(expect.objectContaining({ ok: false, reason: 'malformed', answer: null }));
    });

    it('refuses non-ASCII bytes even where dropping their high bit would give a valid JWS', async () => {
      const incoming = await send();
      const bytes = Buffer.from(incoming.content);
      bytes[bytes.indexOf('.') + 5] |= 0x80;
      expect(await verify({ ...incoming, content: bytes })).toMatchObject({ ok: false, reason: 'malformed' });
    });

    it('refuses a payload that is not valid UTF-8 even when correctly signed', async () => {
      const json = Buffer.from(JSON.stringify(envelope({ body: { note: 'XX' } })), 'utf8');
      json[json.indexOf('"XX"') + 1] = 0xff;
      const jws = await new CompactSign(json).setProtectedHeader({ alg: 'EdDSA', kid: AT.kid, typ: 'trm+json' }).sign(AT.key);
      expect(await verify(withJws(await send(), jws))).toMatchObject({ ok: false, reason: 'malformed' });
    });

    describe('size limit of 256 KiB', () => {
      const padded = (n: number) => signEnvelope(envelope({ body: { pad: 'a'.repeat(n) } }), AT);
      let largest: { n: number; jws: string };

      beforeAll(async () => {
        const overhead = (await padded(0)).length;
        let n = Math.floor(((MAX_JWS_BYTES - overhead) * 3) / 4) + 3;
        let jws = await padded(n);
        while (jws.length > MAX_JWS_BYTES) jws = await padded(--n);
        largest = { n, jws };
      });

      it('accepts the largest message within the limit', async () => {
        expect(largest.jws.length).toBeGreaterThan(MAX_JWS_BYTES - 4);
        expect(await verify(withJws(await send(), largest.jws))).toMatchObject({ ok: true });
      });

      it('refuses a correctly signed message over the limit', async () => {
        const jws = await padded(largest.n + 3);
        expect(jws.length).toBeGreaterThan(MAX_JWS_BYTES);
        expect(await verify(withJws(await send(), jws))).toMatchObject({ ok: false, reason: 'malformed' });
      });
    });

    describe('nesting deeper than 32 levels (revision 2)', () => {
      /** `levels` of objects in all, the envelope being the first; the deepest holds an unknown key of the person. */
      const nested = (levels: number) => {
        let deep: unknown = 'x';
        for (let i = 0; i < levels - 3; i++) deep = { a: deep };
        return { body: { purpose: 'referral', person: { extra: deep } } };
      };

      it('accepts a payload nested exactly 32 levels deep', async () => {
        expect(await verify(await send(nested(MAX_JSON_DEPTH)))).toMatchObject({ ok: true });
      });

      it('refuses one level more as malformed and answers the sender, whose signature verified', async () => {
        const result = await verify(await send(nested(MAX_JSON_DEPTH + 1)));
        expect(result).toMatchObject({ ok: false, reason: 'malformed', detail: 'payload is nested deeper than 32 levels' });
        expect(result.ok === false && result.answer).toMatchObject({ node: 'AT', id: envelope().id, type: 'handover.request' });
      });

      it('refuses 100,000 levels of arrays without exhausting the stack', async () => {
        const payload = JSON.stringify(envelope()).replace('"body":{"purpose":"referral"}', `"body":${'['.repeat(100_000)}${']'.repeat(100_000)}`);
        expect(await verify(withJws(await send(), await signRaw(payload)))).toMatchObject({ ok: false, reason: 'malformed' });
      });

      it('does not answer a deep payload whose key or signature does not check out', async () => {
        const deep = nested(1000);
        const unknownKey = await verify(await send(deep, signerOf(AT_UNPUBLISHED_KEY)));
        const [h, p] = text(await send(deep)).split('.');
        const badSignature = await verify(withJws(await send(), `${h}.${p}.${text(await send()).split('.')[2]}`));
        for (const result of [unknownKey, badSignature]) expect(result).toMatchObject({ ok: false, reason: 'malformed', answer: null });
      });
    });

    it('comes before the key check', async () => {
      const jws = await new CompactSign(Buffer.from(JSON.stringify(envelope())))
        .setProtectedHeader({ alg: 'EdDSA', kid: 'AT#nobody-knows', typ: 'JWT' })
        .sign(AT.key);
      expect(await verify(withJws(await send(), jws))).toMatchObject({ reason: 'malformed' });
    });
  });

  describe('rule 2: unknown-key', () => {
    const keyAs = (changes: Partial<TrmJwk>) => directory({ ...AT_KEY, ...changes });

    it.each<[string, () => Promise<Incoming>, VerifyContext['keyFor']?]>([
      ['a kid of another node', () => send({}, signerOf(HU_KEY))],
      ['a kid of a node whose id extends "from" (AT-NGO for AT)', () => send({}, signerOf(AT_NGO_KEY))],
      ['a kid without node part', () => send({}, { kid: 'sig-1', key: AT.key })],
      ['a kid the partner never published', () => send({}, signerOf(AT_UNPUBLISHED_KEY))],
      ['a key published for encryption only', () => send(), keyAs({ use: 'enc' })],
      ['a key that expired before createdAt', () => send(), keyAs({ validUntil: '2026-11-22T10:14:59Z' })],
      ['a key that expires exactly at createdAt', () => send(), keyAs({ validUntil: CREATED })],
      ['a key not yet valid at createdAt', () => send(), keyAs({ validFrom: '2026-11-22T10:15:01Z' })],
      ['a revoked key', () => send(), keyAs({ revokedAt: '2026-11-22T10:16:00Z' })],
    ])('refuses %s, without an answer', async (_label, make, keyFor = TRUSTED) => {
      expect(await verify(await make(), { keyFor })).toMatchObject({ ok: false, reason: 'unknown-key', answer: null });
    });

    it('judges validity at createdAt, not at reception', async () => {
      const expiredSinceSending = directory({ ...AT_KEY, validUntil: '2026-11-22T10:16:00Z' });
      expect(await verify(await send(), { keyFor: expiredSinceSending })).toMatchObject({ ok: true });
    });

    it('comes before the signature check', async () => {
      const incoming = await send({}, signerOf(AT_UNPUBLISHED_KEY));
      const [h, p, s] = text(incoming).split('.');
      expect(await verify(withJws(incoming, [h, p, flipChar(s)].join('.')))).toMatchObject({ reason: 'unknown-key' });
    });
  });

  describe('rule 3: bad-signature', () => {
    const answer = {
      node: 'AT',
      id: envelope().id,
      type: 'handover.request',
      caseRef: 'AT-2026-7F3K9Q',
      sender: 'AT/bmi-thb/coordination',
      recipient: 'RS/cptv/intake',
    };

    it.each<[string, (jws: string) => string]>([
      ['a tampered body', (jws) => tamperPayload(jws, (p) => void (p.body = { purpose: 'return' }))],
      ['a tampered createdAt', (jws) => tamperPayload(jws, (p) => void (p.createdAt = '2026-11-22T10:16:00Z'))],
      ['a tampered signature', (jws) => jws.replace(/[^.]+$/, flipChar)],
      ['an all-zero signature', (jws) => jws.replace(/[^.]+$/, '') + 'A'.repeat(86)],
    ])('refuses %s and offers an answer to the sender', async (_label, tamper) => {
      const incoming = await send();
      expect(await verify(withJws(incoming, tamper(text(incoming))))).toEqual(expect.objectContaining({ ok: false, reason: 'bad-signature', answer }));
    });

    it('refuses a message signed by another key under the published kid', async () => {
      const forged = { kid: AT.kid, key: importKey(AT_UNPUBLISHED_KEY) };
      expect(await verify(await send({}, forged))).toMatchObject({ ok: false, reason: 'bad-signature' });
    });

    it('comes before the routing check: a payload re-addressed in transit is a bad signature', async () => {
      const incoming = await send();
      const readdressed = tamperPayload(text(incoming), (p) => void (p.to = 'HU'));
      expect(await verify(withJws(incoming, readdressed))).toMatchObject({ reason: 'bad-signature' });
    });
  });

  describe('rule 4: misrouted', () => {
    it('refuses a message for another node and offers an answer', async () => {
      const result = await verify(await send({ to: 'HU', recipient: 'HU/ngo/intake' }));
      expect(result).toMatchObject({ ok: false, reason: 'misrouted', answer: { node: 'AT', recipient: 'HU/ngo/intake' } });
    });

    it('refuses a message for a node whose id merely starts like ours', async () => {
      expect(await verify(await send(), { node: 'RS-ASTRA' })).toMatchObject({ reason: 'misrouted' });
    });

    it('comes before the property check', async () => {
      const incoming = await send({ to: 'HU', recipient: 'HU/ngo/intake' });
      expect(await verify({ ...incoming, routingKey: 'case.closed' })).toMatchObject({ reason: 'misrouted' });
    });
  });

  describe('rule 5: header-mismatch', () => {
    const REPLY = { inReplyTo: 'f2b8a1c0-2d3e-4f50-8a6b-7c8d9e0f1a2b' };

    it.each<[string, (m: Incoming) => Incoming, Partial<EnvelopeInit<unknown>>?]>([
      ['content_type application/json', (m) => withProps(m, { contentType: 'application/json' })],
      ['no content_type', (m) => withProps(m, { contentType: undefined })],
      ['another message_id', (m) => withProps(m, { messageId: '1b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69' })],
      ['no message_id', (m) => withProps(m, { messageId: undefined })],
      ['another type property', (m) => withProps(m, { type: 'case.closed' })],
      ['another routing key', (m) => ({ ...m, routingKey: 'case.closed' })],
      ['a correlation_id without inReplyTo', (m) => withProps(m, { correlationId: REPLY.inReplyTo })],
      ['another correlation_id', (m) => withProps(m, { correlationId: '1b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69' }), REPLY],
      ['no correlation_id although inReplyTo is set', (m) => withProps(m, { correlationId: undefined }), REPLY],
      ['a timestamp one second off', (m) => withProps(m, { timestamp: m.properties.timestamp! + 1 })],
      ['a timestamp in milliseconds', (m) => withProps(m, { timestamp: Date.parse(CREATED) })],
      ['another trm-profile', (m) => withHeaders(m, { 'trm-profile': 'trm-amqp/2' })],
      ['no trm-profile', (m) => withHeaders(m, { 'trm-profile': undefined })],
      ['another trm-from', (m) => withHeaders(m, { 'trm-from': 'HU' })],
      ['no trm-from', (m) => withHeaders(m, { 'trm-from': undefined })],
      ['another trm-to', (m) => withHeaders(m, { 'trm-to': 'HU' })],
      ['another trm-to, as a Buffer', (m) => withHeaders(m, { 'trm-to': Buffer.from('HU') })],
      ['no headers at all', (m) => withProps(m, { headers: undefined })],
    ])('refuses %s, and offers an answer', async (_label, mutate, overrides = {}) => {
      expect(await verify(mutate(await send(overrides)))).toMatchObject({
        ok: false,
        reason: 'header-mismatch',
        answer: { node: 'AT' },
      });
    });

    it('accepts header values delivered as Buffers (as amqplib may deliver them)', async () => {
      const incoming = await send();
      const headers = Object.fromEntries(Object.entries(incoming.properties.headers!).map(([k, v]) => [k, Buffer.from(String(v), 'utf8')]));
      expect(await verify(withProps(incoming, { headers }))).toMatchObject({ ok: true });
    });

    it('comes before the freshness check', async () => {
      const incoming = await send({ createdAt: at(-8 * DAY) });
      expect(await verify({ ...incoming, routingKey: 'case.closed' })).toMatchObject({ reason: 'header-mismatch' });
    });
  });

  describe('rule 6: stale', () => {
    it.each<[string, Partial<EnvelopeInit<unknown>>, boolean]>([
      ['createdAt 5 minutes ahead', { createdAt: at(5 * MINUTE) }, true],
      ['createdAt 5 minutes and 1 second ahead', { createdAt: at(5 * MINUTE + 1000) }, false],
      ['createdAt a day ahead', { createdAt: at(DAY) }, false],
      ['createdAt exactly 7 days old', { createdAt: at(-7 * DAY) }, true],
      ['createdAt 7 days and 1 second old', { createdAt: at(-7 * DAY - 1000) }, false],
      ['expiresAt one second in the future', { expiresAt: at(1000) }, true],
      ['expiresAt one second ago', { expiresAt: at(-1000) }, false],
      ['expiresAt before createdAt', { expiresAt: '2026-11-22T10:00:00Z' }, false],
    ])('%s: accepted = %s', async (_label, overrides, accepted) => {
      const result = await verify(await send(overrides));
      expect(result).toMatchObject(accepted ? { ok: true } : { ok: false, reason: 'stale', answer: { node: 'AT' } });
    });
  });

  describe('a refused receipt is never answered', () => {
    const receipt = {
      type: 'receipt' as const,
      inReplyTo: 'f2b8a1c0-2d3e-4f50-8a6b-7c8d9e0f1a2b',
      body: { ref: 'f2b8a1c0-2d3e-4f50-8a6b-7c8d9e0f1a2b', status: 'delivered' },
    };

    it.each<[string, (m: Incoming) => Incoming, Partial<EnvelopeInit<unknown>>?]>([
      ['bad-signature', (m) => withJws(m, text(m).replace(/[^.]+$/, flipChar))],
      ['misrouted', (m) => m, { to: 'HU', recipient: 'HU/ngo/intake' }],
      ['header-mismatch', (m) => withHeaders(m, { 'trm-from': 'HU' })],
      ['stale', (m) => m, { createdAt: at(-8 * DAY) }],
    ])('%s', async (reason, mutate, overrides = {}) => {
      const result = await verify(mutate(await send({ ...receipt, ...overrides })));
      expect(result).toMatchObject({ ok: false, reason, answer: null });
    });

    it('while the same failure of another type is answered', async () => {
      const result = await verify(await send({ ...receipt, type: 'case.closed', to: 'HU', recipient: 'HU/ngo/intake' }));
      expect(result).toMatchObject({ ok: false, reason: 'misrouted', answer: { type: 'case.closed' } });
    });
  });
});

describe('authenticateMessage and checkDelivery (rules 1–4, then 5–6)', () => {
  const ctx: VerifyContext = { node: 'RS', now: NOW, keyFor: TRUSTED };
  const altered = async () => withHeaders(await send({ createdAt: at(-8 * DAY) }), { 'trm-from': 'HU' });

  it('authenticates a message whatever its properties and age: a node may know its answer before rules 5–6', async () => {
    expect(await authenticateMessage(await altered(), ctx)).toEqual({
      ok: true,
      envelope: envelope({ createdAt: at(-8 * DAY) }),
      digest: expect.any(String),
      kid: AT.kid,
    });
  });

  it('still refuses for rules 1–4', async () => {
    expect(await authenticateMessage(await send({ to: 'HU', recipient: 'HU/ngo/intake' }), ctx)).toMatchObject({ reason: 'misrouted' });
  });

  it('leaves rules 5–6, in that order, to checkDelivery; together they are verifyMessage', async () => {
    const incoming = await altered();
    const verified = await authenticateMessage(incoming, ctx);
    if (!verified.ok) throw new Error('not authenticated');
    const refused = checkDelivery(incoming, verified, NOW);
    expect(refused).toMatchObject({ ok: false, reason: 'header-mismatch', digest: verified.digest, answer: { node: 'AT', id: verified.envelope.id } });
    expect(await verify(incoming)).toEqual(refused);
    expect(checkDelivery(withHeaders(incoming, { 'trm-from': 'AT' }), verified, NOW)).toMatchObject({ reason: 'stale' });
    const fresh = await send();
    const authentic = await authenticateMessage(fresh, ctx);
    expect(authentic.ok && checkDelivery(fresh, authentic, NOW)).toBeNull();
  });
});
