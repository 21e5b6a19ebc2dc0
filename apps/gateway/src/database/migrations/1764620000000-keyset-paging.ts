import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lists page by (time, id) with a row comparison (`database/keyset.ts`): many rows share a time (a batch stored in one
 * transaction), so the id breaks ties. One index per list on the same two columns, limited to the rows it shows; the
 * inbox's replaces `inbound_message_received`.
 */
export class KeysetPaging1764620000000 implements MigrationInterface {
  name = 'KeysetPaging1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX inbound_message_received`);
    await q.query(`CREATE INDEX inbound_message_inbox ON inbound_message (received_at, id) WHERE type NOT IN ('receipt', 'registry.update')`);
    await q.query(`CREATE INDEX case_file_created ON case_file (created_at, id)`);
    await q.query(`CREATE INDEX escalation_alert ON escalation (at, id) WHERE action = 'alert'`);
    await q.query(`CREATE INDEX expectation_overdue ON expectation (due_at, id) WHERE status IN ('open', 'missed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of ['expectation_overdue', 'escalation_alert', 'case_file_created', 'inbound_message_inbox']) await q.query(`DROP INDEX ${index}`);
    await q.query(`CREATE INDEX inbound_message_received ON inbound_message (received_at DESC)`);
  }
}
