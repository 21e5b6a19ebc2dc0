import { MessageType } from '../profile';
import { Problem, validatePlain } from '../validation';
import { HandoverRequestBody } from './handover-request';
import { ReceiptBody } from './receipt';
import { RegistryUpdateBody, registryUpdateProblems } from './registry-update';

export * from './handover-request';
export * from './receipt';
export * from './registry-update';

/** Body class per message type this library can validate. */
export const BODY_CLASSES: Partial<Record<MessageType, new () => object>> = {
  'handover.request': HandoverRequestBody,
  'registry.update': RegistryUpdateBody,
  receipt: ReceiptBody,
};

/**
 * Types whose rules between fields class-validator cannot express with precise field paths: their full check
 * (class-validator included) is this function instead of `validatePlain`.
 */
const BODY_CHECKS: Partial<Record<MessageType, (body: unknown) => Problem[]>> = {
  'registry.update': registryUpdateProblems,
};

export const isKnownType = (type: string): type is MessageType => Object.prototype.hasOwnProperty.call(BODY_CLASSES, type);

/** Problems of `body` for `type`, with paths prefixed by `body`. */
export function validateBody(type: string, body: unknown): Problem[] {
  const cls = isKnownType(type) ? BODY_CLASSES[type] : undefined;
  if (!cls) return [{ field: 'type', problem: 'is not a message type this node handles' }];
  const check = BODY_CHECKS[type as MessageType];
  return check ? check(body) : validatePlain(cls, body, 'body');
}
