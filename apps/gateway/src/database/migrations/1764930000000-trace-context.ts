import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context a message was sent or received with (`traceparent`, `tracestate`): the relay publishes an
 * outbound message's in its AMQP headers, and an inbound message keeps the one its delivery carried. Ids only.
 */
export class TraceContext1764930000000 implements MigrationInterface {
  name = 'TraceContext1764930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbound_message ADD COLUMN trace_context jsonb`);
    await q.query(`ALTER TABLE inbound_message ADD COLUMN trace_context jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE inbound_message DROP COLUMN trace_context`);
    await q.query(`ALTER TABLE outbound_message DROP COLUMN trace_context`);
  }
}
