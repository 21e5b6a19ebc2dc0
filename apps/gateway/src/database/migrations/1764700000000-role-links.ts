import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A role of one organisation asking a role of another to be its fallback or its successor: pending until the other
 * organisation accepts or declines (or the request is withdrawn, replaced, or the role retired). One pending request
 * per role and kind.
 */
export class RoleLinks1764700000000 implements MigrationInterface {
  name = 'RoleLinks1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE role_link (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('fallback', 'successor')),
        role text NOT NULL REFERENCES role (address) DEFERRABLE INITIALLY DEFERRED,
        target text NOT NULL REFERENCES role (address),
        target_organisation text NOT NULL REFERENCES organisation (slug),
        status text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        decided_by text,
        decided_at timestamptz,
        CHECK ((status = 'pending') = (decided_at IS NULL) AND (decided_by IS NULL) = (decided_at IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX role_link_one_pending ON role_link (role, kind) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE role_link`);
  }
}
