import { MigrationInterface, QueryRunner } from 'typeorm';

/** A person's own phone, next to their e-mail: neither may be published as a role's functional channel. */
export class StaffPhone1764710000000 implements MigrationInterface {
  name = 'StaffPhone1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE person ADD COLUMN phone text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE person DROP COLUMN phone`);
  }
}
