/** Where the chain first breaks: the entry that was altered, removed or put in between. */
export class BrokenEntry {
  /** The seq of the first entry that does not fit (or of the missing one). */
  seq!: number;
  /** What does not fit, in English (ids and seqs only). */
  problem!: string;
}

/** The audit log's hash chain checked whole, as `trmctl audit verify` checks it. */
export class AuditVerification {
  /** True when every entry fits the chain. */
  verified!: boolean;
  /** Entries that verified: all of them, or those before the first broken one. */
  entries!: number;
  /** Hash of the last entry when verified (anchor it elsewhere: a log cut short after it would show). */
  head?: string;
  firstBroken?: BrokenEntry;
}
