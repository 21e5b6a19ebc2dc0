import { Injectable } from '@nestjs/common';
import { InboundMessage } from './inbound-message.entity';
import { OutboundMessage } from './outbound-message.entity';
import { TimelineEvent } from './timeline-event.entity';
import { TimelineRepository } from './timeline.repository';

export interface TimelineEntry {
  at: string;
  event: string;
  [detail: string]: unknown;
}

/** Where an event goes among others at the same millisecond. */
const ORDER = ['submitted', 'publish-failed', 'sent', 'resent', 'received', 'refused', 'rejected', 'delivered', 'receipt-mismatch', 'undeliverable'];

/**
 * What happened to a message, in order: the ordinary course read from the message's own record (submitted, sent,
 * delivered or rejected; received or refused) and the recorded exceptions (failed publishes, resends, …).
 */
@Injectable()
export class Timelines {
  constructor(private readonly events: TimelineRepository) {}

  /** `recorded`: the message's recorded events when the caller has them already. */
  async ofOutbound(m: OutboundMessage, recorded?: TimelineEvent[]): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [{ at: m.createdAt.toISOString(), event: 'submitted' }];
    if (m.sentAt) entries.push({ at: m.sentAt.toISOString(), event: 'sent' });
    if (m.settledAt && (m.state === 'delivered' || m.state === 'rejected')) {
      entries.push({ at: m.settledAt.toISOString(), event: m.state, receipt: m.receiptId, ...(m.rejectReason ? { reason: m.rejectReason } : {}) });
    }
    return withRecorded(entries, recorded ?? (await this.events.forMessage(m.id)));
  }

  async ofInbound(m: InboundMessage): Promise<TimelineEntry[]> {
    const received: TimelineEntry = {
      at: m.receivedAt.toISOString(),
      event: m.status === 'delivered' ? 'received' : 'refused',
      type: m.type,
      from: m.fromNode,
      ...(m.rejectReason ? { reason: m.rejectReason } : {}),
    };
    return withRecorded([received], await this.events.forMessage(m.id));
  }
}

function withRecorded(entries: TimelineEntry[], recorded: TimelineEvent[]): TimelineEntry[] {
  for (const e of recorded) entries.push({ at: e.at.toISOString(), event: e.kind, ...(e.detail ?? {}) });
  return entries.sort((a, b) => a.at.localeCompare(b.at) || ORDER.indexOf(a.event) - ORDER.indexOf(b.event));
}
