import { digestOf } from '@trm/wire';

/**
 * The hash chain of the audit log, with no database and no Nest: what an entry's hash is, and how a sequence of
 * entries is checked. The gateway writes with it and `trmctl audit verify` checks with it.
 *
 * hash(entry) = "sha-256:" + base64url(SHA-256(prevHash + "\n" + canonical JSON of
 *               { seq, at, actor, action, caseRef, subject, detail }))
 *
 * The canonical JSON is that of RFC 8785 (JCS): object keys sorted (by UTF-16 code units) at every level, no
 * whitespace, strings and numbers as JSON.stringify writes them, absent (undefined) members left out. `at` is the ISO
 * 8601 UTC form with milliseconds, as Date.toISOString() writes it. The first entry's prevHash is GENESIS.
 */

export const GENESIS = 'sha-256:genesis';

/** What `detail` may hold: codes and ids, as plain JSON. */
export type AuditDetailValue = string | number | boolean | null | AuditDetailValue[] | { [key: string]: AuditDetailValue | undefined };
export type AuditDetail = { [key: string]: AuditDetailValue | undefined };

/** The part of an entry its hash covers. */
export interface ChainContent {
  seq: number;
  /** A Date, or the ISO string read back from the database (see `isoFromPostgres`). */
  at: Date | string;
  actor: string;
  action: string;
  caseRef: string | null;
  subject: string | null;
  detail: AuditDetail | null;
}

export interface ChainEntry extends ChainContent {
  prevHash: string;
  hash: string;
}

export type ChainResult =
  | { ok: true; count: number; /** Hash of the last entry (GENESIS for an empty log): anchor it elsewhere to detect a cut tail. */ head: string }
  | {
      ok: false;
      /** The first entry that does not fit (or the missing seq). */ seq: number;
      problem: string;
      /** Entries that verified before it. */ count: number;
    };

export function entryHash(prevHash: string, entry: ChainContent): string {
  const content = canonicalJson({
    seq: entry.seq,
    at: typeof entry.at === 'string' ? entry.at : entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    caseRef: entry.caseRef,
    subject: entry.subject,
    detail: entry.detail,
  });
  return digestOf(`${prevHash}\n${content}`);
}

/** Checks entries in seq order; stops at the first that does not fit. */
export function verifyChain(entries: Iterable<ChainEntry>): ChainResult {
  const verifier = new ChainVerifier();
  for (const entry of entries) if (!verifier.push(entry)) break;
  return verifier.result();
}

/**
 * The same check fed one entry at a time, for a chain read in pages. seq starts at 1 and grows by one; each entry's
 * prevHash is the previous entry's hash (GENESIS for seq 1); each hash is the hash of its entry.
 */
export class ChainVerifier {
  private count = 0;
  private lastSeq = 0;
  private lastHash = GENESIS;
  private failure: { seq: number; problem: string } | null = null;

  /** False once a problem was found (later entries are then ignored). */
  push(entry: ChainEntry): boolean {
    if (this.failure) return false;
    const expected = this.lastSeq + 1;
    if (entry.seq !== expected) {
      this.failure = {
        seq: expected,
        problem:
          entry.seq > expected
            ? `entry ${expected} is missing: ${this.count ? `entry ${this.lastSeq} is followed by` : 'the log starts with'} entry ${entry.seq}`
            : `entry ${expected} is out of place: ${this.count ? `entry ${this.lastSeq} is followed by` : 'the log starts with'} another entry ${entry.seq}`,
      };
      return false;
    }
    if (entry.prevHash !== this.lastHash) {
      this.failure = {
        seq: entry.seq,
        problem:
          this.count === 0
            ? `prev_hash of the first entry is not the genesis value`
            : `prev_hash does not match the hash of entry ${this.lastSeq} (one of the two was altered, or an entry was put in between)`,
      };
      return false;
    }
    if (entryHash(entry.prevHash, entry) !== entry.hash) {
      this.failure = { seq: entry.seq, problem: 'hash does not match the content: the entry was altered' };
      return false;
    }
    this.count += 1;
    this.lastSeq = entry.seq;
    this.lastHash = entry.hash;
    return true;
  }

  result(): ChainResult {
    return this.failure ? { ok: false, ...this.failure, count: this.count } : { ok: true, count: this.count, head: this.lastHash };
  }
}

/** RFC 8785 canonical JSON of plain JSON data; anything else (Dates, NaN, functions…) is refused. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('audit entries hold finite numbers only');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const members = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`audit entries hold plain JSON only, not ${Object.prototype.toString.call(value)}`);
}

/**
 * `at` as the database holds it, in the form the hash covers: `to_char(at AT TIME ZONE 'UTC',
 * 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` gives microseconds, and the gateway writes milliseconds, so three trailing zeros
 * are dropped. A value with sub-millisecond digits (written by someone else) keeps them, and its hash will not match.
 */
export function isoFromPostgres(text: string): string {
  return text.replace(/\.(\d{3})000Z$/, '.$1Z');
}
