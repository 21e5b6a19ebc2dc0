/** Constants fixed by TRM-AMQP/1 (shared/contract/trm-amqp-1.md). */
export const PROFILE = 'trm-amqp/1';
export const CONTENT_TYPE = 'application/jose';
export const JWS_TYP = 'trm+json';
export const JWS_ALG = 'EdDSA';
export const JWE_ALG = 'ECDH-ES+A256KW';
export const JWE_ENC = 'A256GCM';

export const INBOUND_EXCHANGE = 'trm.inbound';
export const DEAD_LETTER_EXCHANGE = 'trm.dlx';
export const DEAD_LETTER_QUEUE = 'trm.dead';

export const MAX_JWS_BYTES = 256 * 1024;
/** Limits of revision 2 (end of section 5): how deep JSON may nest (the outermost object is level 1) … */
export const MAX_JSON_DEPTH = 32;
/** … and how many items an array that does not hold codes may have (an array of codes: its code list's length). */
export const MAX_CASE_MESSAGE_ITEMS = 64;
export const MAX_REGISTRY_ITEMS = 5000;
export const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;
export const MAX_MESSAGE_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export const HEADER_PROFILE = 'trm-profile';
export const HEADER_FROM = 'trm-from';
export const HEADER_TO = 'trm-to';
/** W3C Trace Context, optional (decision `trace-context`): carried as headers, never checked against the envelope. */
export const HEADER_TRACEPARENT = 'traceparent';
export const HEADER_TRACESTATE = 'tracestate';

export const NODE_ID = /^[A-Z]{2}(-[A-Z0-9]{1,16})?$/;
export const SLUG = /^[a-z0-9][a-z0-9-]{0,47}$/;
export const ADDRESS = /^([A-Z]{2}(?:-[A-Z0-9]{1,16})?)\/([a-z0-9][a-z0-9-]{0,47})\/([a-z0-9][a-z0-9-]{0,47})$/;
export const CASE_REF = /^[A-Z]{2}[A-Z0-9-]{3,40}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Address a node uses for receipts when the message it answers names no valid address (section 6). */
export const receiptsAddress = (node: string): string => `${node}/gateway/receipts`;

export const MESSAGE_TYPES = [
  'handover.request',
  'handover.accepted',
  'handover.declined',
  'info.request',
  'info.response',
  'return.scheduled',
  'arrival.confirmed',
  'arrival.missed',
  'followup.report',
  'case.updated',
  'consent.withdrawn',
  'purge.confirmed',
  'case.closed',
  'registry.update',
  'receipt',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Reason codes of a `rejected` receipt, in the order the checks run (section 5). */
export const REJECT_REASONS = [
  'malformed',
  'unknown-key',
  'bad-signature',
  'misrouted',
  'header-mismatch',
  'stale',
  'invalid-body',
  'unknown-recipient',
  // Not a verdict on the message: the node failed to process it several times (revision 2, end of section 5).
  'internal-error',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * Rejections that are no verdict on the message (revision 2): they concern a copy's unsigned properties, so the
 * receiver does not record them as the id's answer and a correct copy of the same bytes may still be delivered.
 */
export const NOT_A_VERDICT: readonly RejectReason[] = ['header-mismatch'];
