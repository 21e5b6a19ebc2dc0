import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: append-only and hash-chained. Each entry carries the hash of the one before it (`prev_hash`) and its
 * own hash over its content and that link, so changing, removing or slipping in an entry breaks the chain at that
 * point (`trmctl audit verify`). Entries hold ids, node ids, role addresses, caseRefs, message types, digests, reason
 * codes and actor subjects: never bodies, sealed data or names.
 *
 * A trigger refuses UPDATE, DELETE and TRUNCATE of `audit_entry`, so the application (or a mistaken operator) cannot
 * rewrite history. It is not a security boundary against everyone: a superuser can switch triggers off
 * (`SET session_replication_role = replica`), and the table's owner can `ALTER TABLE … DISABLE TRIGGER` or drop it.
 * That is why the chain exists: such a change is still found by verification. (Deployments that want more let a
 * separate role own the schema and grant the gateway's role only SELECT and INSERT on `audit_entry`.)
 *
 * `audit_watermark` remembers how far the message auditor got through the message log (name → value, JSON).
 */
export class Audit1764100000000 implements MigrationInterface {
  name = 'Audit1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_entry (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        case_ref text,
        subject text,
        detail jsonb,
        prev_hash text NOT NULL,
        hash text NOT NULL UNIQUE
      )`);
    await q.query(`CREATE INDEX audit_entry_case ON audit_entry (case_ref, seq) WHERE case_ref IS NOT NULL`);
    // Each message is audited once as sent and once as received: the database holds the auditor to it.
    await q.query(`CREATE UNIQUE INDEX audit_entry_message_once ON audit_entry (action, subject) WHERE action IN ('message.sent', 'message.received')`);
    await q.query(`
      CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()`);
    await q.query(`CREATE TABLE audit_watermark (name text PRIMARY KEY, value text NOT NULL)`);
    // The message auditor walks what this node sent in the order it was confirmed.
    await q.query(`CREATE INDEX outbound_message_sent ON outbound_message (sent_at, id) WHERE sent_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbound_message_sent`);
    await q.query(`DROP TABLE audit_watermark`);
    await q.query(`DROP TABLE audit_entry`);
    await q.query(`DROP FUNCTION audit_entry_append_only()`);
  }
}
