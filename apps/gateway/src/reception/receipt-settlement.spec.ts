import { Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { OutboxRepository, ReceiptOutcome, SettleResult } from '../message-log/outbox.repository';
import { NewTimelineEvent, TimelineRepository } from '../message-log/timeline.repository';
import { Transactions } from '../database/transactions';
import { NodeEvents } from '../telemetry/node-events';
import { ReceiptSettlement } from './receipt-settlement';

const NOW = new Date('2026-11-22T10:15:30Z');
const EARLIER = new Date('2026-11-22T09:00:00Z');
const TX = {} as EntityManager;
const CASE = 'AT-2026-7F3K9Q';

const receipt = (id: string, body: Record<string, unknown>) => ({ id, type: 'receipt', envelope: { body } }) as unknown as InboundMessage;
const result = (id: string, status: SettleResult['status'], outcome: SettleResult['outcome'], more: Partial<SettleResult> = {}): SettleResult => ({
  id,
  caseRef: CASE,
  type: 'handover.request',
  toNode: 'RS',
  createdAt: EARLIER,
  receiptId: `r-${id}`,
  status,
  reason: status === 'rejected' ? 'invalid-body' : null,
  outcome,
  ...more,
});

describe('ReceiptSettlement', () => {
  beforeAll(() => Logger.overrideLogger(false));

  const setUp = (results: SettleResult[]) => {
    const asked: ReceiptOutcome[][] = [];
    const recorded: NewTimelineEvent[][] = [];
    const outbox = {
      settle: (outcomes: ReceiptOutcome[], now: Date, tx: EntityManager) => {
        expect([now, tx]).toEqual([NOW, TX]);
        asked.push(outcomes);
        return Promise.resolve(results);
      },
    } as unknown as OutboxRepository;
    const timeline = {
      record: (events: NewTimelineEvent[], tx: EntityManager) => {
        expect(tx).toBe(TX);
        recorded.push(events);
        return Promise.resolve();
      },
    } as unknown as TimelineRepository;
    const transactions = { afterCommit: (_tx: EntityManager, then: () => void) => then() } as unknown as Transactions;
    return { settlement: new ReceiptSettlement(outbox, timeline, transactions, new NodeEvents()), asked, recorded };
  };

  it('asks the outbox to settle what each receipt names, with its status, reason, id and digest', async () => {
    const { settlement, asked } = setUp([]);
    await settlement.settle(
      [
        receipt('r1', { ref: 'o1', status: 'delivered', digest: 'sha-256:a' }),
        receipt('r2', { ref: 'o2', status: 'rejected', reason: 'unknown-recipient', digest: 'sha-256:b' }),
      ],
      TX,
      NOW,
    );
    expect(asked).toEqual([
      [
        { ref: 'o1', status: 'delivered', reason: null, receiptId: 'r1', digest: 'sha-256:a' },
        { ref: 'o2', status: 'rejected', reason: 'unknown-recipient', receiptId: 'r2', digest: 'sha-256:b' },
      ],
    ]);
  });

  it('returns only what was settled delivered, and records what the message record does not say', async () => {
    const { settlement, recorded } = setUp([
      result('o1', 'delivered', 'settled'),
      result('o2', 'rejected', 'settled'),
      result('o3', 'delivered', 'digest-mismatch'),
      result('o4', 'rejected', 'not-a-verdict', { reason: 'header-mismatch' }),
      result('o5', 'delivered', 'not-yet-sent'),
      result('o6', 'delivered', 'settled', { superseded: { receiptId: 'r-old', reason: 'invalid-body', at: EARLIER } }),
      result('o7', 'delivered', 'settled', { superseded: { receiptId: null, reason: 'stale', at: null } }),
    ]);
    expect(await settlement.settle([receipt('r', { ref: 'o1', status: 'delivered', digest: 'sha-256:a' })], TX, NOW)).toEqual(['o1', 'o6', 'o7']);
    expect(recorded).toEqual([
      [
        { caseRef: CASE, messageId: 'o3', at: NOW, kind: 'receipt-mismatch', detail: { receipt: 'r-o3' } },
        { caseRef: CASE, messageId: 'o4', at: NOW, kind: 'rejected', detail: { receipt: 'r-o4', reason: 'header-mismatch' } },
        { caseRef: CASE, messageId: 'o6', at: EARLIER, kind: 'rejected', detail: { receipt: 'r-old', reason: 'invalid-body' } },
        { caseRef: CASE, messageId: 'o7', at: NOW, kind: 'rejected', detail: { receipt: null, reason: 'stale' } },
      ],
    ]);
  });
});
