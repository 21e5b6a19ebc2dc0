import { isAddress, isNodeId, nodeOf } from './address';
import { isKnownType, validateBody } from './bodies';
import { HandoverRequestBody } from './bodies/handover-request';
import { Envelope, envelopeProblems } from './envelope';
import { MessageType } from './profile';
import { EncryptionKey, openSealed } from './sealed';
import { Problem } from './validation';

/**
 * Rule 8: `type` known, envelope fields and `body` valid for it, `sealed` opens when present. Unknown fields are an
 * error. Returns the problems; an empty list means the content is acceptable.
 */
export async function checkContent(envelope: Envelope, decryptionKeys: EncryptionKey[]): Promise<Problem[]> {
  const problems = envelopeProblems(envelope as unknown as Record<string, unknown>);
  if (!isKnownType(envelope.type)) return [...problems, { field: 'type', problem: 'is not a message type this node handles' }];
  problems.push(...validateBody(envelope.type, envelope.body));
  if (envelope.type === 'handover.request' && envelope.sealed != null) {
    const scope = (envelope.body as HandoverRequestBody | null)?.consent?.scope;
    if (Array.isArray(scope) && !scope.includes('share-sealed')) {
      problems.push({ field: 'body.consent.scope', problem: 'must contain "share-sealed" when the message has a sealed part' });
    }
  }
  if (envelope.type === 'registry.update') {
    const node = (envelope.body as { node?: unknown } | null)?.node;
    if (isNodeId(node) && node !== envelope.from) {
      problems.push({ field: 'body.node', problem: 'must be the node in "from": a node announces only its own registry' });
    }
  }
  problems.push(...caseMessageEnvelopeProblems(envelope));
  if (typeof envelope.sealed === 'string' && problems.length === 0) {
    const opened = await openSealed(envelope.sealed, decryptionKeys);
    if (!opened.ok) problems.push(...opened.problems);
  }
  return problems;
}

/** Body addresses that must belong to a node of the envelope: `[type, body field, envelope field]`. */
const ADDRESS_OF_NODE: ReadonlyArray<[MessageType, string, 'from' | 'to']> = [
  ['handover.accepted', 'role', 'from'],
  ['arrival.confirmed', 'metBy', 'from'],
  ['return.scheduled', 'metBy', 'to'],
];
/** Types that answer an earlier message and must name it in `inReplyTo`. */
const REPLY_TYPES: readonly MessageType[] = ['info.response', 'purge.confirmed'];

/** Rules between the body of a case message and its envelope (decision `case-message-bodies`). */
function caseMessageEnvelopeProblems(envelope: Envelope): Problem[] {
  const problems: Problem[] = [];
  const body = envelope.body as Record<string, unknown> | null;
  for (const [type, field, node] of ADDRESS_OF_NODE) {
    if (envelope.type !== type || body === null || typeof body !== 'object') continue;
    const address = body[field];
    if (isAddress(address) && nodeOf(address) !== envelope[node]) {
      problems.push({ field: `body.${field}`, problem: `must be an address of the node in "${node}"` });
    }
  }
  if (REPLY_TYPES.includes(envelope.type) && envelope.inReplyTo == null) {
    problems.push({ field: 'inReplyTo', problem: `is required for ${envelope.type}` });
  }
  return problems;
}
