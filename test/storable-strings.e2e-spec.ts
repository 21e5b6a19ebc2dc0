import { Envelope, createEnvelope, currentKey, digestOf, encodeEnvelope, importKey, publicJwks, registryAddress, registryCaseRef } from '@trm/wire';
import { CompactEncrypt } from 'jose';
import { randomUUID } from 'node:crypto';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { TestNetwork } from './support/network';
import { HandPartner, ReceivedReceipt } from './support/partner';

/**
 * Values a partner can sign that pass a naive check but that PostgreSQL cannot store as they are (half a surrogate
 * pair, NUL, a UTC offset beyond ±15:59, an integer beyond 32 bits): each gets a verdict of its own — refused as
 * `invalid-body`, or stored and delivered — never five failed attempts and `internal-error`.
 */
describe('values PostgreSQL cannot store as they are', () => {
  let net: TestNetwork;
  let at: HandPartner;

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS']);
    await net.start('RS');
    at = await new HandPartner(net, 'AT', 'RS').open();
  }, 120_000);
  afterAll(async () => {
    await at?.close();
    await net?.close();
  });

  const receiptFor = async (id: string): Promise<ReceivedReceipt> => {
    for (;;) {
      const r = await at.nextReceipt(30_000);
      if (r.envelope.body.ref === id) return r;
    }
  };
  /** Signs `e` with every string value "__RAW__" replaced by the JSON text `raw` (escapes JSON.stringify never writes). */
  const sendRaw = async (e: Envelope, raw: string) => {
    const payload = Buffer.from(encodeEnvelope(e)).toString('utf8').split('"__RAW__"').join(raw);
    const jws = await at.signText(payload);
    await at.publish(jws, e);
    return jws;
  };
  const sample = () => sampleReturnHandover().body as unknown as Record<string, unknown>;

  it.each([
    ['a lone high surrogate in an unknown body field', (e: Envelope) => ({ ...e, body: { ...sample(), note: '__RAW__' } }), '"\\ud800"'],
    ['a lone low surrogate in an unknown body field', (e: Envelope) => ({ ...e, body: { ...sample(), note: '__RAW__' } }), '"\\udc00"'],
    ['NUL in an unknown body field', (e: Envelope) => ({ ...e, body: { ...sample(), note: '__RAW__' } }), '"a\\u0000b"'],
    ['a lone surrogate as the sender', (e: Envelope) => ({ ...e, sender: '__RAW__' }), '"\\ud800"'],
    ['a lone surrogate as the sealed part', (e: Envelope) => ({ ...e, sealed: '__RAW__' }), '"\\ud800"'],
  ])('%s is invalid-body', async (_what, change, raw) => {
    const e = change(at.handover()) as Envelope;
    const jws = await sendRaw(e, raw);
    expect((await receiptFor(e.id)).envelope.body).toMatchObject({ status: 'rejected', reason: 'invalid-body', digest: digestOf(jws) });
  });

  it.each([
    ['NUL in givenName', '{"givenName":"A\\u0000B"}'],
    ['a lone surrogate in givenName', '{"givenName":"A\\ud800B"}'],
    ['control characters in familyName', '{"familyName":"A\\u0007\\u001bB"}'],
  ])('sealed personal details with %s are invalid-body', async (_what, plaintext) => {
    const jwk = currentKey(publicJwks(net.node('RS').keys.privateJwks), 'enc', new Date())!;
    const sealed = await new CompactEncrypt(Buffer.from(plaintext))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: jwk.kid })
      .encrypt(importKey(jwk));
    const body = sample() as { consent: { scope: string[] } };
    body.consent.scope = ['share-coded', 'share-sealed'];
    const e = at.handover({ body, sealed });
    await at.send(e);
    expect((await receiptFor(e.id)).envelope.body).toMatchObject({ status: 'rejected', reason: 'invalid-body' });
  });

  describe('in a registry.update', () => {
    let version = 1000;
    const update = (change: (body: Record<string, any>) => void) => {
      const body: Record<string, any> = {
        node: 'AT',
        version: ++version,
        issuedAt: new Date().toISOString(),
        endpoint: { amqp: 'amqp://at.example' },
        keys: structuredClone(net.node('AT').keys.publicJwks),
        organisations: [
          {
            slug: 'bmi-thb',
            name: 'BMI',
            kind: 'government',
            roles: [
              { address: 'AT/bmi-thb/coordination', title: 'Coordination', purposes: ['return'], ageGroups: ['adult'], languages: ['de'], status: 'active' },
            ],
          },
        ],
      };
      change(body);
      return createEnvelope<unknown>({
        id: randomUUID(),
        type: 'registry.update',
        from: 'AT',
        to: 'RS',
        sender: registryAddress('AT'),
        recipient: registryAddress('RS'),
        caseRef: registryCaseRef('AT'),
        createdAt: new Date().toISOString(),
        body,
      });
    };
    const keys = (body: Record<string, any>) => body.keys.keys as Array<Record<string, unknown>>;

    it.each<[string, (body: Record<string, any>) => void, string]>([
      ['issuedAt with the offset +16:00', (b) => (b.issuedAt = new Date(Date.now() + 16 * 3_600_000).toISOString().slice(0, 19) + '+16:00'), 'delivered'],
      ['issuedAt with the offset -23:59', (b) => (b.issuedAt = new Date(Date.now() - 1439 * 60_000).toISOString().slice(0, 19) + '-23:59'), 'delivered'],
      ['a key validUntil as a number', (b) => keys(b).forEach((k) => (k.validUntil = 4_102_444_800_000)), 'invalid-body'],
      ['a key validUntil as [["<timestamp>"]]', (b) => keys(b).forEach((k) => (k.validUntil = [['2099-01-01T00:00:00Z']])), 'invalid-body'],
      ['a key revokedAt that is no timestamp', (b) => keys(b).forEach((k) => (k.revokedAt = 2099)), 'invalid-body'],
      ['NUL in the endpoint', (b) => (b.endpoint.amqp = 'amqp://at.example/\u0000'), 'invalid-body'],
      ['a lone surrogate in a role title', (b) => (b.organisations[0].roles[0].title = 'A\ud800'), 'invalid-body'],
      ['a lone surrogate in a region', (b) => (b.organisations[0].roles[0].region = 'A\udfff'), 'invalid-body'],
      ['the version 2^31', (b) => (b.version = 2 ** 31), 'invalid-body'],
      ['the version 2^31 - 1', (b) => (b.version = 2 ** 31 - 1), 'delivered'],
    ])('%s: %s', async (_what, change, verdict) => {
      const e = update(change);
      await at.send(e);
      const { body } = (await receiptFor(e.id)).envelope;
      expect(verdict === 'delivered' ? body.status : body.reason).toBe(verdict);
    });
  });

  it('a valid handover after all that is delivered', async () => {
    const e = at.handover();
    await at.send(e);
    expect((await receiptFor(e.id)).envelope.body.status).toBe('delivered');
  });
});
