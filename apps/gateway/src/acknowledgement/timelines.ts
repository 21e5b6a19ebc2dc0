import { Injectable } from '@nestjs/common';
import { InboundMessage } from '../envelope/inbound-message.entity';
import { OutboundMessage } from '../envelope/outbound-message.entity';
import { TimelineRepository } from './timeline.repository';

export interface TimelineEntry {
  at: string;
  event: string;
  [detail: string]: unknown;
}

/** Where an event goes among others at the same millisecond. */
const ORDER = ['submitted', 'publish-failed', 'sent', 'resent', 'received', 'refused', 'delivered', 'rejected', 'receipt-mismatch', 'undeliverable'];

/**
 * What happened to a message, in order: the ordinary course read from the message's own record (submitted, sent,
 * delivered or rejected; received or refused) and the recorded exceptions (failed publishes, resends, …).
 */
@Injectable()
export class Timelines {
  constructor(private readonly events: TimelineRepository) {}

  async ofOutbound(m: OutboundMessage): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [{ at: m.createdAt.toISOString(), event: 'submitted' }];
    if (m.sentAt) entries.push({ at: m.sentAt.toISOString(), event: 'sent' });
    if (m.settledAt && (m.state === 'delivered' || m.state === 'rejected')) {
      entries.push({ at: m.settledAt.toISOString(), event: m.state, receipt: m.receiptId, ...(m.rejectReason ? { reason: m.rejectReason } : {}) });
    }
    return this.withRecorded(m.id, entries);
  }

  async ofInbound(m: InboundMessage): Promise<TimelineEntry[]> {
    return this.withRecorded(m.id, [
      {
        at: m.receivedAt.toISOString(),
        event: m.status === 'delivered' ? 'received' : 'refused',
        type: m.type,
        from: m.fromNode,
        ...(m.rejectReason ? { reason: m.rejectReason } : {}),
      },
    ]);
  }

  private async withRecorded(messageId: string, entries: TimelineEntry[]): Promise<TimelineEntry[]> {
    for (const e of await this.events.forMessage(messageId)) entries.push({ at: e.at.toISOString(), event: e.kind, ...(e.detail ?? {}) });
    return entries.sort((a, b) => a.at.localeCompare(b.at) || ORDER.indexOf(a.event) - ORDER.indexOf(b.event));
  }
}
