import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff belong to an organisation (null: the node's own staff), and a decision on a role link records which
 * organisation it was made for, so neither a person nor a decider is shown across organisations. People who so far
 * held or deputised for roles of one organisation only become its staff; decisions kept before are those of the
 * asked organisation when accepted, unknown otherwise. An assignment may end the moment it starts (a handover at that
 * very millisecond ends it before it held the role).
 */
export class StaffOrganisation1764730000000 implements MigrationInterface {
  name = 'StaffOrganisation1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE person ADD COLUMN organisation text REFERENCES organisation (slug)`);
    await q.query(`
      UPDATE person p SET organisation = held.organisation
      FROM (
        SELECT x.person, min(r.organisation) AS organisation
        FROM (SELECT person, role FROM assignment UNION SELECT deputy, role FROM assignment WHERE deputy IS NOT NULL) x
        JOIN role r ON r.address = x.role
        GROUP BY x.person
        HAVING count(DISTINCT r.organisation) = 1
      ) held
      WHERE held.person = p.id`);
    await q.query(`ALTER TABLE role_link ADD COLUMN decided_for text REFERENCES organisation (slug)`);
    await q.query(`UPDATE role_link SET decided_for = target_organisation WHERE status = 'accepted'`);
    await q.query(`ALTER TABLE assignment DROP CONSTRAINT assignment_check, ADD CONSTRAINT assignment_check CHECK (ends_at IS NULL OR ends_at >= starts_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM assignment WHERE ends_at = starts_at`);
    await q.query(`ALTER TABLE assignment DROP CONSTRAINT assignment_check, ADD CONSTRAINT assignment_check CHECK (ends_at IS NULL OR ends_at > starts_at)`);
    await q.query(`ALTER TABLE role_link DROP COLUMN decided_for`);
    await q.query(`ALTER TABLE person DROP COLUMN organisation`);
  }
}
