import { Logger } from '@nestjs/common';
import {
  Envelope,
  EnvelopeInit,
  Incoming,
  ReceiptBody,
  ResolvedKey,
  SigningKey,
  authenticateMessage,
  createEnvelope,
  createReceipt,
  digestOf,
  generateNodeKeys,
  importKey,
  publishProperties,
  signEnvelope,
} from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ManualClock } from '../../../../test/support/clock';
import { NodeConfig } from '../config/node-config';
import { Transactions } from '../database/transactions';
import { EnvelopeService } from '../message-log/envelope.service';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { InboxRepository } from '../message-log/inbox.repository';
import { RegistryService } from '../registry/registry.service';
import { Outgoing } from '../amqp/delivery';
import { InboundChecks } from './inbound-checks';
import { InboundEffects } from './inbound-effects';
import { ReceptionService } from './reception.service';
import { NodeEvents } from '../telemetry/node-events';

// RS receives what AT sends from its coordinator to RS's intake.
const NOW = new Date('2026-11-22T10:15:30Z');
const DAY_MS = 86_400_000;
const AT_COORDINATOR = 'AT/bmi-thb/coordination';
const RS_INTAKE = 'RS/cptv/intake';
/** Where the registry routes RS's intake: the row shows what the registry said. */
const RS_DUTY = 'RS/cptv/duty';
const CASE = 'AT-2026-7F3K9Q';
const KEYS_FROM = new Date('2026-01-01T00:00:00Z');
const AT = generateNodeKeys('AT', { now: KEYS_FROM });
const RS = generateNodeKeys('RS', { now: KEYS_FROM });

const signerOf = (jwks: typeof AT.privateJwks, kid = jwks.keys[0].kid): SigningKey => ({ kid, key: importKey(jwks.keys[0]) });
const AT_SIGNER = signerOf(AT.privateJwks);
const resolved = (jwks: typeof AT.publicJwks) => new Map<string, ResolvedKey>(jwks.keys.map((jwk) => [jwk.kid, { jwk, key: importKey(jwk) }]));

/** A message from AT, signed, as it comes off the broker. */
async function fromAT(change: Partial<EnvelopeInit<unknown>> = {}, signer = AT_SIGNER): Promise<{ envelope: Envelope; jws: string; incoming: Incoming }> {
  const envelope = createEnvelope({
    id: randomUUID(),
    type: 'arrival.missed',
    from: 'AT',
    to: 'RS',
    sender: AT_COORDINATOR,
    recipient: RS_INTAKE,
    caseRef: CASE,
    createdAt: new Date(NOW.getTime() - 60_000).toISOString(),
    body: { reason: 'travel-delayed' },
    ...change,
  });
  const jws = await signEnvelope(envelope, signer);
  return { envelope, jws, incoming: { content: Buffer.from(jws, 'ascii'), routingKey: envelope.type, properties: publishProperties(envelope) } };
}

/** AT's receipt for a message RS sent. */
const receiptFromAT = (ref: string, body: Partial<ReceiptBody> = {}) => {
  const receipt = createReceipt({
    node: 'AT',
    id: randomUUID(),
    createdAt: new Date(NOW.getTime() - 60_000).toISOString(),
    subject: { node: 'RS', id: ref, caseRef: CASE, sender: RS_INTAKE, recipient: AT_COORDINATOR },
    status: 'delivered',
    digest: digestOf('what RS sent'),
    publishes: (address) => address === AT_COORDINATOR,
  });
  return fromAT({ ...receipt, body: { ...receipt.body, ...body } });
};

/** What a receipt says, once AT verified RS's signature on it. */
async function verdict(reply: Outgoing | undefined): Promise<ReceiptBody & { to: string }> {
  if (!reply) throw new Error('no receipt');
  const checked = await authenticateMessage(
    { content: Buffer.from(reply.jws, 'ascii'), routingKey: 'receipt', properties: publishProperties(reply.envelope) },
    { node: 'AT', now: NOW, keyFor: (kid) => resolved(RS.publicJwks).get(kid) },
  );
  if (!checked.ok) throw new Error(`receipt does not verify: ${checked.reason}`);
  expect(checked.envelope).toEqual(reply.envelope);
  return { ...(checked.envelope.body as ReceiptBody), to: checked.envelope.to };
}

/** The inbox as a map; `replica` holds what another replica of the node commits just before this one stores. */
class Inbox {
  readonly rows = new Map<string, InboundMessage>();
  readonly replica = new Map<string, InboundMessage>();

  findStored(ids: string[]): Promise<Map<string, string | null>> {
    return Promise.resolve(new Map(ids.filter((id) => this.rows.has(id)).map((id) => [id, this.rows.get(id)!.receiptJws])));
  }

  addNew(messages: InboundMessage[]): Promise<Set<string>> {
    for (const [id, row] of this.replica) this.rows.set(id, row);
    this.replica.clear();
    const added = new Set<string>();
    for (const m of messages.filter((m) => !this.rows.has(m.id))) {
      this.rows.set(m.id, m);
      added.add(m.id);
    }
    return Promise.resolve(added);
  }
}

describe('ReceptionService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  const setUp = () => {
    const clock = new ManualClock(NOW);
    const partnerKeys = resolved(AT.publicJwks);
    const registry = {
      node: 'RS',
      publishes: (address: string) => address === RS_INTAKE,
      route: (address: string) => (address === RS_INTAKE ? RS_DUTY : address),
      partnerKey: (kid: string) => partnerKeys.get(kid),
    } as unknown as RegistryService;
    const envelopes = new EnvelopeService({ node: 'RS', privateJwks: RS.privateJwks } as NodeConfig, registry, clock);
    const inbox = new Inbox();
    /** Ids of what the effects were applied to, per call; and how often their after-commit work ran. */
    const applied: string[][] = [];
    const committed: number[] = [];
    let inTransaction = false;
    const effects = {
      apply: (messages: InboundMessage[]) => {
        expect(inTransaction).toBe(true);
        applied.push(messages.map((m) => m.id));
        return Promise.resolve(() => Promise.resolve(void committed.push(applied.length)));
      },
    } as unknown as InboundEffects;
    /** Ids the node-state checks of rule 8 refuse; `checked` is what they were shown. */
    const refuse = new Set<string>();
    const checked: string[][] = [];
    const checks = new InboundChecks([
      {
        refusals: (batch) => {
          checked.push(batch.map((e) => e.id));
          return Promise.resolve(new Map(batch.filter((e) => refuse.has(e.id)).map((e) => [e.id, 'does not fit its case'])));
        },
      },
    ]);
    const transactions = {
      run: async <T>(work: (tx: EntityManager) => Promise<T>): Promise<T> => {
        inTransaction = true;
        try {
          return await work({} as EntityManager);
        } finally {
          inTransaction = false;
        }
      },
      afterCommit: (_tx: EntityManager, then: () => void) => then(),
    } as unknown as Transactions;
    const reception = new ReceptionService(envelopes, registry, inbox as unknown as InboxRepository, effects, checks, transactions, clock, new NodeEvents());
    return { reception, inbox, applied, committed, refuse, checked, clock };
  };

  it('delivers a valid message: stores it, applies its effects, and acks it with a signed delivered receipt naming its digest', async () => {
    const { reception, inbox, applied, committed } = setUp();
    const m = await fromAT();
    const [answer] = await reception.receive([m.incoming]);
    expect(answer.settle).toBe('ack');
    expect(await verdict(answer.reply)).toEqual({ ref: m.envelope.id, status: 'delivered', digest: digestOf(m.jws), to: 'AT' });
    expect(answer.reply!.envelope.sender).toBe(RS_INTAKE);
    expect(inbox.rows.get(m.envelope.id)).toMatchObject({
      status: 'delivered',
      rejectReason: null,
      jws: m.jws,
      digest: digestOf(m.jws),
      kid: AT_SIGNER.kid,
      routedTo: RS_DUTY,
      receiptJws: answer.reply!.jws,
      receivedAt: NOW,
    });
    expect(applied).toEqual([[m.envelope.id]]);
    expect(committed).toEqual([1]);
  });

  it('rules 1–4: dead-letters what cannot be attributed, answers rejected what a known sender sent wrong, stores neither', async () => {
    const { reception, inbox, applied } = setUp();
    const stranger = generateNodeKeys('AT', { now: KEYS_FROM });
    const forged = await fromAT({}, signerOf(stranger.privateJwks, AT_SIGNER.kid));
    const misrouted = await fromAT({ to: 'HU' });
    const unknownKey = await fromAT({}, signerOf(stranger.privateJwks));
    const garbage: Incoming = { content: Buffer.from('not a signed message'), routingKey: 'arrival.missed', properties: {} };

    const answers = await reception.receive([garbage, forged.incoming, unknownKey.incoming, misrouted.incoming]);
    expect(answers.map((a) => a.settle)).toEqual(['dead-letter', 'ack', 'dead-letter', 'ack']);
    expect([answers[0].reply, answers[2].reply]).toEqual([undefined, undefined]);
    expect(await verdict(answers[1].reply)).toMatchObject({
      ref: forged.envelope.id,
      status: 'rejected',
      reason: 'bad-signature',
      digest: digestOf(forged.jws),
    });
    expect(await verdict(answers[3].reply)).toMatchObject({ ref: misrouted.envelope.id, status: 'rejected', reason: 'misrouted' });
    expect(inbox.rows.size).toBe(0);
    expect(applied.flat()).toEqual([]);
  });

  it('rule 5: a copy whose properties disagree is answered header-mismatch and not recorded; the genuine copy is still delivered', async () => {
    const { reception, inbox } = setUp();
    const m = await fromAT();
    const altered = { ...m.incoming, properties: { ...m.incoming.properties, type: 'case.closed' } };
    const [first] = await reception.receive([altered]);
    expect(await verdict(first.reply)).toMatchObject({ ref: m.envelope.id, status: 'rejected', reason: 'header-mismatch' });
    expect(inbox.rows.size).toBe(0);

    const [second] = await reception.receive([m.incoming]);
    expect(await verdict(second.reply)).toMatchObject({ status: 'delivered' });
  });

  it('rule 5: an altered copy in the batch of the genuine one gets the genuine one’s receipt', async () => {
    const { reception } = setUp();
    const m = await fromAT();
    const altered = { ...m.incoming, routingKey: 'case.closed' };
    const [copy, genuine] = await reception.receive([altered, m.incoming]);
    expect(await verdict(genuine.reply)).toMatchObject({ status: 'delivered' });
    expect(copy).toEqual(genuine);
  });

  it('rule 6: a stale or expired message is stored rejected and answered stale, and not applied', async () => {
    const { reception, inbox, applied } = setUp();
    const old = await fromAT({ createdAt: new Date(NOW.getTime() - 8 * DAY_MS).toISOString() });
    const expired = await fromAT({ expiresAt: new Date(NOW.getTime() - 1).toISOString() });
    const answers = await reception.receive([old.incoming, expired.incoming]);
    expect(await verdict(answers[0].reply)).toMatchObject({ ref: old.envelope.id, status: 'rejected', reason: 'stale' });
    expect(await verdict(answers[1].reply)).toMatchObject({ ref: expired.envelope.id, status: 'rejected', reason: 'stale' });
    expect(inbox.rows.get(old.envelope.id)).toMatchObject({ status: 'rejected', rejectReason: 'stale', routedTo: null });
    expect(applied.flat()).toEqual([]);
  });

  it('rule 6: a stale receipt is dead-lettered unanswered and not stored', async () => {
    const { reception, inbox, clock } = setUp();
    const receipt = await receiptFromAT(randomUUID());
    clock.advance(8 * DAY_MS);
    expect(await reception.receive([receipt.incoming])).toEqual([{ settle: 'dead-letter' }]);
    expect(inbox.rows.size).toBe(0);
  });

  it('rule 7: a repeat, in the same batch or later, gets the first receipt byte for byte and is stored and applied once', async () => {
    const { reception, inbox, applied, clock } = setUp();
    const m = await fromAT();
    const [first, again] = await reception.receive([m.incoming, m.incoming]);
    expect(await verdict(first.reply)).toMatchObject({ status: 'delivered' });
    expect(again).toEqual(first);
    expect(inbox.rows.size).toBe(1);
    expect(applied.flat()).toEqual([m.envelope.id]);

    // One verdict per id: a later copy with altered properties, or one that is stale by now, gets the same answer.
    const altered = { ...m.incoming, properties: { ...m.incoming.properties, messageId: randomUUID() } };
    expect(await reception.receive([altered])).toEqual([first]);
    clock.advance(8 * DAY_MS);
    expect(await reception.receive([m.incoming])).toEqual([first]);
    expect(applied.flat()).toEqual([m.envelope.id]);
  });

  it('rule 7: a repeat of a rejected message gets its rejection again', async () => {
    const { reception } = setUp();
    const m = await fromAT({ recipient: 'RS/cptv/closed-office' });
    const [first] = await reception.receive([m.incoming]);
    expect(await verdict(first.reply)).toMatchObject({ status: 'rejected', reason: 'unknown-recipient' });
    expect(await reception.receive([m.incoming])).toEqual([first]);
  });

  it('rule 7: what a replica of the node stored meanwhile is answered with the replica’s receipt', async () => {
    const { reception, inbox, applied } = setUp();
    const m = await fromAT();
    const replicaReceipt = (await setUp().reception.receive([m.incoming]))[0].reply!;
    inbox.replica.set(m.envelope.id, { id: m.envelope.id, receiptJws: replicaReceipt.jws } as InboundMessage);
    const [answer] = await reception.receive([m.incoming]);
    expect(answer).toEqual({ settle: 'ack', reply: replicaReceipt });
    expect(applied.flat()).toEqual([]);
  });

  it('rule 8: an invalid body, and a message a node-state check refuses, are stored rejected invalid-body and not applied', async () => {
    const { reception, inbox, applied, refuse, checked } = setUp();
    const invalid = await fromAT({ body: { reason: 'lost-passport' } });
    const unfitting = await fromAT();
    const fitting = await fromAT();
    refuse.add(unfitting.envelope.id);
    const answers = await reception.receive([invalid.incoming, unfitting.incoming, fitting.incoming]);
    expect(await Promise.all(answers.map((a) => verdict(a.reply).then((v) => `${v.status} ${v.reason ?? ''}`.trim())))).toEqual([
      'rejected invalid-body',
      'rejected invalid-body',
      'delivered',
    ]);
    expect(checked).toEqual([[unfitting.envelope.id, fitting.envelope.id]]);
    expect([invalid, unfitting].map((m) => inbox.rows.get(m.envelope.id)?.rejectReason)).toEqual(['invalid-body', 'invalid-body']);
    expect(applied).toEqual([[fitting.envelope.id]]);
  });

  it('rule 8: a refused message keeps no sealed part: neither it nor the JWS carrying it is stored', async () => {
    const { reception, inbox } = setUp();
    const m = await fromAT({ sealed: 'not.an.encrypted.part' });
    const [answer] = await reception.receive([m.incoming]);
    expect(await verdict(answer.reply)).toMatchObject({ status: 'rejected', reason: 'invalid-body', digest: digestOf(m.jws) });
    expect(inbox.rows.get(m.envelope.id)).toMatchObject({ jws: null, purgedAt: NOW, digest: digestOf(m.jws) });
    expect(inbox.rows.get(m.envelope.id)!.envelope.sealed).toBeNull();
  });

  it('rule 9: a message to an address this node does not publish is stored rejected unknown-recipient', async () => {
    const { reception, inbox, applied } = setUp();
    const m = await fromAT({ recipient: 'RS/cptv/closed-office' });
    const [answer] = await reception.receive([m.incoming]);
    expect(await verdict(answer.reply)).toMatchObject({ ref: m.envelope.id, status: 'rejected', reason: 'unknown-recipient' });
    expect(answer.reply!.envelope.sender).toBe('RS/gateway/receipts');
    expect(inbox.rows.get(m.envelope.id)).toMatchObject({ status: 'rejected', rejectReason: 'unknown-recipient' });
    expect(applied.flat()).toEqual([]);
  });

  it('never answers a receipt: a usable one is stored and applied, again when repeated; an unusable one is dead-lettered', async () => {
    const { reception, inbox, applied, clock } = setUp();
    const receipt = await receiptFromAT(randomUUID());
    const unusable = await receiptFromAT(randomUUID(), { status: 'maybe' as ReceiptBody['status'] });
    expect(await reception.receive([receipt.incoming, unusable.incoming])).toEqual([{ settle: 'ack' }, { settle: 'dead-letter' }]);
    expect(inbox.rows.get(receipt.envelope.id)).toMatchObject({ type: 'receipt', status: 'delivered', receiptJws: null, routedTo: null });
    expect(inbox.rows.has(unusable.envelope.id)).toBe(false);
    expect(applied).toEqual([[receipt.envelope.id]]);

    // Settling is idempotent: a repeated receipt is applied again, for what it could not settle the first time; being
    // a repeat (rule 7) it is not judged stale.
    clock.advance(8 * DAY_MS);
    expect(await reception.receive([receipt.incoming])).toEqual([{ settle: 'ack' }]);
    expect(applied.flat()).toEqual([receipt.envelope.id, receipt.envelope.id]);
  });

  it('dead-letters a delivery that failed repeatedly, telling a verified sender internal-error, unless it is a receipt', async () => {
    const { reception, inbox } = setUp();
    const m = await fromAT();
    const failed = await reception.failed(m.incoming);
    expect(failed.settle).toBe('dead-letter');
    expect(await verdict(failed.reply)).toMatchObject({ ref: m.envelope.id, status: 'rejected', reason: 'internal-error' });
    expect(await reception.failed((await receiptFromAT(randomUUID())).incoming)).toEqual({ settle: 'dead-letter' });
    expect(await reception.failed({ ...m.incoming, content: Buffer.from('garbage') })).toEqual({ settle: 'dead-letter' });
    expect(inbox.rows.size).toBe(0);
  });
});
