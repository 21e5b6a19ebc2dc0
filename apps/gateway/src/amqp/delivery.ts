import { Envelope, Incoming, TraceHeaders } from '@trm/wire';

/** The pattern under which the AMQP transport hands batches of deliveries to the node. */
export const INBOUND_BATCH = 'trm.inbound.batch';
/**
 * The pattern under which the transport hands one delivery it failed to process `maxDeliveryAttempts` times, to be
 * dead-lettered: the answer says whether its sender gets a receipt (`internal-error`, when verified).
 */
export const INBOUND_FAILED = 'trm.inbound.failed';

/** A signed message to publish to a partner's `trm.inbound`. */
export interface Outgoing {
  envelope: Envelope;
  jws: string;
  /** W3C trace context for its AMQP headers. */
  trace?: TraceHeaders | null;
}

/** What to do with one delivery once the node has dealt with it. */
export interface Disposition {
  /** ack: stored or answered · dead-letter: unusable, to `trm.dead`. */
  settle: 'ack' | 'dead-letter';
  /** A receipt to publish to the sender once the delivery is settled. */
  reply?: Outgoing;
}

export type { Incoming };
