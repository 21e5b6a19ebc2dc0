import { IntQuery, PageCursor, PageLimit, PageOf, SEQ } from '../http/paging';
import type { AuditDetail, ChainEntry } from './audit-chain';

export class AuditQueryDto {
  @PageLimit(1000)
  limit = 100;

  @PageCursor(SEQ)
  cursor?: string;

  /** Only entries after this seq (0: from the start): where to start reading, e.g. after a verified entry. */
  @IntQuery(0, Number.MAX_SAFE_INTEGER)
  after = 0;
}

/** One entry of the hash chain, as `trmctl audit verify` checks it. */
export class AuditEntryItem implements ChainEntry {
  seq!: number;
  /** As stored, to the microsecond: the hash covers it. */
  at!: string;
  actor!: string;
  action!: string;
  caseRef!: string | null;
  subject!: string | null;
  /** Codes and ids only. */
  detail!: AuditDetail | null;
  prevHash!: string;
  hash!: string;
}

/** The audit log in seq order. */
export class AuditPage extends PageOf(AuditEntryItem) {}
