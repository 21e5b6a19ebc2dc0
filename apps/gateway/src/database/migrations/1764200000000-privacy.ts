import { MigrationInterface, QueryRunner } from 'typeorm';

/** Consent recorded with each case; sealed data this node sent, kept encrypted to its own key (at rest). */
export class Privacy1764200000000 implements MigrationInterface {
  name = 'Privacy1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_file ADD COLUMN consent jsonb`);
    await q.query(`ALTER TABLE outbound_message ADD COLUMN sealed_at_rest text`);
    // Cases and messages whose data retention removed leave a tombstone with this time.
    await q.query(`ALTER TABLE case_file ADD COLUMN closed_at timestamptz`);
    await q.query(`UPDATE case_file SET closed_at = state_changed_at WHERE state IN ('closed', 'withdrawn', 'declined')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_file DROP COLUMN closed_at`);
    await q.query(`ALTER TABLE outbound_message DROP COLUMN sealed_at_rest`);
    await q.query(`ALTER TABLE case_file DROP COLUMN consent`);
  }
}
