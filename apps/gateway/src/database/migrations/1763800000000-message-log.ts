import { MigrationInterface, QueryRunner } from 'typeorm';

export class MessageLog1763800000000 implements MigrationInterface {
  name = 'MessageLog1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbound_message (
        id uuid PRIMARY KEY,
        type text NOT NULL,
        to_node text NOT NULL,
        case_ref text NOT NULL,
        in_reply_to uuid,
        envelope jsonb NOT NULL,
        jws text,
        digest text,
        state text NOT NULL CHECK (state IN ('queued', 'sent', 'delivered', 'rejected', 'undeliverable')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL,
        sent_at timestamptz,
        settled_at timestamptz,
        receipt_id uuid,
        reject_reason text,
        last_error text
      )`);
    await q.query(`CREATE INDEX outbound_message_due ON outbound_message (next_attempt_at) WHERE state IN ('queued', 'sent')`);
    await q.query(`CREATE INDEX outbound_message_case ON outbound_message (case_ref)`);
    await q.query(`
      CREATE TABLE inbound_message (
        id uuid PRIMARY KEY,
        type text NOT NULL,
        from_node text NOT NULL,
        case_ref text NOT NULL,
        sender text NOT NULL,
        recipient text NOT NULL,
        in_reply_to uuid,
        created_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        envelope jsonb NOT NULL,
        jws text NOT NULL,
        digest text NOT NULL,
        kid text NOT NULL,
        status text NOT NULL CHECK (status IN ('delivered', 'rejected')),
        reject_reason text,
        receipt_jws text
      )`);
    await q.query(`CREATE INDEX inbound_message_received ON inbound_message (received_at DESC)`);
    await q.query(`CREATE INDEX inbound_message_case ON inbound_message (case_ref)`);
    await q.query(`
      CREATE TABLE handover (
        id uuid PRIMARY KEY,
        case_ref text NOT NULL UNIQUE,
        direction text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
        partner text NOT NULL,
        sender text NOT NULL,
        recipient text NOT NULL,
        purpose text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE timeline_event (
        id bigserial PRIMARY KEY,
        case_ref text NOT NULL,
        message_id uuid,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        detail jsonb
      )`);
    await q.query(`CREATE INDEX timeline_event_case ON timeline_event (case_ref, id)`);
    await q.query(`CREATE INDEX timeline_event_message ON timeline_event (message_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE timeline_event`);
    await q.query(`DROP TABLE handover`);
    await q.query(`DROP TABLE inbound_message`);
    await q.query(`DROP TABLE outbound_message`);
  }
}
