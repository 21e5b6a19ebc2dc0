import { ApiProperty } from '@nestjs/swagger';

/**
 * One event of a timeline: when and what, and details that depend on the event (all optional; others may appear).
 * The OpenAPI document lets further keys through (additionalProperties).
 */
export class TimelineEntryView {
  /** RFC 3339. */
  at!: string;
  /** e.g. "sent handover.request", "receipt delivered for handover.request", "deadline set: acceptance", "escalated: alert". */
  event!: string;
  /** The message the event is about. */
  message?: string;
  @ApiProperty({ enum: ['in', 'out'], required: false })
  direction?: 'in' | 'out';
  /** Sender and recipient addresses of a message sent or received. */
  from?: string;
  to?: string;
  /** The role a received message waits with, when not its recipient. */
  routedTo?: string;
  inReplyTo?: string;
  /** Of a received message: "delivered" or "rejected (<reason>)"; of a receipt event: the receipt's id. */
  receipt?: string;
  /** A reject reason. */
  reason?: string;
  /** Of a deadline set: when it is due, and who owes it. */
  dueAt?: string;
  @ApiProperty({ enum: ['us', 'partner'], required: false })
  owedBy?: 'us' | 'partner';
  /** Of a deadline met: the message that met it. */
  by?: string;
  /** Of an escalation: the deadline's kind and the role alerted or copied to. */
  kind?: string;
  target?: string;
  /** Of a participant added: the role. */
  role?: string;
}
