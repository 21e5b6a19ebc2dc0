import { isAddress, isCaseRef, isNodeId } from './address';
import { MessageType, PROFILE, UUID } from './profile';
import { Problem, isTimestamp } from './validation';

/** The signed payload of every TRM-AMQP/1 message (section 4). */
export interface Envelope<B = unknown> {
  profile: typeof PROFILE;
  id: string;
  type: MessageType;
  from: string;
  to: string;
  sender: string;
  recipient: string;
  caseRef: string;
  inReplyTo: string | null;
  createdAt: string;
  expiresAt: string | null;
  body: B;
  sealed: string | null;
}

const FIELDS = ['profile', 'id', 'type', 'from', 'to', 'sender', 'recipient', 'caseRef', 'inReplyTo', 'createdAt', 'expiresAt', 'body', 'sealed'] as const;

export type EnvelopeInit<B> = Omit<Envelope<B>, 'profile' | 'inReplyTo' | 'expiresAt' | 'sealed'> &
  Partial<Pick<Envelope<B>, 'inReplyTo' | 'expiresAt' | 'sealed'>>;

/** Builds an envelope with every field present, in the order of section 4. */
export function createEnvelope<B>(init: EnvelopeInit<B>): Envelope<B> {
  return {
    profile: PROFILE,
    id: init.id,
    type: init.type,
    from: init.from,
    to: init.to,
    sender: init.sender,
    recipient: init.recipient,
    caseRef: init.caseRef,
    inReplyTo: init.inReplyTo ?? null,
    createdAt: init.createdAt,
    expiresAt: init.expiresAt ?? null,
    body: init.body,
    sealed: init.sealed ?? null,
  };
}

/** Exact payload bytes to sign. The key order is fixed so that signing the same envelope twice gives the same JWS. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const ordered: Record<string, unknown> = {};
  for (const f of FIELDS) ordered[f] = envelope[f];
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

/**
 * The fields a node needs before it can verify anything: without them a message cannot be attributed, deduplicated
 * or answered. Their absence makes the message `malformed` (rule 1).
 */
export function frameProblem(payload: Record<string, unknown>): string | null {
  if (payload.profile !== PROFILE) return `profile must be "${PROFILE}"`;
  if (typeof payload.id !== 'string' || !UUID.test(payload.id)) return 'id must be a UUID';
  if (typeof payload.type !== 'string' || payload.type.length === 0) return 'type must be a string';
  if (!isNodeId(payload.from)) return 'from must be a node id';
  if (!isNodeId(payload.to)) return 'to must be a node id';
  if (!isTimestamp(payload.createdAt)) return 'createdAt must be an RFC 3339 timestamp';
  return null;
}

/** The remaining envelope fields, checked with the body under rule 8 (`invalid-body`). */
export function envelopeProblems(payload: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problem });
  for (const key of Object.keys(payload)) {
    if (!(FIELDS as readonly string[]).includes(key)) add(key, 'is not a known field');
  }
  if (!isAddress(payload.sender)) add('sender', 'must be an address <node>/<organisation>/<role>');
  else if (!payload.sender.startsWith(`${String(payload.from)}/`)) add('sender', 'must be an address of the node in "from"');
  if (!isAddress(payload.recipient)) add('recipient', 'must be an address <node>/<organisation>/<role>');
  else if (!payload.recipient.startsWith(`${String(payload.to)}/`)) add('recipient', 'must be an address of the node in "to"');
  if (!isCaseRef(payload.caseRef)) add('caseRef', 'must match ^[A-Z]{2}[A-Z0-9-]{3,40}$');
  if (payload.inReplyTo != null && (typeof payload.inReplyTo !== 'string' || !UUID.test(payload.inReplyTo))) {
    add('inReplyTo', 'must be a UUID or null');
  }
  if (payload.expiresAt != null && !isTimestamp(payload.expiresAt)) add('expiresAt', 'must be an RFC 3339 timestamp or null');
  if (payload.sealed != null && typeof payload.sealed !== 'string') add('sealed', 'must be a JWE Compact Serialization or null');
  if (!('body' in payload)) add('body', 'is required');
  return problems;
}
