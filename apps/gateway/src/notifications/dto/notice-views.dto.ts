import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsAddress, IsCaseRef } from '@trm/wire';
import { IsIn, IsOptional } from 'class-validator';
import { NOTICE_TYPES, NoticeType, SmtpSecurity } from '../../config/node-config';
import { PageCursor, PageLimit, PageOf, TIME_AND_ID } from '../../http/paging';
import type { NoticeReason } from '../notice-event';

const NOTICE_STATES = ['pending', 'sent', 'failed'] as const;
const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
const REASONS: NoticeReason[] = ['addressed', 'fallback', 'successor', 'owes', 'coordinator', 'handed-over', 'retired'];

class NoticeListQuery {
  @PageLimit(500)
  limit = 50;

  @PageCursor(TIME_AND_ID)
  cursor?: string;

  /** Only those about this case. */
  @IsOptional()
  @IsCaseRef()
  caseRef?: string;
}

export class MailNoticeQueryDto extends NoticeListQuery {
  @IsOptional()
  @IsIn(NOTICE_STATES)
  @ApiPropertyOptional({ enum: NOTICE_STATES })
  state?: (typeof NOTICE_STATES)[number];

  /** Only notices to this role's mailbox. */
  @IsOptional()
  @IsAddress()
  role?: string;
}

export class WebhookDeliveryQueryDto extends NoticeListQuery {
  @IsOptional()
  @IsIn(DELIVERY_STATES)
  @ApiPropertyOptional({ enum: DELIVERY_STATES })
  state?: (typeof DELIVERY_STATES)[number];
}

/** A deadline a notice is about. */
export class NoticeDeadlineView {
  @ApiProperty({ enum: ['acceptance', 'arrival', 'followup'] })
  kind!: 'acceptance' | 'arrival' | 'followup';
  dueAt!: string;
  @ApiProperty({ enum: ['us', 'partner'] })
  owedBy!: 'us' | 'partner';
}

/** An e-mail notice to a role's functional mailbox: what it is about (codes and ids), where it went, how sending went. */
export class MailNoticeView {
  id!: string;
  @ApiProperty({ enum: NOTICE_TYPES })
  event!: NoticeType;
  /** The role whose mailbox it goes to. */
  role!: string;
  /** Null when the role has no mailbox in the directory. */
  mailbox!: string | null;
  @ApiProperty({ enum: REASONS })
  reason!: NoticeReason;
  /** The vacant or retired role the notice was for, when it went to this role as its fallback or successor. */
  about?: string;
  /** Along a chain of vacant or retired roles, the one whose fallback or successor this role is. */
  via?: string;
  caseRef!: string | null;
  messageId!: string | null;
  messageType!: string | null;
  partner?: string;
  deadline?: NoticeDeadlineView;
  /** For a role passed on: the transfer's id (GET /v1/role-transfers/{id}). */
  transfer?: string;
  @ApiProperty({ enum: NOTICE_STATES })
  state!: (typeof NOTICE_STATES)[number];
  attempts!: number;
  /** When it is tried next (pending only). */
  nextAttemptAt!: string | null;
  lastError!: string | null;
  createdAt!: string;
  sentAt!: string | null;
  /** The mail it went out in: several notices share one in a digest. */
  mailId!: string | null;
}

export class MailNoticePage extends PageOf(MailNoticeView) {}

/** A webhook call of one event to one endpoint, with how its delivery went. */
export class WebhookDeliveryView {
  id!: string;
  /** The `webhook-id` header every attempt carries. */
  webhookId!: string;
  @ApiProperty({ enum: NOTICE_TYPES })
  event!: NoticeType;
  /** The endpoint's URL, without credentials or query. */
  endpoint!: string;
  caseRef!: string | null;
  @ApiProperty({ enum: DELIVERY_STATES })
  state!: (typeof DELIVERY_STATES)[number];
  attempts!: number;
  nextAttemptAt!: string | null;
  /** The HTTP status of the last attempt; null when it got no answer. */
  lastStatus!: number | null;
  lastError!: string | null;
  createdAt!: string;
  deliveredAt!: string | null;
  /** The JSON POSTed (Standard Webhooks: type, timestamp, data). */
  @ApiProperty({ type: 'object', additionalProperties: true })
  payload!: Record<string, unknown>;
}

export class WebhookDeliveryPage extends PageOf(WebhookDeliveryView) {}

export class NoticeCounts {
  pending!: number;
  sent!: number;
  failed!: number;
}

export class DeliveryCounts {
  pending!: number;
  delivered!: number;
  failed!: number;
}

export class SmtpView {
  host!: string;
  port!: number;
  @ApiProperty({ enum: ['starttls', 'tls', 'none'] })
  security!: SmtpSecurity;
  from!: string;
  /** Whether the node signs in to the server (the credentials themselves are never shown). */
  authenticated!: boolean;
  maxPerMailboxPerHour!: number;
}

export class DigestView {
  role!: string;
  everyMs!: number;
}

export class WebhookEndpointView {
  /** Without credentials or query. */
  url!: string;
  @ApiProperty({ enum: NOTICE_TYPES, isArray: true })
  events!: NoticeType[];
  deliveries!: DeliveryCounts;
}

/** How this node tells people and systems: its mail server, digests, webhook endpoints, and how sending stands. */
export class NotificationSettings {
  /** Null: no e-mail notices are sent (no `notifications.smtp`). */
  smtp!: SmtpView | null;
  mail!: NoticeCounts;
  digests!: DigestView[];
  /** Notices of a deadline this long before it is due (0: none). */
  deadlineWarningMs!: number;
  consoleUrl!: string;
  webhooks!: WebhookEndpointView[];
}
