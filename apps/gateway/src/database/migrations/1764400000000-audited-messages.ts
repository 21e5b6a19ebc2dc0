import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The message auditor marks what it audited instead of searching the log for it: finding the next messages to audit
 * costs what is new, not what was audited already.
 */
export class AuditedMessages1764400000000 implements MigrationInterface {
  name = 'AuditedMessages1764400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['outbound_message', 'inbound_message']) await q.query(`ALTER TABLE ${table} ADD COLUMN audited_at timestamptz`);
    await q.query(`UPDATE outbound_message o SET audited_at = a.at FROM audit_entry a WHERE a.action = 'message.sent' AND a.subject = o.id::text`);
    await q.query(`UPDATE inbound_message i SET audited_at = a.at FROM audit_entry a WHERE a.action = 'message.received' AND a.subject = i.id::text`);
    await q.query(`DROP INDEX outbound_message_sent`);
    await q.query(`CREATE INDEX outbound_message_unaudited ON outbound_message (sent_at, id) WHERE sent_at IS NOT NULL AND audited_at IS NULL`);
    await q.query(`CREATE INDEX inbound_message_unaudited ON inbound_message (received_at, id) WHERE audited_at IS NULL`);
    await q.query(`DROP TABLE audit_watermark`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_watermark (name text PRIMARY KEY, value text NOT NULL)`);
    await q.query(`DROP INDEX inbound_message_unaudited`);
    await q.query(`DROP INDEX outbound_message_unaudited`);
    await q.query(`CREATE INDEX outbound_message_sent ON outbound_message (sent_at, id) WHERE sent_at IS NOT NULL`);
    for (const table of ['outbound_message', 'inbound_message']) await q.query(`ALTER TABLE ${table} DROP COLUMN audited_at`);
  }
}
