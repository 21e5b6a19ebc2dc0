import { Type as Class, applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isTimestamp, simple } from '@trm/wire';
import { Transform } from 'class-transformer';
import { IsOptional, isUUID } from 'class-validator';
import { KeysetPage, TimeKey } from '../database/keyset';
import { invalidRequest } from './problems';

/**
 * Every list of the API pages the same way: `?limit=&cursor=` in, `{ items, next }` out. `next` is opaque to callers
 * (base64url of the last item's sort key as JSON) and null on the last page; passing it back as `cursor` gives the
 * page after, each item exactly once even when many share a time, since the key ends with a unique id.
 */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** How one list's position is written into a cursor and read back; null for anything this list never wrote. */
export interface CursorKind<K> {
  write(key: K): unknown[];
  read(values: unknown[]): K | null;
}

/**
 * Lists ordered by a time and an id (inbox, cases, alerts, overdue deadlines). Those times come from the node's clock,
 * to the millisecond, so their ISO form holds them exactly.
 */
export const TIME_AND_ID: CursorKind<TimeKey> = {
  write: (k) => [k.at.toISOString(), k.id],
  read: (v) => (v.length === 2 && isTimestamp(v[0]) && isUUID(v[1]) ? { at: new Date(v[0] as string), id: v[1] as string } : null),
};

/** The audit log, ordered by its seq (a bigint: JavaScript holds it exactly up to 2^53 - 1). */
export const SEQ: CursorKind<number> = {
  write: (seq) => [seq],
  read: (v) => (v.length === 1 && Number.isSafeInteger(v[0]) && (v[0] as number) >= 0 ? (v[0] as number) : null),
};

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;
const CURSOR_PROBLEM = 'must be the `next` value of a page of this list';

export function readCursor<K>(kind: CursorKind<K>, cursor: unknown): K | null {
  if (typeof cursor !== 'string' || !CURSOR.test(cursor)) return null;
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.toString('base64url') !== cursor) return null; // not the canonical form we write
  let values: unknown;
  try {
    values = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  return Array.isArray(values) ? kind.read(values) : null;
}

export const writeCursor = <K>(kind: CursorKind<K>, key: K): string => Buffer.from(JSON.stringify(kind.write(key))).toString('base64url');

/** Where a page starts: the position `cursor` holds (checked by `PageCursor` already), or the start. */
export function startOf<K>(kind: CursorKind<K>, cursor: string | undefined): K | undefined {
  if (cursor === undefined) return undefined;
  const key = readCursor(kind, cursor);
  if (key === null) throw invalidRequest([{ field: 'cursor', problem: CURSOR_PROBLEM }]);
  return key;
}

/** The page a list ordered by time and id is asked for. */
export const keysetPageOf = (query: { limit: number; cursor?: string }): KeysetPage => ({ limit: query.limit, after: startOf(TIME_AND_ID, query.cursor) });

/** The page of `rows`, read with one row more than `limit` (see `keyset`): `next` points after its last item. */
export function pageOf<R, K, T>(rows: R[], limit: number, kind: CursorKind<K>, key: (row: R) => K, item: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  return { items: items.map(item), next: rows.length > limit ? writeCursor(kind, key(items[items.length - 1])) : null };
}

/** `cursor` of a list's query: the `next` of the page before. */
export const PageCursor = (kind: CursorKind<unknown>) =>
  applyDecorators(
    IsOptional(),
    simple('isCursor', (v) => readCursor(kind, v) !== null, CURSOR_PROBLEM)() as PropertyDecorator,
    ApiPropertyOptional({ type: String, description: 'The `next` value of the page before; omit for the first page.' }),
  );

/** An integer query parameter, in plain digits only (no sign, exponent, fraction or hex), from `min` to `max`. */
export const IntQuery = (min: number, max: number) =>
  applyDecorators(
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value)),
    simple(
      'isIntIn',
      (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max,
      `must be an integer from ${min} to ${max}`,
    )() as PropertyDecorator,
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max }),
  );

/** `limit` of a list's query: items per page. */
export const PageLimit = (max: number) => IntQuery(1, max);

/** The response of a list, for OpenAPI: `class InboxPage extends PageOf(InboxItem) {}`. */
export function PageOf<T>(item: Class<T>): Class<Page<T>> {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: item, isArray: true })
    items!: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
    next!: string | null;
  }
  return PageOfItems;
}
