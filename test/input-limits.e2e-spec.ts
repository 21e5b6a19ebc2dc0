import { Envelope, NEEDS, digestOf, encodeEnvelope } from '@trm/wire';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { call, eventually } from './support/http';
import { TestNetwork } from './support/network';
import { HandPartner } from './support/partner';

/**
 * The input limits of revision 2 (end of section 5) at node RS, over AMQP (AT played by hand) and over HTTP: nesting
 * deeper than 32 levels, arrays over their limit, and keys named like members of Object.prototype.
 */
describe('RS holds what it receives to the limits of revision 2', () => {
  let net: TestNetwork;
  let at: HandPartner;
  let rs: string;

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS']);
    await net.start('RS');
    rs = net.node('RS').url;
    at = await new HandPartner(net, 'AT', 'RS').open();
  });
  afterAll(async () => {
    await at?.close();
    await net?.close();
  });

  const PERSONAL = 'Jovana Petrović 1994-03-17';
  const sample = () => sampleReturnHandover().body as unknown as Record<string, unknown> & { person: Record<string, unknown> };
  /** `levels` nested objects around a value, as JSON text. */
  const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  /** A handover body as JSON text with `key` added to `person`: `__proto__` in an object literal would not be a key. */
  const withPersonKey = (key: string, valueJson: string) =>
    JSON.parse(JSON.stringify(sample()).replace('"ageGroup"', `${JSON.stringify(key)}:${valueJson},"ageGroup"`));

  const stored = async (id: string) => (await net.sql('RS', 'SELECT status, reject_reason FROM inbound_message WHERE id = $1', [id]))[0];

  describe('over AMQP', () => {
    it('answers a validly signed message nested 10,000 levels deep rejected/malformed, and delivers the handover behind it', async () => {
      // JSON.stringify cannot write such a value (it recurses): the nesting goes into the payload as text.
      const deep = at.handover({ body: withPersonKey('note', '"DEEP"') });
      const payload = Buffer.from(encodeEnvelope(deep)).toString('utf8').replace('"DEEP"', deepJson(10_000));
      const deepJws = await at.signText(payload);
      await at.publish(deepJws, deep);
      const valid = at.handover();
      await at.send(valid);

      const first = await at.nextReceipt();
      expect(first.verification.ok).toBe(true);
      expect(first.envelope.body).toEqual({ ref: deep.id, status: 'rejected', reason: 'malformed', digest: digestOf(deepJws) });
      expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: valid.id, status: 'delivered' });
      expect(await stored(valid.id)).toEqual({ status: 'delivered', reject_reason: null });
    });

    it.each(['valueOf', 'constructor', '__proto__', 'toString'])(
      'rejects %s in body.person as invalid-body, and the inbox shows nothing of it',
      async (key) => {
        const envelope = at.handover({ body: withPersonKey(key, JSON.stringify(PERSONAL)) });
        await at.send(envelope);
        expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'invalid-body' });
        expect(await stored(envelope.id)).toEqual({ status: 'rejected', reject_reason: 'invalid-body' });

        const inbox = await call(rs, 'GET', '/v1/inbox?limit=500');
        expect(inbox.status).toBe(200);
        const item = inbox.body.items.find((i: { id: string }) => i.id === envelope.id);
        expect(item).toMatchObject({ status: 'rejected', reason: 'invalid-body' });
        expect(item.body).toBeUndefined();
        expect(JSON.stringify(inbox.body)).not.toContain('Jovana');
      },
    );

    it('rejects a body with an array over its limit as invalid-body', async () => {
      const envelope = at.handover({ body: { ...sample(), needs: Array.from({ length: 34_000 }, () => 'x') } });
      await at.send(envelope);
      expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'invalid-body' });
    });
  });

  describe('over HTTP', () => {
    /** A POST whose JSON text is sent as is, so that it may hold keys such as `__proto__`. */
    const post = async (path: string, json: string): Promise<{ status: number; body: any }> => {
      const res = await fetch(`${rs}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await net.token('RS', { roles: ['coordinator'] })}` },
        body: json,
      });
      return { status: res.status, body: await res.json() };
    };
    const handover = (bodyJson: string) => `{"sender":"RS/cptv/intake","recipient":"AT/bmi-thb/coordination","body":${bodyJson}}`;

    it('answers a handover nested 10,000 levels deep with 400 naming the field', async () => {
      const reply = await post('/v1/handovers', handover(JSON.stringify(sample()).replace('"ageGroup"', `"note":${deepJson(10_000)},"ageGroup"`)));
      expect(reply.status).toBe(400);
      expect(reply.body.problems).toEqual([{ field: 'body', problem: 'must not be nested deeper than 32 levels' }]);
    });

    it.each(['valueOf', 'constructor', '__proto__', 'hasOwnProperty'])('answers %s in body.person with 400 naming the field, never its value', async (key) => {
      const reply = await post('/v1/handovers', handover(JSON.stringify(withPersonKey(key, JSON.stringify(PERSONAL)))));
      expect(reply).toEqual({ status: 400, body: expect.objectContaining({ problems: [{ field: `body.person.${key}`, problem: 'is not a known field' }] }) });
      expect(JSON.stringify(reply.body)).not.toContain('Jovana');
    });

    it('answers an array of 140,000 codes with 400 naming the field and its limit', async () => {
      const reply = await post('/v1/handovers', handover(JSON.stringify({ ...sample(), needs: Array.from({ length: 140_000 }, () => 'x') })));
      expect(reply.status).toBe(400);
      expect(reply.body.problems).toEqual([{ field: 'body.needs', problem: `must not hold more than ${NEEDS.length} items` }]);
    });

    describe('POST /v1/cases/:caseRef/messages', () => {
      let caseRef: string;
      beforeAll(async () => {
        const envelope: Envelope = at.handover();
        await at.send(envelope);
        await at.nextReceipt();
        caseRef = envelope.caseRef;
        await eventually(async () => ((await call(rs, 'GET', `/v1/cases/${caseRef}`)).status === 200 ? true : undefined));
      });
      const accept = (bodyJson: string) => post(`/v1/cases/${caseRef}/messages`, `{"type":"handover.accepted","body":${bodyJson}}`);

      it('answers a body nested 10,000 levels deep with 400 naming the field', async () => {
        const reply = await accept(`{"role":"RS/cptv/intake","note":${deepJson(10_000)}}`);
        expect(reply.status).toBe(400);
        expect(reply.body.problems).toEqual([{ field: 'body', problem: 'must not be nested deeper than 32 levels' }]);
      });

      it.each(['constructor', '__proto__', 'valueOf'])('answers %s in the body with 400 naming the field', async (key) => {
        const reply = await accept(`{"role":"RS/cptv/intake",${JSON.stringify(key)}:${JSON.stringify(PERSONAL)}}`);
        expect(reply.status).toBe(400);
        expect(reply.body.problems).toEqual([{ field: `body.${key}`, problem: 'is not a known field' }]);
      });

      it('answers an oversized array with 400 naming the field and its limit', async () => {
        const reply = await accept(JSON.stringify({ role: 'RS/cptv/intake', services: Array.from({ length: 140_000 }, () => 'x') }));
        expect(reply.status).toBe(400);
        expect(reply.body.problems).toEqual([{ field: 'body.services', problem: `must not hold more than ${NEEDS.length} items` }]);
      });
    });
  });
});
