import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (RetentionJob). A case whose coded data was deleted stays as a tombstone: `purged_at` says when, its
 * purpose goes with the rest of its coded data. A message reduced to its tombstone (routing frame, digest, status,
 * receipt ids) has `tombstoned_at`; `purged_at` stays what it was: when its sealed part went. Partial indexes let the
 * job find what is due without reading the whole log.
 */
export class Retention1764300000000 implements MigrationInterface {
  name = 'Retention1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_file ALTER COLUMN purpose DROP NOT NULL`);
    await q.query(`ALTER TABLE case_file ADD COLUMN purged_at timestamptz`);
    await q.query(`CREATE INDEX case_file_ended ON case_file (closed_at) WHERE closed_at IS NOT NULL AND purged_at IS NULL`);

    await q.query(`ALTER TABLE inbound_message ADD COLUMN tombstoned_at timestamptz`);
    await q.query(`ALTER TABLE outbound_message ADD COLUMN tombstoned_at timestamptz`);
    await q.query(`CREATE INDEX inbound_message_log ON inbound_message (received_at) WHERE tombstoned_at IS NULL`);
    await q.query(`CREATE INDEX outbound_message_log ON outbound_message (created_at) WHERE tombstoned_at IS NULL`);
    await q.query(`CREATE INDEX inbound_message_sealed ON inbound_message (case_ref) WHERE envelope->>'sealed' IS NOT NULL`);
    await q.query(`CREATE INDEX outbound_message_sealed ON outbound_message (case_ref) WHERE envelope->>'sealed' IS NOT NULL OR sealed_at_rest IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of ['outbound_message_sealed', 'inbound_message_sealed', 'outbound_message_log', 'inbound_message_log', 'case_file_ended']) {
      await q.query(`DROP INDEX ${index}`);
    }
    await q.query(`ALTER TABLE outbound_message DROP COLUMN tombstoned_at`);
    await q.query(`ALTER TABLE inbound_message DROP COLUMN tombstoned_at`);
    await q.query(`ALTER TABLE case_file DROP COLUMN purged_at`);
    // Tombstones lost their purpose; the column wants one again.
    await q.query(`UPDATE case_file SET purpose = 'unknown' WHERE purpose IS NULL`);
    await q.query(`ALTER TABLE case_file ALTER COLUMN purpose SET NOT NULL`);
  }
}
