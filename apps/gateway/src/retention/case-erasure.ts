import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MessageLog } from '../message-log/message-log';
import { BatchResult, RetentionRepository } from './retention.repository';

/** Reduces cases and their messages to tombstones: at the end of their retention, or when consent is withdrawn for everything. */
@Injectable()
export class CaseErasure {
  constructor(
    private readonly repository: RetentionRepository,
    private readonly messageLog: MessageLog,
  ) {}

  /**
   * Coded data of up to `limit` cases that ended before `endedBefore`: every message of the case becomes a tombstone,
   * its deadlines and escalations go, and so do its consent and purpose. The case row stays as a tombstone (caseRef,
   * direction, partner, roles, state, created, changed and closed dates, `purged_at`). A case erased when consent was
   * withdrawn for everything (eraseCase) is taken too: the evidence it kept goes now — its consent record, the
   * withdrawal and purge.confirmed (tombstones from here on), this node's stored receipts — and `purged_at` stays the
   * time of the erasure.
   */
  async purgeCaseData(endedBefore: Date, now: Date, limit: number, tx: EntityManager): Promise<Required<BatchResult>> {
    const refs = await this.repository.endedCases(endedBefore, limit, tx);
    if (!refs.length) return { count: 0, messages: 0, more: false };
    const messages = await this.tombstoneCases(refs, now, tx, { keepReceipts: false, keepTypes: [] });
    await this.messageLog.dropReceipts(refs, tx);
    await this.repository.reduceCases(refs, now, tx);
    return { count: refs.length, messages, more: refs.length === limit };
  }

  /**
   * Consent withdrawn for everything (`share-coded`): the case's coded data goes now, as purgeCaseData would delete it
   * at the end of its retention. What stays is the evidence: the case's consent record (when it was given and
   * withdrawn), the signed withdrawal and its purge.confirmed whole (dates and scopes, nothing of the person), and this
   * node's receipts, which rule 7 sends again to a resent copy (ids and a digest) — until purgeCaseData takes the case
   * at the end of its retention. Returns how many messages became tombstones.
   */
  async eraseCase(caseRef: string, now: Date, tx: EntityManager): Promise<number> {
    const messages = await this.tombstoneCases([caseRef], now, tx, { keepReceipts: true, keepTypes: ['consent.withdrawn', 'purge.confirmed'] });
    await this.repository.markErased(caseRef, now, tx);
    return messages;
  }

  /** Every message of the cases becomes a tombstone; their deadlines and escalations go. */
  private async tombstoneCases(refs: string[], now: Date, tx: EntityManager, options: { keepReceipts: boolean; keepTypes: string[] }): Promise<number> {
    const { inbound, outbound } = await this.messageLog.tombstone({ caseRefs: refs, keepTypes: options.keepTypes }, now, tx, {
      keepReceipts: options.keepReceipts,
    });
    await this.repository.dropDeadlines(refs, tx);
    return inbound + outbound;
  }
}
