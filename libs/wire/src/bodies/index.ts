import { MessageType } from '../profile';
import { Problem, validatePlain } from '../validation';
import {
  ArrivalConfirmedBody,
  ArrivalMissedBody,
  CaseClosedBody,
  CaseUpdatedBody,
  ConsentWithdrawnBody,
  FollowupReportBody,
  HandoverAcceptedBody,
  HandoverDeclinedBody,
  InfoRequestBody,
  InfoResponseBody,
  PurgeConfirmedBody,
  ReturnScheduledBody,
} from './case-messages';
import { HandoverRequestBody } from './handover-request';
import { ReceiptBody } from './receipt';
import { RegistryUpdateBody, registryUpdateProblems } from './registry-update';

export * from './case-messages';
export * from './handover-request';
export * from './receipt';
export * from './registry-update';

/** Body class per message type of section 7: every v1 type. */
export const BODY_CLASSES: Record<MessageType, new () => object> = {
  'handover.request': HandoverRequestBody,
  'handover.accepted': HandoverAcceptedBody,
  'handover.declined': HandoverDeclinedBody,
  'info.request': InfoRequestBody,
  'info.response': InfoResponseBody,
  'return.scheduled': ReturnScheduledBody,
  'arrival.confirmed': ArrivalConfirmedBody,
  'arrival.missed': ArrivalMissedBody,
  'followup.report': FollowupReportBody,
  'case.updated': CaseUpdatedBody,
  'consent.withdrawn': ConsentWithdrawnBody,
  'purge.confirmed': PurgeConfirmedBody,
  'case.closed': CaseClosedBody,
  'registry.update': RegistryUpdateBody,
  receipt: ReceiptBody,
};

/** Types with rules between fields that class-validator cannot express with precise field paths. */
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
