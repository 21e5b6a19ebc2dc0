import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { Transactions } from '../database/transactions';
import { SEQ, pageOf, startOf } from '../http/paging';
import { AuditDetail, GENESIS, canonicalJson, entryHash } from './audit-chain';
import { AUDIT_ACTIONS, AuditAction, AuditEntry } from './audit-entry.entity';
import { AuditPage, AuditQueryDto } from './audit-page.dto';
import { AuditVerification } from './audit-verification.dto';
import { AuditRepository } from './audit.repository';

/** Something to audit. `at`, `seq` and the hashes are the log's to set. */
export interface AuditInput {
  /** A bearer token's subject, or NODE_ACTOR for what the gateway does by itself. */
  actor: string;
  action: AuditAction;
  caseRef?: string | null;
  /** What the entry is about: a message id, a role address, a person id… */
  subject?: string | null;
  /** Codes and ids only: never a body, sealed data or a name. */
  detail?: AuditDetail | null;
}

/** Longest text an entry takes in any field: codes and ids are short; a body or a note would not be. */
const MAX_TEXT = 200;

/**
 * The node's audit log: appends entries to the one hash chain of this node. Pass the transaction of the operation
 * being audited, so both are committed or neither; the chain stays locked from then until that transaction ends, so
 * record as late in it as you can.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly audit: AuditRepository,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  /** Appends `entries` in order; answers them as stored. Without `tx`, in a transaction of its own. */
  async record(entries: AuditInput[], tx?: EntityManager): Promise<AuditEntry[]> {
    if (!entries.length) return [];
    entries.forEach(check);
    if (!tx) return this.transactions.run((own) => this.append(entries, own));
    return this.append(entries, tx);
  }

  /** The log in seq order, for auditors (the endpoint's rule): entries after `query.after` and the page's cursor. */
  async page(query: AuditQueryDto): Promise<AuditPage> {
    const after = Math.max(query.after, startOf(SEQ, query.cursor) ?? 0);
    // One entry more than asked: whether another page follows.
    const rows = await this.audit.page(after, query.limit + 1);
    return pageOf(
      rows,
      query.limit,
      SEQ,
      (e) => e.seq,
      (e) => e,
    );
  }

  /** The whole chain checked in one snapshot (the same check as `trmctl audit verify`). */
  async verify(): Promise<AuditVerification> {
    const result = await this.audit.verify();
    return result.ok
      ? { verified: true, entries: result.count, head: result.head }
      : { verified: false, entries: result.count, firstBroken: { seq: result.seq, problem: result.problem } };
  }

  private async append(entries: AuditInput[], tx: EntityManager): Promise<AuditEntry[]> {
    await this.audit.lockChain(tx);
    const head = await this.audit.head(tx);
    const at = this.clock.now();
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS;
    const stored = entries.map((input) => {
      const entry = Object.assign(new AuditEntry(), {
        seq: ++seq,
        at,
        actor: input.actor,
        action: input.action,
        caseRef: input.caseRef ?? null,
        subject: input.subject ?? null,
        detail: input.detail ? stripUndefined(input.detail) : null,
        prevHash,
      });
      entry.hash = entryHash(prevHash, entry);
      prevHash = entry.hash;
      return entry;
    });
    await this.audit.append(stored, tx);
    return stored;
  }
}

function check(input: AuditInput): void {
  if (!AUDIT_ACTIONS.includes(input.action)) throw new Error(`unknown audit action ${String(input.action)}`);
  if (typeof input.actor !== 'string' || !input.actor || input.actor.length > MAX_TEXT)
    throw new Error(`audit ${input.action}: the actor must be a subject id`);
  for (const field of ['caseRef', 'subject'] as const) {
    const v = input[field];
    if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > MAX_TEXT)) throw new Error(`audit ${input.action}: ${field} must be a short id`);
  }
  if (input.detail !== undefined && input.detail !== null) {
    if (typeof input.detail !== 'object' || Array.isArray(input.detail)) throw new Error(`audit ${input.action}: detail must be an object`);
    canonicalJson(input.detail); // plain JSON only
    const long = longText(input.detail);
    if (long) throw new Error(`audit ${input.action}: detail.${long} is longer than a code or an id`);
  }
}

/** The path of the first string (or key) in `value` longer than MAX_TEXT. */
function longText(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.length > MAX_TEXT ? path || '(value)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = longText(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (k.length > MAX_TEXT) return at;
      const found = longText(v, at);
      if (found) return found;
    }
  }
  return null;
}

/** What jsonb will give back: members without a value are left out (JSON.stringify does the same). */
function stripUndefined(detail: AuditDetail): AuditDetail {
  return JSON.parse(JSON.stringify(detail)) as AuditDetail;
}
