import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { affected } from '../database/affected';
import { Column, bulkInsert } from '../database/bulk-insert';
import { KeysetPage, keyset } from '../database/keyset';
import { MailNotice, NoticeState, WebhookDelivery } from './notice.entity';

/** Pending notices of the due mailboxes taken in one pass at most: a longer backlog goes in the passes after. */
const MAILBOX_BATCH = 1000;

/** Counts of notices or deliveries by state. */
export type StateCounts = Record<string, number>;

/** The notices outbox (mails) and the webhook deliveries: the only place that touches their tables. */
@Injectable()
export class NoticeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the notices not recorded yet (one per event and role); returns how many are new. */
  async addNotices(notices: MailNotice[], tx: EntityManager): Promise<number> {
    return (await bulkInsert(tx, 'mail_notice', NOTICE_COLUMNS, notices, 'ON CONFLICT (event_key, role) DO NOTHING RETURNING id')).length;
  }

  /** Inserts the deliveries not recorded yet (one per event and endpoint); returns how many are new. */
  async addDeliveries(deliveries: WebhookDelivery[], tx: EntityManager): Promise<number> {
    return (await bulkInsert(tx, 'webhook_delivery', DELIVERY_COLUMNS, deliveries, 'ON CONFLICT (event_key, endpoint) DO NOTHING RETURNING id')).length;
  }

  /**
   * Runs `work` on the pending notices due at `now` and, with them, every other pending notice of their mailboxes (a
   * digest sends them all), in one transaction holding their row locks: another pass or replica skips them.
   */
  withDueNotices<T>(now: Date, limit: number, work: (notices: MailNotice[], tx: EntityManager) => Promise<T>): Promise<T | null> {
    return this.dataSource.transaction(async (tx) => {
      const due: Array<{ mailbox: string }> = await tx.query(
        `SELECT DISTINCT mailbox FROM (SELECT mailbox FROM mail_notice WHERE state = 'pending' AND next_attempt_at <= $1
           ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) d`,
        [now, limit],
      );
      if (!due.length) return null;
      const notices = await tx
        .getRepository(MailNotice)
        .createQueryBuilder('n')
        .where(`n.state = 'pending' AND n.mailbox = ANY(:mailboxes)`, { mailboxes: due.map((d) => d.mailbox) })
        .orderBy('n.created_at')
        .addOrderBy('n.id')
        .limit(MAILBOX_BATCH)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      return notices.length ? work(notices, tx) : null;
    });
  }

  /** When each of `mailboxes` was sent its mails of the hour before `now`, oldest first. */
  async sentSince(mailboxes: string[], since: Date, tx: EntityManager): Promise<Map<string, Date[]>> {
    const rows: Array<{ mailbox: string; sent_at: Date }> = await tx.query(
      `SELECT mailbox, min(sent_at) AS sent_at FROM mail_notice WHERE mailbox = ANY($1) AND sent_at > $2 GROUP BY mailbox, mail_id ORDER BY 2`,
      [mailboxes, since],
    );
    const out = new Map<string, Date[]>();
    for (const r of rows) out.set(r.mailbox, [...(out.get(r.mailbox) ?? []), r.sent_at]);
    return out;
  }

  async markSent(ids: string[], mailId: string, at: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE mail_notice SET state = 'sent', sent_at = $3, mail_id = $2, attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL WHERE id = ANY($1::uuid[])`,
      [ids, mailId, at],
    );
  }

  /** A failed attempt: tried again at `next`, or failed for good when `next` is null. */
  async markAttemptFailed(ids: string[], error: string, next: Date | null, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE mail_notice SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, state = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE state END
       WHERE id = ANY($1::uuid[])`,
      [ids, error, next],
    );
  }

  /** Held back (a rate limit, a digest's interval), without counting as an attempt. */
  async postponeNotices(ids: string[], until: Date, tx: EntityManager): Promise<void> {
    if (ids.length) await tx.query(`UPDATE mail_notice SET next_attempt_at = $2 WHERE id = ANY($1::uuid[])`, [ids, until]);
  }

  /** Runs `work` on the webhook deliveries due at `now`, holding their row locks (see `withDueNotices`). */
  withDueDeliveries<T>(now: Date, limit: number, work: (deliveries: WebhookDelivery[], tx: EntityManager) => Promise<T>): Promise<T | null> {
    return this.dataSource.transaction(async (tx) => {
      const due = await tx
        .getRepository(WebhookDelivery)
        .createQueryBuilder('d')
        .where(`d.state = 'pending' AND d.next_attempt_at <= :now`, { now })
        .orderBy('d.next_attempt_at')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      return due.length ? work(due, tx) : null;
    });
  }

  /** The outcome of one attempt: delivered, tried again at `next`, or failed for good. */
  async recordDelivery(
    id: string,
    outcome: { status: number | null; error: string | null; delivered: boolean; next: Date | null },
    at: Date,
    tx: EntityManager,
  ): Promise<void> {
    await tx.query(
      `UPDATE webhook_delivery SET attempts = attempts + 1, last_status = $2, last_error = $3,
         state = CASE WHEN $4 THEN 'delivered' WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
         delivered_at = CASE WHEN $4 THEN $6::timestamptz ELSE NULL END, next_attempt_at = CASE WHEN $4 THEN NULL ELSE $5::timestamptz END
       WHERE id = $1`,
      [id, outcome.status, outcome.error, outcome.delivered, outcome.next, at],
    );
  }

  /** A failed delivery tried again now, from its first back-off step; false when it is not failed. */
  async retryDelivery(id: string, now: Date): Promise<boolean> {
    return (
      affected(
        await this.dataSource.query(
          `UPDATE webhook_delivery SET state = 'pending', next_attempt_at = $2, attempts = 0, trying_since = $2 WHERE id = $1 AND state = 'failed'`,
          [id, now],
        ),
      ) > 0
    );
  }

  /** A failed notice tried again now, to `mailbox` (the role's current one); false when it is not failed. */
  async retryNotice(id: string, mailbox: string, now: Date): Promise<boolean> {
    return (
      affected(
        await this.dataSource.query(
          `UPDATE mail_notice SET state = 'pending', mailbox = $3, next_attempt_at = $2, attempts = 0, trying_since = $2 WHERE id = $1 AND state = 'failed'`,
          [id, now, mailbox],
        ),
      ) > 0
    );
  }

  findNotice(id: string): Promise<MailNotice | null> {
    return this.dataSource.getRepository(MailNotice).findOneBy({ id });
  }

  findDelivery(id: string): Promise<WebhookDelivery | null> {
    return this.dataSource.getRepository(WebhookDelivery).findOneBy({ id });
  }

  /** Mail notices, newest first (index mail_notice_list); with a state or a case, only those; unless `roles` is null, only those of `roles` or of the roles of `organisations`. */
  notices(filter: { state?: NoticeState; roles: string[] | null; organisations: string[]; caseRef?: string }, page: KeysetPage): Promise<MailNotice[]> {
    const q = this.dataSource.getRepository(MailNotice).createQueryBuilder('n').where('true');
    if (filter.state) q.andWhere('n.state = :state', { state: filter.state });
    if (filter.roles)
      q.andWhere(`(n.role = ANY(:roles) OR split_part(n.role, '/', 2) = ANY(:organisations))`, { roles: filter.roles, organisations: filter.organisations });
    if (filter.caseRef) q.andWhere('n.case_ref = :caseRef', { caseRef: filter.caseRef });
    return keyset(q, ['n.created_at', 'n.id'], 'DESC', page).getMany();
  }

  /** Webhook deliveries, newest first (index webhook_delivery_list); with a state or a case, only those. */
  deliveries(filter: { state?: WebhookDelivery['state']; caseRef?: string }, page: KeysetPage): Promise<WebhookDelivery[]> {
    const q = this.dataSource.getRepository(WebhookDelivery).createQueryBuilder('d').where('true');
    if (filter.state) q.andWhere('d.state = :state', { state: filter.state });
    if (filter.caseRef) q.andWhere('d.case_ref = :caseRef', { caseRef: filter.caseRef });
    return keyset(q, ['d.created_at', 'd.id'], 'DESC', page).getMany();
  }

  /**
   * Deletes up to `limit` each of the notices and webhook deliveries recorded before `before` that are done with
   * (sent, delivered or failed); returns how many went.
   */
  async deleteSettled(before: Date, limit: number, tx: EntityManager): Promise<{ count: number; more: boolean }> {
    const [notices, deliveries] = [
      affected(
        await tx.query(`DELETE FROM mail_notice WHERE id IN (SELECT id FROM mail_notice WHERE state <> 'pending' AND created_at < $1 LIMIT $2)`, [
          before,
          limit,
        ]),
      ),
      affected(
        await tx.query(`DELETE FROM webhook_delivery WHERE id IN (SELECT id FROM webhook_delivery WHERE state <> 'pending' AND created_at < $1 LIMIT $2)`, [
          before,
          limit,
        ]),
      ),
    ];
    return { count: notices + deliveries, more: notices === limit || deliveries === limit };
  }

  /** Mail notices by state, and webhook deliveries by endpoint and state. */
  async counts(): Promise<{ mail: StateCounts; webhooks: Map<string, StateCounts> }> {
    const mail: Array<{ state: string; n: number }> = await this.dataSource.query(`SELECT state, count(*)::int AS n FROM mail_notice GROUP BY state`);
    const hooks: Array<{ endpoint: string; state: string; n: number }> = await this.dataSource.query(
      `SELECT endpoint, state, count(*)::int AS n FROM webhook_delivery GROUP BY endpoint, state`,
    );
    const webhooks = new Map<string, StateCounts>();
    for (const r of hooks) webhooks.set(r.endpoint, { ...webhooks.get(r.endpoint), [r.state]: r.n });
    return { mail: Object.fromEntries(mail.map((r) => [r.state, r.n])), webhooks };
  }
}

const NOTICE_COLUMNS: Column<MailNotice>[] = [
  { name: 'id', type: 'uuid', value: (n) => n.id },
  { name: 'event_key', type: 'text', value: (n) => n.eventKey },
  { name: 'event', type: 'text', value: (n) => n.event },
  { name: 'role', type: 'text', value: (n) => n.role },
  { name: 'mailbox', type: 'text', value: (n) => n.mailbox },
  { name: 'languages', type: 'jsonb', value: (n) => n.languages },
  { name: 'case_ref', type: 'text', value: (n) => n.caseRef },
  { name: 'message_id', type: 'uuid', value: (n) => n.messageId },
  { name: 'message_type', type: 'text', value: (n) => n.messageType },
  { name: 'due_at', type: 'timestamptz', value: (n) => n.dueAt },
  { name: 'detail', type: 'jsonb', value: (n) => n.detail },
  { name: 'created_at', type: 'timestamptz', value: (n) => n.createdAt },
  { name: 'trying_since', type: 'timestamptz', value: (n) => n.tryingSince },
  { name: 'state', type: 'text', value: (n) => n.state },
  { name: 'attempts', type: 'int', value: (n) => n.attempts },
  { name: 'next_attempt_at', type: 'timestamptz', value: (n) => n.nextAttemptAt },
  { name: 'last_error', type: 'text', value: (n) => n.lastError },
];

const DELIVERY_COLUMNS: Column<WebhookDelivery>[] = [
  { name: 'id', type: 'uuid', value: (d) => d.id },
  { name: 'event_key', type: 'text', value: (d) => d.eventKey },
  { name: 'event', type: 'text', value: (d) => d.event },
  { name: 'endpoint', type: 'text', value: (d) => d.endpoint },
  { name: 'payload', type: 'jsonb', value: (d) => d.payload },
  { name: 'case_ref', type: 'text', value: (d) => d.caseRef },
  { name: 'created_at', type: 'timestamptz', value: (d) => d.createdAt },
  { name: 'trying_since', type: 'timestamptz', value: (d) => d.tryingSince },
  { name: 'state', type: 'text', value: (d) => d.state },
  { name: 'attempts', type: 'int', value: (d) => d.attempts },
  { name: 'next_attempt_at', type: 'timestamptz', value: (d) => d.nextAttemptAt },
];
