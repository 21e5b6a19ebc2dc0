import { createHash } from 'node:crypto';
import { publishProperties } from './amqp';
import { validateBody } from './bodies';
import { checkContent } from './content';
import { signEnvelope, verifyMessage } from './jws';
import { generateNodeKeys, importKey } from './keys';
import { ReceiptInit, ReceiptSubject, createReceipt } from './receipt';

// RS answers a message AT sent from AT/bmi-thb/coordination to RS/cptv/intake.
const MESSAGE_ID = '0b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69';
const RECEIPT_ID = '9d1e2f30-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const CREATED = '2026-11-22T10:15:30Z';
const DIGEST = `sha-256:${createHash('sha256').update('the received JWS').digest('base64url')}`;
const RS_DIRECTORY = new Set(['RS/cptv/intake', 'RS/cptv/return-support']);

const SUBJECT: ReceiptSubject = {
  node: 'AT',
  id: MESSAGE_ID,
  caseRef: 'AT-2026-7F3K9Q',
  sender: 'AT/bmi-thb/coordination',
  recipient: 'RS/cptv/intake',
};

const receipt = (changes: Partial<Omit<ReceiptInit, 'subject'>> & { subject?: Partial<ReceiptSubject> } = {}) =>
  createReceipt({
    node: 'RS',
    id: RECEIPT_ID,
    createdAt: CREATED,
    status: 'delivered',
    digest: DIGEST,
    publishes: (address) => RS_DIRECTORY.has(address),
    ...changes,
    subject: { ...SUBJECT, ...changes.subject },
  });

describe('createReceipt', () => {
  it('answers a message: from/to reversed, sender/recipient swapped, caseRef copied, inReplyTo and ref its id', () => {
    expect(receipt()).toEqual({
      profile: 'trm-amqp/1',
      id: RECEIPT_ID,
      type: 'receipt',
      from: 'RS',
      to: 'AT',
      sender: 'RS/cptv/intake',
      recipient: 'AT/bmi-thb/coordination',
      caseRef: 'AT-2026-7F3K9Q',
      inReplyTo: MESSAGE_ID,
      createdAt: CREATED,
      expiresAt: null,
      body: { ref: MESSAGE_ID, status: 'delivered', digest: DIGEST },
      sealed: null,
    });
  });

  it('asks the directory about the address it answers from', () => {
    const publishes = jest.fn(() => true);
    receipt({ subject: { recipient: 'RS/cptv/return-support' }, publishes });
    expect(publishes).toHaveBeenCalledWith('RS/cptv/return-support');
  });

  it.each<[string, unknown]>([
    ['an address this node does not publish', 'RS/cptv/closed-office'],
    ['an address of another node', 'HU/ngo/intake'],
    ['a malformed address', 'RS/CPTV/intake'],
    ['no address', undefined],
    ['a non-string', 42],
  ])('answers from RS/gateway/receipts when the recipient was %s', (_label, recipient) => {
    expect(receipt({ subject: { recipient } }).sender).toBe('RS/gateway/receipts');
  });

  it.each<[string, unknown]>([
    ['an address of another node than the sender node', 'HU/ngo/intake'],
    ['an address of a node whose id extends the sender node', 'AT-NGO/ngo/intake'],
    ['a malformed address', 'AT/bmi thb/coordination'],
    ['no address', undefined],
    ['an object', { node: 'AT' }],
  ])('answers to AT/gateway/receipts when the sender was %s', (_label, sender) => {
    expect(receipt({ subject: { sender } }).recipient).toBe('AT/gateway/receipts');
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['malformed', 'at-2026'],
    ['not a string', 2026],
  ])('uses RS-NONE when the caseRef is %s', (_label, caseRef) => {
    expect(receipt({ subject: { caseRef } }).caseRef).toBe('RS-NONE');
  });

  it('carries no reason when delivered', () => {
    expect(receipt({ reason: 'stale' }).body).not.toHaveProperty('reason');
  });

  it('carries the reason when rejected', () => {
    expect(receipt({ status: 'rejected', reason: 'header-mismatch' }).body).toEqual({
      ref: MESSAGE_ID,
      status: 'rejected',
      reason: 'header-mismatch',
      digest: DIGEST,
    });
  });

  it.each<[string, Parameters<typeof receipt>[0]]>([
    ['delivered', {}],
    ['rejected', { status: 'rejected', reason: 'bad-signature' }],
    ['answering a message with nothing usable', { status: 'rejected', reason: 'misrouted', subject: { sender: 'x', recipient: null, caseRef: '' } }],
  ])('is a valid receipt envelope and body (%s)', async (_label, changes) => {
    const r = receipt(changes);
    expect(validateBody('receipt', r.body)).toEqual([]);
    expect(await checkContent(r, [])).toEqual([]);
  });

  it('passes the receiving rules 1–6 at the node it answers once signed', async () => {
    const rs = generateNodeKeys('RS', { now: new Date('2026-01-01T00:00:00Z') }).privateJwks.keys.find((k) => k.use === 'sig')!;
    const { d: _d, ...rsPublic } = rs;
    const r = receipt({ status: 'rejected', reason: 'stale' });
    const jws = await signEnvelope(r, { kid: rs.kid, key: importKey(rs) });
    const result = await verifyMessage(
      { content: Buffer.from(jws), routingKey: 'receipt', properties: publishProperties(r) },
      {
        node: 'AT',
        now: new Date('2026-11-22T10:16:00Z'),
        keyFor: (kid) => (kid === rs.kid ? { jwk: rsPublic, key: importKey(rsPublic) } : undefined),
      },
    );
    expect(result).toMatchObject({ ok: true, envelope: r });
  });
});

describe('validateBody("receipt")', () => {
  const body = { ref: MESSAGE_ID, status: 'rejected', reason: 'stale', digest: DIGEST };

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a rejected receipt without reason', { reason: undefined }, ['body.reason']],
    ['a delivered receipt with a reason', { status: 'delivered' }, ['body.reason']],
    ['an unknown reason code', { reason: 'duplicate' }, ['body.reason']],
    ['an unknown status', { status: 'accepted', reason: undefined }, ['body.status']],
    ['a ref that is not a UUID', { ref: 'msg-1' }, ['body.ref']],
    ['a digest of another algorithm', { digest: DIGEST.replace('sha-256', 'sha-1') }, ['body.digest']],
    ['a truncated digest', { digest: DIGEST.slice(0, -1) }, ['body.digest']],
    ['an unknown field', { acceptedBy: 'RS/cptv/intake' }, ['body.acceptedBy']],
  ])('refuses %s', (_label, changes, fields) => {
    const problems = validateBody('receipt', JSON.parse(JSON.stringify({ ...body, ...changes })));
    expect([...new Set(problems.map((p) => p.field))]).toEqual(fields);
  });
});
