import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NoticeType } from '../config/node-config';
import type { NoticeDetail } from './notice-event';

/** pending: waiting to be sent (or tried again) · sent · failed: given up, with the last error. */
export type NoticeState = 'pending' | 'sent' | 'failed';

/**
 * One e-mail notice to one role's functional mailbox about one event: what it is about in codes and ids only, never a
 * message body or sealed data. Several notices may go out in one mail (a digest, or what waited out a rate limit).
 */
@Entity('mail_notice')
export class MailNotice {
  @PrimaryColumn('uuid') id!: string;
  /** The event it is about; with `role`, what makes a notice recorded twice one notice. */
  @Column('text', { name: 'event_key' }) eventKey!: string;
  @Column('text') event!: NoticeType;
  /** The role of this node whose mailbox it goes to. */
  @Column('text') role!: string;
  /** The role's mailbox when the notice was recorded; null when it has none (the notice is failed). */
  @Column('text', { nullable: true }) mailbox!: string | null;
  /** The role's working languages when recorded: the mail is written in those it has texts for (else English). */
  @Column('jsonb') languages!: string[];
  @Column('text', { name: 'case_ref', nullable: true }) caseRef!: string | null;
  @Column('uuid', { name: 'message_id', nullable: true }) messageId!: string | null;
  @Column('text', { name: 'message_type', nullable: true }) messageType!: string | null;
  /** The deadline the notice is about, if any. */
  @Column('timestamptz', { name: 'due_at', nullable: true }) dueAt!: Date | null;
  @Column('jsonb') detail!: NoticeDetail;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  /** When the current series of attempts began (recorded, or retried by an administrator): `retry.giveUpAfter` counts from it. */
  @Column('timestamptz', { name: 'trying_since' }) tryingSince!: Date;
  @Column('text') state!: NoticeState;
  @Column('int') attempts!: number;
  /** When it is next tried (a digest's notices wait for the role's interval). */
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt!: Date | null;
  /** The mail it went out in (shared by the notices of one digest). */
  @Column('uuid', { name: 'mail_id', nullable: true }) mailId!: string | null;
}

/**
 * One event for one webhook endpoint, POSTed signed until the endpoint answers 2xx. Its id gives the `webhook-id` of
 * every attempt (`webhookId`), by which the receiver knows a repeat.
 */
@Entity('webhook_delivery')
export class WebhookDelivery {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'event_key' }) eventKey!: string;
  @Column('text') event!: NoticeType;
  /** The endpoint's URL, as configured. */
  @Column('text') endpoint!: string;
  /** The JSON sent: `{ type, timestamp, data }` (Standard Webhooks), codes and ids only. */
  @Column('jsonb') payload!: WebhookPayload;
  @Column('text', { name: 'case_ref', nullable: true }) caseRef!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  /** As for a mail notice. */
  @Column('timestamptz', { name: 'trying_since' }) tryingSince!: Date;
  @Column('text') state!: 'pending' | 'delivered' | 'failed';
  @Column('int') attempts!: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  /** The HTTP status of the last attempt; null when it got no answer. */
  @Column('int', { name: 'last_status', nullable: true }) lastStatus!: number | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt!: Date | null;
}

/** The body of a webhook call. */
export interface WebhookPayload {
  type: NoticeType;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  data: Record<string, unknown>;
}

/** The `webhook-id` header of a delivery's every attempt: `msg_` and its id. */
export const webhookId = (delivery: Pick<WebhookDelivery, 'id'>): string => `msg_${delivery.id.replace(/-/g, '')}`;
