import { isAddress, isCaseRef, nodeOf } from './address';
import { ReceiptBody, ReceiptStatus } from './bodies/receipt';
import { Envelope, createEnvelope } from './envelope';
import { RejectReason, receiptsAddress } from './profile';

/** What a receipt answers: the received message's routing fields, trusted or not. */
export interface ReceiptSubject {
  node: string;
  id: string;
  caseRef: unknown;
  sender: unknown;
  recipient: unknown;
}

export interface ReceiptInit {
  /** The answering node. */
  node: string;
  /** A fresh UUID for the receipt itself. */
  id: string;
  createdAt: string;
  subject: ReceiptSubject;
  status: ReceiptStatus;
  reason?: RejectReason;
  digest: string;
  /** Whether an address belongs to the answering node's directory; others are replaced by its receipts address. */
  publishes(address: string): boolean;
}

/** Case reference of a receipt answering a message whose own caseRef is missing or invalid (documented in AsyncAPI). */
export const unknownCaseRef = (node: string): string => `${node}-NONE`;

/**
 * A receipt copies the caseRef and swaps sender and recipient of the message it answers; where those are missing or
 * invalid it uses `<node>/gateway/receipts` (section 6).
 */
export function createReceipt(init: ReceiptInit): Envelope<ReceiptBody> {
  const { subject } = init;
  const sender = isAddress(subject.recipient) && init.publishes(subject.recipient) ? subject.recipient : receiptsAddress(init.node);
  const recipient = isAddress(subject.sender) && nodeOf(subject.sender) === subject.node ? subject.sender : receiptsAddress(subject.node);
  const body: ReceiptBody = {
    ref: subject.id,
    status: init.status,
    ...(init.status === 'rejected' ? { reason: init.reason } : {}),
    digest: init.digest,
  };
  return createEnvelope<ReceiptBody>({
    id: init.id,
    type: 'receipt',
    from: init.node,
    to: subject.node,
    sender,
    recipient,
    caseRef: isCaseRef(subject.caseRef) ? subject.caseRef : unknownCaseRef(init.node),
    inReplyTo: subject.id,
    createdAt: init.createdAt,
    body,
  });
}
