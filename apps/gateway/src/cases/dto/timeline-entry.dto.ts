import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  ArrivalConfirmedBody,
  ArrivalMissedBody,
  CaseClosedBody,
  CaseUpdatedBody,
  ConsentWithdrawnBody,
  FollowupReportBody,
  HandoverAcceptedBody,
  HandoverDeclinedBody,
  HandoverRequestBody,
  InfoRequestBody,
  InfoResponseBody,
  PurgeConfirmedBody,
  ReturnScheduledBody,
} from '@trm/wire';

/** The bodies of case messages, one per type (docs/asyncapi.yaml). */
const CASE_BODIES = [
  HandoverRequestBody,
  HandoverAcceptedBody,
  HandoverDeclinedBody,
  InfoRequestBody,
  InfoResponseBody,
  CaseUpdatedBody,
  ReturnScheduledBody,
  ArrivalConfirmedBody,
  ArrivalMissedBody,
  FollowupReportBody,
  ConsentWithdrawnBody,
  PurgeConfirmedBody,
  CaseClosedBody,
];

/**
 * One event of a timeline: when and what, and details that depend on the event (all optional; others may appear).
 * The OpenAPI document lets further keys through (additionalProperties).
 */
@ApiExtraModels(...CASE_BODIES)
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
  /**
   * Of a message's `submitted` (sent) or `received` (delivered) entry: its coded body exactly as sent or received, the
   * one of its type (`event` names the type). Only for whoever works on the case: never for an auditor, never sealed
   * data (that is GET /v1/cases/:caseRef/sealed), gone once retention or a purge reduced the message to its frame.
   */
  @ApiPropertyOptional({ oneOf: CASE_BODIES.map((b) => ({ $ref: getSchemaPath(b) })) })
  body?: object;
}
