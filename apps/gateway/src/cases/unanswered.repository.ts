import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ANSWERED_BY, ENDED_STATES } from './case-states';

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * `i` (an inbound_message joined to its case `c`) waits for this node's answer: it asks for one (ANSWERED_BY), its
 * case has not ended, and nothing this node sent answers it — an answer still on its way counts, a rejected or
 * undeliverable one does not. A request is answered by the case's acceptance or decline, whatever `inReplyTo` says;
 * any other question by an answer that names it in `inReplyTo`.
 */
const WAITING = `i.status = 'delivered' AND c.state NOT IN (${quoted(ENDED_STATES)}) AND (${Object.entries(ANSWERED_BY)
  .map(
    ([question, answers]) =>
      `(i.type = '${question}' AND NOT EXISTS (SELECT 1 FROM outbound_message o WHERE ${
        question === 'handover.request' ? 'o.case_ref = i.case_ref' : 'o.in_reply_to = i.id'
      } AND o.type IN (${quoted(answers)}) AND o.state NOT IN ('rejected', 'undeliverable')))`,
  )
  .join(' OR ')})`;

/** Oldest first: by when the partner made them (a batch stored at once shares received_at), then as stored. */
const OLDEST_FIRST = 'i.created_at, i.received_at, i.id';

/** What partners asked of this node and nobody answered yet. */
@Injectable()
export class UnansweredRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Messages addressed to one of `addresses` that wait for an answer, oldest first. */
  async addressedTo(addresses: string[], tx: EntityManager): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT i.id FROM inbound_message i JOIN case_file c ON c.case_ref = i.case_ref WHERE i.recipient = ANY($1::text[]) AND ${WAITING} ORDER BY ${OLDEST_FIRST}`,
      [addresses],
    );
    return rows.map((r) => r.id);
  }

  /** Which of `ids` wait for an answer. */
  async among(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT i.id FROM inbound_message i JOIN case_file c ON c.case_ref = i.case_ref WHERE i.id = ANY($1::uuid[]) AND ${WAITING}`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** The oldest question of `type` in the case that waits for an answer: what an answer names by default. */
  async oldestOfCase(caseRef: string, type: string, tx: EntityManager): Promise<string | null> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT i.id FROM inbound_message i JOIN case_file c ON c.case_ref = i.case_ref
       WHERE i.case_ref = $1 AND i.type = $2 AND ${WAITING} ORDER BY ${OLDEST_FIRST} LIMIT 1`,
      [caseRef, type],
    );
    return rows[0]?.id ?? null;
  }

  /** Messages addressed to one of `addresses` that wait for an answer now wait with `to` (a retired role's successor). */
  async reroute(addresses: string[], to: string, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE inbound_message i SET routed_to = $2 FROM case_file c WHERE c.case_ref = i.case_ref AND i.recipient = ANY($1::text[]) AND ${WAITING}`,
      [addresses, to],
    );
  }
}
