import { isNodeId } from './address';
import { isKnownType, validateBody } from './bodies';
import { HandoverRequestBody } from './bodies/handover-request';
import { Envelope, envelopeProblems } from './envelope';
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
  if (typeof envelope.sealed === 'string' && problems.length === 0) {
    const opened = await openSealed(envelope.sealed, decryptionKeys);
    if (!opened.ok) problems.push(...opened.problems);
  }
  return problems;
}
