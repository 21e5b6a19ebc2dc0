import { MigrationInterface, QueryRunner } from 'typeorm';

/** The contact-point registry: this node's directory, its staff assignments, what it published, what partners published. */
export class Directory1763900000000 implements MigrationInterface {
  name = 'Directory1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisation (
        slug text PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('government', 'ngo', 'international')),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE role (
        address text PRIMARY KEY,
        organisation text NOT NULL REFERENCES organisation (slug),
        title text NOT NULL,
        purposes text[] NOT NULL,
        age_groups text[] NOT NULL,
        exploitation text[],
        languages text[] NOT NULL,
        region text,
        fallback text REFERENCES role (address) DEFERRABLE INITIALLY DEFERRED,
        channels jsonb,
        confirmed_at timestamptz NOT NULL,
        retired_at timestamptz,
        successor text REFERENCES role (address) DEFERRABLE INITIALLY DEFERRED,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK (retired_at IS NULL OR successor IS NOT NULL)
      )`);
    await q.query(`
      CREATE TABLE person (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        email text,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE assignment (
        id uuid PRIMARY KEY,
        role text NOT NULL REFERENCES role (address),
        person uuid NOT NULL REFERENCES person (id),
        deputy uuid REFERENCES person (id),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz,
        created_at timestamptz NOT NULL,
        CHECK (ends_at IS NULL OR ends_at > starts_at)
      )`);
    await q.query(`CREATE INDEX assignment_role ON assignment (role, starts_at)`);
    await q.query(`
      CREATE TABLE role_transfer (
        id uuid PRIMARY KEY,
        role text NOT NULL REFERENCES role (address),
        kind text NOT NULL CHECK (kind IN ('handover', 'deactivation')),
        from_person uuid REFERENCES person (id),
        to_person uuid REFERENCES person (id),
        successor text REFERENCES role (address),
        at timestamptz NOT NULL,
        open_cases text[] NOT NULL,
        unanswered_messages uuid[] NOT NULL
      )`);
    await q.query(`
      CREATE TABLE registry_publication (
        version int PRIMARY KEY,
        issued_at timestamptz NOT NULL,
        digest text NOT NULL,
        body jsonb NOT NULL
      )`);
    await q.query(`
      CREATE TABLE partner_directory (
        node text PRIMARY KEY,
        version int NOT NULL,
        issued_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        message_id uuid NOT NULL,
        body jsonb NOT NULL
      )`);
    await q.query(`
      CREATE TABLE partner_key (
        kid text PRIMARY KEY,
        node text NOT NULL,
        jwk jsonb NOT NULL,
        version int NOT NULL
      )`);
    // Who on this side is responsible for a case, and which role a received message waits with (after fallbacks).
    await q.query(`ALTER TABLE handover ADD COLUMN our_role text`);
    await q.query(`UPDATE handover SET our_role = CASE WHEN direction = 'outgoing' THEN sender ELSE recipient END`);
    await q.query(`ALTER TABLE handover ALTER COLUMN our_role SET NOT NULL`);
    await q.query(`CREATE INDEX handover_our_role ON handover (our_role)`);
    await q.query(`ALTER TABLE inbound_message ADD COLUMN routed_to text`);
    await q.query(`UPDATE inbound_message SET routed_to = recipient`);
    await q.query(`CREATE INDEX inbound_message_routed_to ON inbound_message (routed_to, received_at DESC)`);
    await q.query(`CREATE INDEX outbound_message_in_reply_to ON outbound_message (in_reply_to)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbound_message_in_reply_to`);
    await q.query(`ALTER TABLE inbound_message DROP COLUMN routed_to`);
    await q.query(`ALTER TABLE handover DROP COLUMN our_role`);
    for (const table of ['partner_key', 'partner_directory', 'registry_publication', 'role_transfer', 'assignment', 'person', 'role', 'organisation']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
