import { EntityManager } from 'typeorm';

/** A column of a bulk insert: its name, its PostgreSQL type, and how to read it from a row. */
export interface Column<T> {
  name: string;
  type: 'uuid' | 'text' | 'int' | 'timestamptz' | 'jsonb';
  value: (row: T) => unknown;
}

/**
 * Inserts any number of rows with one statement and one parameter per column (`INSERT … SELECT FROM unnest(…)`).
 * Used on the message hot paths, where building a parameter per value costs more than the insert itself.
 */
export async function bulkInsert<T>(tx: EntityManager, table: string, columns: Column<T>[], rows: T[], suffix = ''): Promise<Array<Record<string, unknown>>> {
  if (!rows.length) return [];
  const sql =
    `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) ` +
    `SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}) ${suffix}`;
  const params = columns.map((c) => rows.map((r) => (c.type === 'jsonb' ? json(c.value(r)) : c.value(r))));
  const result: unknown = await tx.query(sql, params);
  return Array.isArray(result) ? (result as Array<Record<string, unknown>>) : [];
}

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
