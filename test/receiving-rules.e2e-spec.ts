import { Envelope, Incoming, MessageProperties, RejectReason, digestOf, generateNodeKeys, importKey, publishProperties } from '@trm/wire';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { ReceptionService } from '../apps/gateway/src/reception/reception.service';
import { startGateway } from '../apps/gateway/src/gateway';
import { Disposition } from '../apps/gateway/src/amqp/delivery';
import { randomUUID } from 'node:crypto';
import { startCaseNodes } from './support/cases';
import { ManualClock } from './support/clock';
import { call, eventually } from './support/http';
import { TestNetwork } from './support/network';
import { HandPartner, PublishedMessage } from './support/partner';

/**
 * Receiving rules of section 5 at node RS. AT is played by hand (its gateway is not running), so each test can send
 * what a correct gateway never would and read exactly what RS answers.
 */
describe('RS applies the receiving rules to what AT sends', () => {
  let net: TestNetwork;
  let at: HandPartner;

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS']);
    await net.start('RS');
    at = await new HandPartner(net, 'AT', 'RS').open();
  });
  afterAll(async () => {
    await at?.close();
    await net?.close();
  });

  const stored = async (id: string) => (await net.sql('RS', 'SELECT status, reject_reason FROM inbound_message WHERE id = $1', [id]))[0];

  /** A valid message after a refused one: its receipt arriving next proves the refused one got none. */
  async function expectNoReceiptBefore(marker: Envelope): Promise<void> {
    await at.send(marker);
    const next = await at.nextReceipt();
    expect(next.envelope.body.ref).toBe(marker.id);
  }

  it('answers a valid handover with a signed delivered receipt naming the digest of the bytes sent', async () => {
    const envelope = at.handover();
    const jws = await at.send(envelope);
    const receipt = await at.nextReceipt();

    expect(receipt.verification.ok).toBe(true);
    expect(receipt.envelope).toMatchObject({
      type: 'receipt',
      from: 'RS',
      to: 'AT',
      inReplyTo: envelope.id,
      caseRef: envelope.caseRef,
      sender: envelope.recipient,
      recipient: envelope.sender,
      body: { ref: envelope.id, status: 'delivered', digest: digestOf(jws) },
    });
    expect(await stored(envelope.id)).toEqual({ status: 'delivered', reject_reason: null });
  });

  type Case = [string, string, () => Promise<{ envelope: Envelope; content: string; properties?: Partial<MessageProperties>; routingKey?: Envelope['type'] }>];
  const signed = async (envelope: Envelope) => ({ envelope, content: await at.sign(envelope) });

  const rejected: Case[] = [
    [
      'a tampered payload',
      'bad-signature',
      async () => {
        const envelope = at.handover();
        const [h, , s] = (await at.sign(envelope)).split('.');
        const forged = { ...envelope, body: { ...(envelope.body as object), exploitation: ['labour'] } };
        return { envelope, content: [h, Buffer.from(JSON.stringify(forged)).toString('base64url'), s].join('.') };
      },
    ],
    ['a message for another node', 'misrouted', () => signed(at.handover({ to: 'AL', recipient: 'AL/mol/intake' }))],
    [
      'a trm-from header that contradicts the envelope',
      'header-mismatch',
      async () => {
        const envelope = at.handover();
        return { envelope, content: await at.sign(envelope), properties: { headers: { 'trm-profile': 'trm-amqp/1', 'trm-from': 'AL', 'trm-to': 'RS' } } };
      },
    ],
    [
      'a message_id that differs from the envelope id',
      'header-mismatch',
      async () => {
        const envelope = at.handover();
        return { envelope, content: await at.sign(envelope), properties: { messageId: randomUUID() } };
      },
    ],
    ['a message created eight days ago', 'stale', () => signed(at.handover({ createdAt: new Date(Date.now() - 8 * 86_400_000).toISOString() }))],
    ['a message created ten minutes ahead', 'stale', () => signed(at.handover({ createdAt: new Date(Date.now() + 10 * 60_000).toISOString() }))],
    ['a message whose expiresAt has passed', 'stale', () => signed(at.handover({ expiresAt: new Date(Date.now() - 1000).toISOString() }))],
    [
      'a body with a field the profile does not define',
      'invalid-body',
      () =>
        signed(
          at.handover({
            body: { ...(at.handover().body as object), person: { ageGroup: 'adult', sex: 'f', nationality: 'RS', languages: ['sr'], name: 'Jana' } },
          }),
        ),
    ],
    [
      'consent not given',
      'invalid-body',
      async () => {
        const body = at.handover().body as { consent: object };
        return signed(at.handover({ body: { ...body, consent: { ...body.consent, given: false } } }));
      },
    ],
    [
      'a child whose consent was not given by a guardian',
      'invalid-body',
      async () => {
        const body = at.handover().body as { person: object; consent: object };
        return signed(at.handover({ body: { ...body, person: { ...body.person, ageGroup: 'child' }, consent: { ...body.consent, by: 'person' } } }));
      },
    ],
    ['a type the profile does not know', 'invalid-body', () => signed(at.handover({ type: 'handover.forwarded' as Envelope['type'] }))],
    ['a recipient RS does not publish', 'unknown-recipient', () => signed(at.handover({ recipient: 'RS/cptv/nobody' }))],
  ];

  it.each(rejected)('rejects %s with reason %s and a signed receipt', async (_what, reason, build) => {
    const { envelope, content, properties, routingKey } = await build();
    await at.publish(content, envelope, properties, routingKey);
    const receipt = await at.nextReceipt();

    expect(receipt.verification.ok).toBe(true);
    expect(receipt.envelope.body).toEqual({ ref: envelope.id, status: 'rejected', reason, digest: digestOf(content) });
    expect(receipt.envelope.inReplyTo).toBe(envelope.id);
  });

  it('stores rules 8–9 rejections, so a repeat gets the same receipt', async () => {
    const envelope = at.handover({ recipient: 'RS/cptv/nobody' });
    const jws = await at.send(envelope);
    const first = await at.nextReceipt();
    await at.publish(jws, envelope);
    const second = await at.nextReceipt();
    expect(second.jws).toBe(first.jws);
    expect(await stored(envelope.id)).toEqual({ status: 'rejected', reject_reason: 'unknown-recipient' });
  });

  it('processes a repeated id once and re-sends the identical first receipt', async () => {
    const envelope = at.handover();
    const jws = await at.send(envelope);
    const first = await at.nextReceipt();
    await at.publish(jws, envelope);
    await at.publish(jws, envelope);
    const again = [await at.nextReceipt(), await at.nextReceipt()];

    expect(again.map((r) => r.jws)).toEqual([first.jws, first.jws]);
    const rows = await net.sql('RS', 'SELECT count(*)::int AS n FROM inbound_message WHERE id = $1', [envelope.id]);
    expect(rows[0].n).toBe(1);
    const handovers = await net.sql('RS', 'SELECT count(*)::int AS n FROM case_file WHERE id = $1', [envelope.id]);
    expect(handovers[0].n).toBe(1);
  });

  describe('one verdict per message id (revision 2)', () => {
    const altered: Array<[string, Partial<MessageProperties>]> = [
      ['trm-from', { headers: { 'trm-profile': 'trm-amqp/1', 'trm-from': 'AL', 'trm-to': 'RS' } }],
      ['trm-to', { headers: { 'trm-profile': 'trm-amqp/1', 'trm-from': 'AT', 'trm-to': 'AL' } }],
      ['trm-profile', { headers: { 'trm-profile': 'trm-amqp/2', 'trm-from': 'AT', 'trm-to': 'RS' } }],
    ];

    /** Replays `jws` once per altered header; each copy must get back exactly `first`, and nothing else may follow. */
    async function expectFirstReceiptFor(jws: string, envelope: Envelope, first: string): Promise<void> {
      for (const [, properties] of altered) await at.publish(jws, envelope, properties);
      const again = [];
      for (let i = 0; i < altered.length; i++) again.push((await at.nextReceipt()).jws);
      expect(again).toEqual(altered.map(() => first));
      await expectNoReceiptBefore(at.handover());
    }

    it('answers a delivered message replayed with altered trm-from, trm-to and trm-profile headers with its first receipt only', async () => {
      const envelope = at.handover();
      const jws = await at.send(envelope);
      const first = await at.nextReceipt();
      expect(first.envelope.body).toMatchObject({ status: 'delivered' });

      await expectFirstReceiptFor(jws, envelope, first.jws);
      expect(await stored(envelope.id)).toEqual({ status: 'delivered', reject_reason: null });
    });

    it.each<[string, RejectReason, () => Envelope]>([
      ['stale', 'stale', () => at.handover({ createdAt: new Date(Date.now() - 8 * 86_400_000).toISOString() })],
      ['ahead of time (stale)', 'stale', () => at.handover({ createdAt: new Date(Date.now() + 10 * 60_000).toISOString() })],
      ['invalid-body', 'invalid-body', () => at.handover({ body: { ...(at.handover().body as object), padding: true } })],
      ['unknown-recipient', 'unknown-recipient', () => at.handover({ recipient: 'RS/cptv/nobody' })],
    ])("records a message rejected %s as its id's answer: replays, with any headers, get the first receipt again", async (_what, reason, build) => {
      const envelope = build();
      const jws = await at.send(envelope);
      const first = await at.nextReceipt();
      expect(first.envelope.body).toEqual({ ref: envelope.id, status: 'rejected', reason, digest: digestOf(jws) });
      expect(await stored(envelope.id)).toEqual({ status: 'rejected', reject_reason: reason });

      await at.publish(jws, envelope);
      expect((await at.nextReceipt()).jws).toBe(first.jws);
      await expectFirstReceiptFor(jws, envelope, first.jws);
    });

    /** A delivery as RS's transport hands it to reception, with the properties of `envelope` changed by `properties`. */
    const incoming = (jws: string, envelope: Envelope, properties: Partial<MessageProperties> = {}): Incoming => ({
      content: Buffer.from(jws, 'ascii'),
      routingKey: envelope.type,
      properties: { ...publishProperties(envelope), ...properties },
    });
    const replies = (dispositions: Disposition[]) => dispositions.map((d) => [d.settle, d.reply?.jws]);

    it('answers every copy of one id in a batch with the one receipt of the genuine copy, altered copies before it too', async () => {
      const envelope = at.handover();
      const jws = await at.sign(envelope);
      const batch = [incoming(jws, envelope, altered[0][1]), incoming(jws, envelope), incoming(jws, envelope, altered[1][1])];
      const out = await net.node('RS').app!.get(ReceptionService).receive(batch);

      const receipt = out[1].reply!.jws;
      expect(JSON.parse(Buffer.from(receipt.split('.')[1], 'base64url').toString('utf8')).body).toMatchObject({ ref: envelope.id, status: 'delivered' });
      expect(replies(out)).toEqual([
        ['ack', receipt],
        ['ack', receipt],
        ['ack', receipt],
      ]);
      expect(await stored(envelope.id)).toEqual({ status: 'delivered', reject_reason: null });
    });

    it('gives one answer when two replicas of RS reject the same stale message at once', async () => {
      const envelope = at.handover({ createdAt: new Date(Date.now() - 8 * 86_400_000).toISOString() });
      const jws = await at.sign(envelope);
      const replica = await startGateway(net.node('RS').config, { logger: false });
      try {
        const services = [net.node('RS').app!.get(ReceptionService), replica.get(ReceptionService)];
        const [a, b] = await Promise.all(services.map((r) => r.receive([incoming(jws, envelope)])));
        expect(a[0].reply?.envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'stale' });
        expect(replies(b)).toEqual(replies(a));
      } finally {
        await replica.close();
      }
      expect(await stored(envelope.id)).toEqual({ status: 'rejected', reject_reason: 'stale' });
    });

    it('answers a copy with an altered header header-mismatch without recording it; the genuine copy is then delivered', async () => {
      const envelope = at.handover();
      const jws = await at.sign(envelope);
      await at.publish(jws, envelope, altered[0][1]);
      const mismatch = await at.nextReceipt();
      expect(mismatch.envelope.body).toEqual({ ref: envelope.id, status: 'rejected', reason: 'header-mismatch', digest: digestOf(jws) });
      expect(await stored(envelope.id)).toBeUndefined();

      await at.publish(jws, envelope);
      const delivered = await at.nextReceipt();
      expect(delivered.envelope.body).toEqual({ ref: envelope.id, status: 'delivered', digest: digestOf(jws) });
      expect(await stored(envelope.id)).toEqual({ status: 'delivered', reject_reason: null });
      expect(await net.sql('RS', 'SELECT state FROM case_file WHERE id = $1', [envelope.id])).toEqual([{ state: 'referred' }]);
    });
  });

  it('dead-letters a message signed with a key nobody published, without a receipt', async () => {
    const rogue = generateNodeKeys('AT', { now: new Date(Date.now() - 86_400_000) }).privateJwks.keys.find((k) => k.use === 'sig')!;
    const envelope = at.handover();
    const jws = await at.sign(envelope, { kid: rogue.kid, key: importKey(rogue) });
    await at.publish(jws, envelope);

    expect((await at.nextDeadLetter()).toString('ascii')).toBe(jws);
    await expectNoReceiptBefore(at.handover());
    expect(await stored(envelope.id)).toBeUndefined();
  });

  it('dead-letters garbage and an oversized JWS, without a receipt', async () => {
    const garbage = at.handover();
    await at.publish('this is not a JWS', garbage);
    expect((await at.nextDeadLetter()).toString('ascii')).toBe('this is not a JWS');

    const big = at.handover({ body: { ...(at.handover().body as object), padding: 'x'.repeat(300 * 1024) } });
    const bigJws = await at.sign(big);
    expect(bigJws.length).toBeGreaterThan(256 * 1024);
    await at.publish(bigJws, big);
    expect((await at.nextDeadLetter()).length).toBe(bigJws.length);

    await expectNoReceiptBefore(at.handover());
    expect(await stored(garbage.id)).toBeUndefined();
    expect(await stored(big.id)).toBeUndefined();
  });

  it('lists delivered messages in the inbox, never rejected ones without saying so', async () => {
    const inbox = await call(net.node('RS').url, 'GET', '/v1/inbox?limit=500');
    expect(inbox.status).toBe(200);
    const statuses = new Set(inbox.body.items.map((i: { status: string }) => i.status));
    expect(statuses).toEqual(new Set(['delivered', 'rejected']));
    for (const item of inbox.body.items.filter((i: { status: string }) => i.status === 'rejected')) {
      expect(item.reason).toEqual(expect.any(String));
      expect(item.body).toBeUndefined();
    }
  });
});

/**
 * The sending side of one verdict per id: AT's gateway runs, RS is played by hand with its real keys and answers AT's
 * message with receipts of its choosing. AT's clock is moved by hand, so resends come when the test says.
 */
describe('AT settles what it sent on its first delivered receipt, even after a rejected one (revision 2)', () => {
  const clock = new ManualClock();
  let net: TestNetwork;
  let rs: HandPartner;
  let receiptTimeoutMs: number;

  beforeAll(async () => {
    ({ net } = await startCaseNodes(clock));
    receiptTimeoutMs = net.node('AT').config.timers.receiptTimeoutMs;
    await net.stop('RS');
    rs = await new HandPartner(net, 'RS', 'AT').open();
    await rs.drain();
  });
  afterAll(async () => {
    await rs?.close();
    await net?.close();
  });

  /** AT submits a handover; returns it as AT published it to RS. */
  async function submitted(): Promise<PublishedMessage> {
    const r = await call(net.node('AT').url, 'POST', '/v1/handovers', sampleReturnHandover(clock.now()));
    expect(r.status).toBe(202);
    return rs.nextMessage('handover.request');
  }

  const outbound = async (id: string) =>
    (await net.sql<{ state: string; reject_reason: string | null }>('AT', 'SELECT state, reject_reason FROM outbound_message WHERE id = $1', [id]))[0];
  const rejections = (id: string) => net.sql<{ detail: object }>('AT', `SELECT detail FROM timeline_event WHERE message_id = $1 AND kind = 'rejected'`, [id]);
  const acceptanceDeadlines = async (id: string) =>
    (await net.sql<{ n: number }>('AT', `SELECT count(*)::int AS n FROM expectation WHERE cause = $1 AND kind = 'acceptance'`, [id]))[0].n;

  it('keeps a message rejected header-mismatch sent, resends the identical bytes with the same timestamp, and settles it delivered', async () => {
    const copy = await submitted();
    const id = copy.envelope.id;
    expect(copy.properties.timestamp).toBe(Math.floor(Date.parse(copy.envelope.createdAt) / 1000));

    const mismatch = await rs.answer(copy, 'rejected', 'header-mismatch', clock.now());
    // Until AT has applied it, one way or the other.
    await eventually(async () => ((await outbound(id)).state !== 'sent' || (await rejections(id)).length ? true : undefined), 20_000, 'the rejection applied');
    expect(await outbound(id)).toEqual({ state: 'sent', reject_reason: null });
    expect(await rejections(id)).toEqual([{ detail: { receipt: mismatch.id, reason: 'header-mismatch' } }]);

    await rs.drain();
    clock.advance(receiptTimeoutMs + 1_000);
    const resent = await rs.nextMessage('handover.request');
    expect({ jws: resent.jws, timestamp: resent.properties.timestamp }).toEqual({ jws: copy.jws, timestamp: copy.properties.timestamp });

    const delivered = await rs.answer(resent, 'delivered', undefined, clock.now());
    await eventually(async () => ((await outbound(id)).state === 'delivered' ? true : undefined), 20_000, 'the handover delivered');
    const view = (await call(net.node('AT').url, 'GET', `/v1/handovers/${id}`)).body;
    expect(view).toMatchObject({ status: 'delivered', evidence: { receipt: { id: delivered.id } } });
    expect(view.reason).toBeUndefined();
    expect(view.timeline.map((e: { event: string; reason?: string }) => [e.event, e.reason])).toEqual([
      ['submitted', undefined],
      ['sent', undefined],
      ['rejected', 'header-mismatch'],
      ['resent', undefined],
      ['delivered', undefined],
    ]);
    expect(await acceptanceDeadlines(id)).toBe(1);
  });

  it('ends delivered when a delivered receipt follows a rejected one, and the case waits for acceptance as on RS', async () => {
    const copy = await submitted();
    const id = copy.envelope.id;
    const rejected = await rs.answer(copy, 'rejected', 'invalid-body', clock.now());
    await eventually(async () => ((await outbound(id)).state === 'rejected' ? true : undefined), 20_000, 'the handover rejected');
    expect(await acceptanceDeadlines(id)).toBe(0);

    clock.advance(1_000);
    const delivered = await rs.answer(copy, 'delivered', undefined, clock.now());
    await eventually(async () => ((await outbound(id)).state === 'delivered' ? true : undefined), 20_000, 'the handover delivered');
    expect(await outbound(id)).toEqual({ state: 'delivered', reject_reason: null });
    expect(await rejections(id)).toEqual([{ detail: { receipt: rejected.id, reason: 'invalid-body' } }]);
    const view = (await call(net.node('AT').url, 'GET', `/v1/handovers/${id}`)).body;
    expect(view).toMatchObject({ status: 'delivered', evidence: { receipt: { id: delivered.id } } });
    expect(view.timeline.map((e: { event: string }) => e.event)).toEqual(['submitted', 'sent', 'rejected', 'delivered']);
    expect(await acceptanceDeadlines(id)).toBe(1);
  });
});
