import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case erased when consent was withdrawn for everything has `purged_at` but keeps its consent record until the end
 * of its retention: the retention job finds those cases too.
 */
export class WithdrawalEvidence1764760000000 implements MigrationInterface {
  name = 'WithdrawalEvidence1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_file_ended`);
    await q.query(`CREATE INDEX case_file_ended ON case_file (closed_at) WHERE closed_at IS NOT NULL AND (purged_at IS NULL OR consent IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_file_ended`);
    await q.query(`CREATE INDEX case_file_ended ON case_file (closed_at) WHERE closed_at IS NOT NULL AND purged_at IS NULL`);
  }
}
