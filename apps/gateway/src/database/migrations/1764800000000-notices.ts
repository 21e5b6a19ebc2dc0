import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notices: the e-mails to roles' functional mailboxes and the webhook calls to systems, each a row sent by its own
 * sender (an outbox of their own), unique per event and recipient so that an event recorded twice is one notice. And
 * when a deadline's owner was reminded that it is near.
 */
export class Notices1764800000000 implements MigrationInterface {
  name = 'Notices1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mail_notice (
        id uuid PRIMARY KEY,
        event_key text NOT NULL,
        event text NOT NULL,
        role text NOT NULL,
        mailbox text,
        languages jsonb NOT NULL,
        case_ref text,
        message_id uuid,
        message_type text,
        due_at timestamptz,
        detail jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        trying_since timestamptz NOT NULL,
        state text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_error text,
        sent_at timestamptz,
        mail_id uuid,
        UNIQUE (event_key, role)
      )`);
    await q.query(`CREATE INDEX mail_notice_due ON mail_notice (next_attempt_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX mail_notice_sent ON mail_notice (mailbox, sent_at) WHERE sent_at IS NOT NULL`);
    await q.query(`CREATE INDEX mail_notice_list ON mail_notice (created_at, id)`);
    await q.query(`CREATE INDEX mail_notice_role ON mail_notice (role, created_at, id)`);
    await q.query(`CREATE INDEX mail_notice_case ON mail_notice (case_ref) WHERE case_ref IS NOT NULL`);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY,
        event_key text NOT NULL,
        event text NOT NULL,
        endpoint text NOT NULL,
        payload jsonb NOT NULL,
        case_ref text,
        created_at timestamptz NOT NULL,
        trying_since timestamptz NOT NULL,
        state text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_status int,
        last_error text,
        delivered_at timestamptz,
        UNIQUE (event_key, endpoint)
      )`);
    await q.query(`CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX webhook_delivery_list ON webhook_delivery (created_at, id)`);
    await q.query(`CREATE INDEX webhook_delivery_case ON webhook_delivery (case_ref) WHERE case_ref IS NOT NULL`);
    await q.query(`ALTER TABLE expectation ADD COLUMN reminded_at timestamptz`);
    await q.query(`CREATE INDEX expectation_to_remind ON expectation (due_at) WHERE status = 'open' AND owed_by = 'us' AND reminded_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX expectation_to_remind`);
    await q.query(`ALTER TABLE expectation DROP COLUMN reminded_at`);
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE mail_notice`);
  }
}
