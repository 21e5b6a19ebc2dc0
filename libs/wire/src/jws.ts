import { CompactSign, compactVerify } from 'jose';
import { KeyObject } from 'node:crypto';
import { MessageProperties, propertyMismatch } from './amqp';
import { digestOf } from './digest';
import { Envelope, encodeEnvelope, frameProblem } from './envelope';
import { ResolvedKey, keyStateAt, kidNode } from './keys';
import { JWS_ALG, JWS_TYP, MAX_CLOCK_AHEAD_MS, MAX_JSON_DEPTH, MAX_JWS_BYTES, MAX_MESSAGE_AGE_MS, RejectReason } from './profile';
import { isPlain, nestedDeeperThan } from './validation';

export interface SigningKey {
  kid: string;
  key: KeyObject;
}

export async function signEnvelope(envelope: Envelope, signer: SigningKey): Promise<string> {
  return new CompactSign(encodeEnvelope(envelope)).setProtectedHeader({ alg: JWS_ALG, kid: signer.kid, typ: JWS_TYP }).sign(signer.key);
}

/** A delivery as it came off the broker. */
export interface Incoming {
  content: Uint8Array;
  routingKey: string;
  properties: MessageProperties;
}

export interface VerifyContext {
  /** This node's id. */
  node: string;
  now: Date;
  /** A partner's public key by `kid`, or undefined when no partner published it. */
  keyFor(kid: string): ResolvedKey | undefined;
}

/** What a refused message still tells us — enough to address a `rejected` receipt, when one may be sent. */
export interface Answerable {
  node: string;
  id: string;
  type: string;
  caseRef: unknown;
  sender: unknown;
  recipient: unknown;
}

/** A delivery refused by one of the rules; `answer` is null when no receipt may be sent (the delivery is dead-lettered). */
export interface Refusal {
  ok: false;
  reason: RejectReason;
  detail: string;
  digest: string;
  answer: Answerable | null;
}

export type Verification = { ok: true; envelope: Envelope; digest: string; kid: string } | Refusal;

const refusal = (digest: string, reason: RejectReason, detail: string, answer: Answerable | null = null): Refusal => ({
  ok: false,
  reason,
  detail,
  digest,
  answer: answer && answer.type !== 'receipt' ? answer : null,
});

const answerOf = (e: Envelope): Answerable => ({
  node: e.from,
  id: e.id,
  type: e.type,
  caseRef: e.caseRef,
  sender: e.sender,
  recipient: e.recipient,
});

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** JSON of a base64url segment; undefined when it is not valid UTF-8 or not JSON. */
const decodeJson = (segment: string): unknown => {
  try {
    return JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')));
  } catch {
    return undefined;
  }
};

/**
 * Rules 1–6 of section 5, in order. Rules 7 (duplicate), 8 (body, see `checkContent`) and 9 (recipient) need the
 * node's state and are applied by the node after this. A node that keeps its answers applies rule 7 between
 * `authenticateMessage` and `checkDelivery` instead, for ids it already answered (revision 2, one verdict per id).
 */
export async function verifyMessage(incoming: Incoming, ctx: VerifyContext): Promise<Verification> {
  const verified = await authenticateMessage(incoming, ctx);
  return verified.ok ? (checkDelivery(incoming, verified, ctx.now) ?? verified) : verified;
}

/**
 * Rules 1–4: the bytes are a JWS of this profile, signed by the node in `from` with a key valid at `createdAt`, and
 * addressed to this node. What they establish cannot change in transit.
 */
export async function authenticateMessage(incoming: Incoming, ctx: VerifyContext): Promise<Verification> {
  const digest = digestOf(incoming.content);
  const refuse = (reason: RejectReason, detail: string, answer: Answerable | null = null) => refusal(digest, reason, detail, answer);

  // 1. well-formed JWS, size limit, typ
  if (incoming.content.byteLength > MAX_JWS_BYTES) return refuse('malformed', `larger than ${MAX_JWS_BYTES} bytes`);
  // latin1 maps every byte to one character, so a non-ASCII byte fails the base64url check below ('ascii' would
  // drop its high bit and let bytes other than the signed ones pass as the same JWS).
  const jws = Buffer.from(incoming.content).toString('latin1');
  const parts = jws.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[1] || !parts[2]) {
    return refuse('malformed', 'not a JWS Compact Serialization with attached payload');
  }
  const header = decodeJson(parts[0]);
  if (!isPlain(header)) return refuse('malformed', 'protected header is not a JSON object');
  if (header.typ !== JWS_TYP) return refuse('malformed', `typ is not ${JWS_TYP}`);
  if (header.alg !== JWS_ALG) return refuse('malformed', `alg is not ${JWS_ALG}`);
  if ('b64' in header || 'crit' in header) return refuse('malformed', 'unencoded payloads and critical extensions are not allowed');
  if (typeof header.kid !== 'string') return refuse('malformed', 'kid is missing');
  const payload = decodeJson(parts[1]);
  if (!isPlain(payload)) return refuse('malformed', 'payload is not a JSON object');
  const frame = frameProblem(payload);
  if (frame) return refuse('malformed', frame);
  const claimed = payload as unknown as Envelope;
  // JSON.parse does not recurse, so a payload nested too deep is still read, but nothing may process it. It is
  // malformed like the rest of rule 1; its sender is answered once rules 2–3 show who sent it.
  const tooDeep = nestedDeeperThan(payload, MAX_JSON_DEPTH) ? `payload is nested deeper than ${MAX_JSON_DEPTH} levels` : null;
  const unattributed = (reason: RejectReason, detail: string) => (tooDeep ? refuse('malformed', tooDeep) : refuse(reason, detail));

  // 2. kid belongs to node `from`, key known, not revoked, valid at createdAt
  const kid = header.kid;
  const resolved = ctx.keyFor(kid);
  if (kidNode(kid) !== claimed.from) return unattributed('unknown-key', 'kid does not belong to the node in from');
  if (!resolved || resolved.jwk.use !== 'sig') return unattributed('unknown-key', 'no signing key with this kid');
  const state = keyStateAt(resolved.jwk, new Date(claimed.createdAt));
  if (state !== 'valid') return unattributed('unknown-key', `key is ${state} at createdAt`);

  const answer = answerOf(claimed);

  // 3. signature
  try {
    await compactVerify(jws, resolved.key, { algorithms: [JWS_ALG] });
  } catch {
    return tooDeep ? refuse('malformed', tooDeep) : refuse('bad-signature', 'signature does not verify', answer);
  }
  if (tooDeep) return refuse('malformed', tooDeep, answer);

  // 4. addressed to this node
  if (claimed.to !== ctx.node) return refuse('misrouted', `to is not ${ctx.node}`, answer);

  return { ok: true, envelope: claimed, digest, kid };
}

/**
 * Rules 5–6 for a message that passed rules 1–4: what the way to this node may have changed (the unsigned properties)
 * or delayed. Returns the refusal, or null.
 */
export function checkDelivery(incoming: Incoming, verified: { envelope: Envelope; digest: string }, now: Date): Refusal | null {
  const { envelope: claimed, digest } = verified;
  const refuse = (reason: RejectReason, detail: string) => refusal(digest, reason, detail, answerOf(claimed));

  // 5. AMQP properties agree with the envelope
  const mismatch = propertyMismatch(incoming.properties, incoming.routingKey, claimed);
  if (mismatch) return refuse('header-mismatch', mismatch);

  // 6. fresh
  const at = now.getTime();
  const created = Date.parse(claimed.createdAt);
  if (created > at + MAX_CLOCK_AHEAD_MS) return refuse('stale', 'createdAt is more than 5 minutes ahead');
  if (created < at - MAX_MESSAGE_AGE_MS) return refuse('stale', 'createdAt is more than 7 days old');
  if (typeof claimed.expiresAt === 'string' && Date.parse(claimed.expiresAt) <= at) return refuse('stale', 'expiresAt has passed');
  return null;
}
