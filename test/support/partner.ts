import {
  Envelope,
  JWS_ALG,
  JWS_TYP,
  EnvelopeInit,
  MessageProperties,
  ReceiptBody,
  RejectReason,
  SigningKey,
  Verification,
  createEnvelope,
  createReceipt,
  currentKey,
  digestOf,
  importKey,
  publishProperties,
  signEnvelope,
  verifyMessage,
} from '@trm/wire';
import { Channel, ChannelModel, ConfirmChannel, connect } from 'amqplib';
import { CompactSign } from 'jose';
import { randomUUID } from 'node:crypto';
import { sampleReturnHandover } from '../../apps/trmctl/src/local';
import { eventually } from './http';
import { TestNetwork } from './network';

export interface PublishedMessage<B = unknown> {
  jws: string;
  envelope: Envelope<B>;
  routingKey: string;
  properties: MessageProperties;
}

export interface ReceivedReceipt {
  jws: string;
  verification: Verification;
  envelope: Envelope<ReceiptBody>;
}

/**
 * Plays partner node `from` by hand against a running node `to`: signs with `from`'s real keys, publishes to `to`'s
 * trm.inbound with `from`'s partner account, and reads the receipts that arrive on `from`'s own queue (its gateway is
 * not running). Lets a test send what no well-behaved gateway would.
 */
export class HandPartner {
  private links: ChannelModel[] = [];
  private publishChannel!: ConfirmChannel;
  private ownQueue!: Channel;
  private deadQueue!: Channel;

  constructor(
    private readonly net: TestNetwork,
    readonly from: string,
    readonly to: string,
  ) {}

  async open(): Promise<this> {
    const endpoint = this.net.node(this.from).config.partners.find((p) => p.node === this.to)!.endpoints[0];
    const toPartner = await connect(endpoint);
    const own = await connect(this.net.node(this.from).amqpUrl);
    const theirs = await connect(this.net.node(this.to).amqpUrl);
    this.links = [toPartner, own, theirs];
    this.publishChannel = await toPartner.createConfirmChannel();
    this.ownQueue = await own.createChannel();
    this.deadQueue = await theirs.createChannel();
    return this;
  }

  async close(): Promise<void> {
    for (const l of this.links) await l.close().catch(() => undefined);
  }

  signer(): SigningKey {
    const jwk = currentKey(this.net.node(this.from).keys.privateJwks, 'sig', new Date())!;
    return { kid: jwk.kid, key: importKey(jwk) };
  }

  /** A valid `handover.request` from this partner, with any field overridden. */
  handover(overrides: Partial<EnvelopeInit<unknown>> = {}): Envelope {
    const sample = sampleReturnHandover();
    return createEnvelope<unknown>({
      id: randomUUID(),
      type: 'handover.request',
      from: this.from,
      to: this.to,
      sender: `${this.from}/bmi-thb/coordination`,
      recipient: sample.recipient,
      caseRef: `${this.from}-2026-${randomUUID().slice(0, 8).toUpperCase()}`,
      createdAt: new Date().toISOString(),
      body: sample.body,
      ...overrides,
    });
  }

  sign(envelope: Envelope, signer: SigningKey = this.signer()): Promise<string> {
    return signEnvelope(envelope, signer);
  }

  /** Signs payload text as it is, for what JSON.stringify never writes (10,000 levels, a lone surrogate escape). */
  signText(payload: string, signer: SigningKey = this.signer()): Promise<string> {
    return new CompactSign(Buffer.from(payload, 'utf8')).setProtectedHeader({ alg: JWS_ALG, kid: signer.kid, typ: JWS_TYP }).sign(signer.key);
  }

  /** Publishes raw bytes; properties default to the correct ones for `envelope`. */
  async publish(content: string | Buffer, envelope: Envelope, properties: Partial<MessageProperties> = {}, routingKey = envelope.type): Promise<void> {
    const props = { ...publishProperties(envelope), ...properties };
    this.publishChannel.publish('trm.inbound', routingKey, Buffer.isBuffer(content) ? content : Buffer.from(content, 'ascii'), props);
    await this.publishChannel.waitForConfirms();
  }

  async send(envelope: Envelope): Promise<string> {
    const jws = await this.sign(envelope);
    await this.publish(jws, envelope);
    return jws;
  }

  /** The next receipt on this partner's own queue (other messages, such as registry updates, are skipped), checked against the answering node's public keys. */
  async nextReceipt(timeoutMs = 15_000): Promise<ReceivedReceipt> {
    const { jws, envelope, routingKey, properties } = await this.nextMessage<ReceiptBody>('receipt', timeoutMs);
    const to = this.net.node(this.to);
    const keys = new Map(to.keys.publicJwks.keys.map((k) => [k.kid, { jwk: k, key: importKey(k) }]));
    const verification = await verifyMessage(
      { content: Buffer.from(jws, 'ascii'), routingKey, properties },
      { node: this.from, now: new Date(), keyFor: (kid) => keys.get(kid) },
    );
    return { jws, verification, envelope };
  }

  /** The next message of `type` on this partner's own queue, as the other node published it (other messages are skipped). */
  async nextMessage<B = unknown>(type: string, timeoutMs = 15_000): Promise<PublishedMessage<B>> {
    const message = await eventually(
      async () => {
        const m = await this.ownQueue.get('trm.node', { noAck: true });
        return m && m.properties.type === type ? m : undefined;
      },
      timeoutMs,
      `a ${type}`,
    );
    const jws = message.content.toString('ascii');
    const envelope = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8')) as Envelope<B>;
    return { jws, envelope, routingKey: message.fields.routingKey, properties: message.properties };
  }

  /** Skips whatever waits on this partner's own queue now. */
  async drain(): Promise<void> {
    while (await this.ownQueue.get('trm.node', { noAck: true }));
  }

  /** Answers a message the other node published with a receipt signed by this partner, as its gateway would. */
  async answer(message: PublishedMessage, status: 'delivered' | 'rejected', reason?: RejectReason, createdAt = new Date()): Promise<Envelope<ReceiptBody>> {
    const e = message.envelope;
    const receipt = createReceipt({
      node: this.from,
      id: randomUUID(),
      createdAt: createdAt.toISOString(),
      subject: { node: e.from, id: e.id, caseRef: e.caseRef, sender: e.sender, recipient: e.recipient },
      status,
      reason,
      digest: digestOf(message.jws),
      publishes: () => true,
    });
    await this.send(receipt);
    return receipt;
  }

  /** The next dead letter on the answering node's trm.dead. */
  async nextDeadLetter(timeoutMs = 15_000): Promise<Buffer> {
    const message = await eventually(async () => (await this.deadQueue.get('trm.dead', { noAck: true })) || undefined, timeoutMs, 'a dead letter');
    return message.content;
  }
}
