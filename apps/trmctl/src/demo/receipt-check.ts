import { Envelope, JWS_ALG, Jwks, ReceiptBody, importKey, keyStateAt, kidNode } from '@trm/wire';
import { compactVerify, decodeProtectedHeader } from 'jose';

export interface ReceiptClaim {
  /** The receipt as stored by the sending node: `evidence.receipt.jws`. */
  jws: string;
  /** The handover it should answer. */
  handoverId: string;
  /** The digest the sending node recorded for the bytes it sent: `evidence.digest`. */
  digest: string;
  /** The node that should have signed it. */
  partner: string;
  /** That node's trust anchor, configured out of band. */
  trustAnchor: Jwks;
}

export type ReceiptCheck = { ok: true; kid: string; status: ReceiptBody['status']; reason?: string; digest: string } | { ok: false; problem: string };

/**
 * Checks a receipt without trusting the node that stored it: the signature against the partner's trust anchor, and
 * that the signed body names this handover and the digest of the bytes that were sent.
 */
export async function checkReceipt(claim: ReceiptClaim): Promise<ReceiptCheck> {
  const fail = (problem: string): ReceiptCheck => ({ ok: false, problem });

  let kid: unknown;
  try {
    kid = decodeProtectedHeader(claim.jws).kid;
  } catch {
    return fail('the receipt is not a JWS in compact serialization');
  }
  if (typeof kid !== 'string' || kidNode(kid) !== claim.partner) return fail(`the receipt is signed with key "${String(kid)}", not a key of ${claim.partner}`);
  const jwk = claim.trustAnchor.keys.find((k) => k.kid === kid && k.use === 'sig');
  if (!jwk) return fail(`key ${kid} is not in ${claim.partner}'s trust anchor`);

  let envelope: Envelope<ReceiptBody>;
  try {
    const { payload } = await compactVerify(claim.jws, importKey(jwk), { algorithms: [JWS_ALG] });
    envelope = JSON.parse(new TextDecoder().decode(payload)) as Envelope<ReceiptBody>;
  } catch {
    return fail(`the signature does not verify against ${kid}`);
  }

  const body = envelope.body ?? ({} as Partial<ReceiptBody>);
  if (envelope.type !== 'receipt') return fail(`the signed message is a "${envelope.type}", not a receipt`);
  if (envelope.from !== claim.partner) return fail(`the signed receipt says it is from ${envelope.from}, not ${claim.partner}`);
  if (keyStateAt(jwk, new Date(envelope.createdAt)) !== 'valid') return fail(`key ${kid} was not valid when the receipt was created`);
  if (body.ref !== claim.handoverId) return fail(`the receipt answers ${body.ref}, not handover ${claim.handoverId}`);
  if (body.status !== 'delivered' && body.status !== 'rejected') return fail(`the receipt has no valid status`);
  if (body.digest !== claim.digest) return fail(`the receipt names digest ${body.digest}, but the request was ${claim.digest}`);
  return { ok: true, kid, status: body.status, ...(body.reason ? { reason: body.reason } : {}), digest: body.digest };
}
