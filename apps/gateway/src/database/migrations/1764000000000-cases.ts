import { MigrationInterface, QueryRunner } from 'typeorm';

/** Cases with their state, the deadlines each side expects, what was escalated and who was alerted. */
export class Cases1764000000000 implements MigrationInterface {
  name = 'Cases1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE handover RENAME TO case_file`);
    await q.query(`ALTER INDEX handover_our_role RENAME TO case_file_our_role`);
    await q.query(`ALTER TABLE case_file ADD COLUMN state text NOT NULL DEFAULT 'referred'`);
    await q.query(`ALTER TABLE case_file ALTER COLUMN state DROP DEFAULT`);
    await q.query(`ALTER TABLE case_file ADD COLUMN state_changed_at timestamptz`);
    await q.query(`UPDATE case_file SET state_changed_at = created_at`);
    await q.query(`ALTER TABLE case_file ALTER COLUMN state_changed_at SET NOT NULL`);
    // The partner's role for the case: the request's recipient or sender, then whoever accepted it.
    await q.query(`ALTER TABLE case_file ADD COLUMN partner_role text`);
    await q.query(`UPDATE case_file SET partner_role = CASE WHEN direction = 'outgoing' THEN recipient ELSE sender END`);
    await q.query(`ALTER TABLE case_file ALTER COLUMN partner_role SET NOT NULL`);
    // Local roles told about the case (e.g. the NGO that meets the person), besides the responsible role.
    await q.query(`ALTER TABLE case_file ADD COLUMN participants text[] NOT NULL DEFAULT '{}'`);
    await q.query(`CREATE INDEX case_file_state ON case_file (state)`);

    await q.query(`
      CREATE TABLE expectation (
        id uuid PRIMARY KEY,
        case_ref text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('acceptance', 'arrival', 'followup')),
        owed_by text NOT NULL CHECK (owed_by IN ('us', 'partner')),
        due_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'met', 'missed', 'cancelled')),
        created_at timestamptz NOT NULL,
        cause uuid,
        settled_at timestamptz,
        settled_by uuid,
        escalation_step int NOT NULL DEFAULT 0,
        next_escalation_at timestamptz
      )`);
    await q.query(`CREATE INDEX expectation_next ON expectation (next_escalation_at) WHERE next_escalation_at IS NOT NULL`);
    await q.query(`CREATE INDEX expectation_case ON expectation (case_ref, kind, status)`);
    await q.query(`
      CREATE TABLE escalation (
        id uuid PRIMARY KEY,
        expectation_id uuid NOT NULL REFERENCES expectation (id),
        case_ref text NOT NULL,
        step int NOT NULL,
        at timestamptz NOT NULL,
        action text NOT NULL CHECK (action IN ('copy-to-fallback', 'alert')),
        target text NOT NULL,
        message_id uuid,
        UNIQUE (expectation_id, step, action, target)
      )`);
    await q.query(`CREATE INDEX escalation_case ON escalation (case_ref, at)`);

    // Sealed personal data can be purged while the evidence of delivery (the digest) stays.
    await q.query(`ALTER TABLE inbound_message ALTER COLUMN jws DROP NOT NULL`);
    await q.query(`ALTER TABLE inbound_message ADD COLUMN purged_at timestamptz`);
    await q.query(`ALTER TABLE outbound_message ADD COLUMN purged_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbound_message DROP COLUMN purged_at`);
    await q.query(`ALTER TABLE inbound_message DROP COLUMN purged_at`);
    await q.query(`DROP TABLE escalation`);
    await q.query(`DROP TABLE expectation`);
    await q.query(`DROP INDEX case_file_state`);
    for (const c of ['participants', 'partner_role', 'state_changed_at', 'state']) await q.query(`ALTER TABLE case_file DROP COLUMN ${c}`);
    await q.query(`ALTER INDEX case_file_our_role RENAME TO handover_our_role`);
    await q.query(`ALTER TABLE case_file RENAME TO handover`);
  }
}
