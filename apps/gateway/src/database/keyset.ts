import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** Where a page of a list ended: the sort time of its last row and, since many rows share a time, its id. */
export interface TimeKey {
  at: Date;
  id: string;
}

/** A page to read: at most `limit` rows, those after `after` in the list's order (from the start without it). */
export interface KeysetPage {
  limit: number;
  after?: TimeKey;
}

/**
 * Orders `q` by (time, id) and keeps the rows after `page.after` with a row comparison, which an index on the same
 * two columns serves directly (no OFFSET: a page deep in the list costs what the first does). Reads one row more than
 * `page.limit`, so that the caller knows whether another page follows.
 */
export function keyset<T extends ObjectLiteral>(
  q: SelectQueryBuilder<T>,
  [time, id]: [string, string],
  order: 'ASC' | 'DESC',
  page: KeysetPage,
): SelectQueryBuilder<T> {
  if (page.after) q.andWhere(`(${time}, ${id}) ${order === 'DESC' ? '<' : '>'} (:keysetAt, :keysetId)`, { keysetAt: page.after.at, keysetId: page.after.id });
  return q
    .orderBy(time, order)
    .addOrderBy(id, order)
    .limit(page.limit + 1);
}
