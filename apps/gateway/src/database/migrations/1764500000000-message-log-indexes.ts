import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `outbound_message_case_seq (case_ref, seq)` serves every lookup by case, so `outbound_message_case` only cost a write
 * per message. The registry publisher and retention look for registry updates every minute: an index of those alone.
 */
export class MessageLogIndexes1764500000000 implements MigrationInterface {
  name = 'MessageLogIndexes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbound_message_case`);
    await q.query(`CREATE INDEX outbound_message_registry_update ON outbound_message (to_node, seq) WHERE type = 'registry.update'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbound_message_registry_update`);
    await q.query(`CREATE INDEX outbound_message_case ON outbound_message (case_ref)`);
  }
}
