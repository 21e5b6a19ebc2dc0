import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order in which this node created its messages (a sequence: timestamps tie within a millisecond), and when its
 * own case message was applied to its case (at its receipt, or earlier when the partner's answer came first).
 */
export class OutboxOrder1764050000000 implements MigrationInterface {
  name = 'OutboxOrder1764050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbound_message ADD COLUMN seq bigserial`);
    await q.query(`CREATE INDEX outbound_message_case_seq ON outbound_message (case_ref, seq)`);
    await q.query(`ALTER TABLE outbound_message ADD COLUMN applied_at timestamptz`);
    await q.query(`UPDATE outbound_message SET applied_at = settled_at WHERE state = 'delivered'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbound_message DROP COLUMN applied_at`);
    await q.query(`DROP INDEX outbound_message_case_seq`);
    await q.query(`ALTER TABLE outbound_message DROP COLUMN seq`);
  }
}
