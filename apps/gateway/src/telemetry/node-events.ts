import { Injectable } from '@nestjs/common';

/**
 * What happened on the message path, the deadlines and the notices, as the modules that do it report it — after their
 * transaction committed, where there is one. Labels are codes and node ids only: never a caseRef, an address or
 * anything from a body. A message's `waitedMs` runs from its enqueue (its `createdAt`) to the event.
 */
export type NodeEvent =
  | { kind: 'message-enqueued'; partner: string; type: string }
  /** The partner's broker confirmed the message for the first time. */
  | { kind: 'message-confirmed'; partner: string; type: string; waitedMs: number }
  /** A receipt settled the message (delivered, or rejected as the id's verdict), or the node gave up on it. */
  | { kind: 'message-settled'; partner: string; type: string; outcome: 'delivered' | 'rejected' | 'undeliverable'; waitedMs: number | null }
  /** A publish the partner's broker did not confirm: an outbox message (the relay retries) or a receipt (answered again on the resend). */
  | { kind: 'publish-failed'; partner: string; what: 'message' | 'receipt' }
  /** A message stored with its verdict; `partner` passed rules 1–4 (a configured partner node). */
  | { kind: 'message-received'; partner: string; type: string; status: 'delivered' | 'rejected' }
  /** A verified delivery of an id already answered (rule 7): answered again with its first receipt, nothing stored. */
  | { kind: 'delivery-repeated'; partner: string }
  /** A delivery refused before it had a verdict (unverified, stale, header-mismatch) or dead-lettered: by reason only. */
  | { kind: 'delivery-refused'; reason: string }
  | { kind: 'deadline-escalated'; deadline: string; owedBy: string }
  /** A notice's attempt: sent, failed and tried again later (retry), or failed for good. */
  | { kind: 'notice-attempted'; channel: 'mail' | 'webhook'; outcome: 'sent' | 'retry' | 'failed' };

/**
 * Where the node's modules report what happens, for whoever counts it (the metrics module, at the top, listens). A
 * module low in the layers reports here and knows nothing of Prometheus; one instance per application.
 */
@Injectable()
export class NodeEvents {
  private readonly listeners: Array<(event: NodeEvent) => void> = [];

  listen(listener: (event: NodeEvent) => void): void {
    this.listeners.push(listener);
  }

  report(...events: NodeEvent[]): void {
    for (const event of events) for (const listener of this.listeners) listener(event);
  }
}
