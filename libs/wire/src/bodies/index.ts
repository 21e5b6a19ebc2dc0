import { MessageType } from '../profile';
import { Problem, validatePlain } from '../validation';
import { HandoverRequestBody } from './handover-request';
import { ReceiptBody } from './receipt';

export * from './handover-request';
export * from './receipt';

/** Body class per message type this library can validate. */
export const BODY_CLASSES: Partial<Record<MessageType, new () => object>> = {
  'handover.request': HandoverRequestBody,
  receipt: ReceiptBody,
};

export const isKnownType = (type: string): type is MessageType => Object.prototype.hasOwnProperty.call(BODY_CLASSES, type);

/** Problems of `body` for `type`, with paths prefixed by `body`. */
export function validateBody(type: string, body: unknown): Problem[] {
  const cls = isKnownType(type) ? BODY_CLASSES[type] : undefined;
  if (!cls) return [{ field: 'type', problem: 'is not a message type this node handles' }];
  return validatePlain(cls, body, 'body');
}
