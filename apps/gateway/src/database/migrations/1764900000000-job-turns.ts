import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each timed job of the node (deadline check, retention, auditing, ...) is due next: the replica whose timer
 * finds it due takes it and runs it, so the replicas of one node run each job once per interval.
 */
export class JobTurns1764900000000 implements MigrationInterface {
  name = 'JobTurns1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_turn (
        job text PRIMARY KEY,
        next_run_at timestamptz NOT NULL,
        last_run_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_turn`);
  }
}
