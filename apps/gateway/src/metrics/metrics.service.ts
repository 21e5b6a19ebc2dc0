import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PartnerLinks } from '../amqp/partner-links';
import { TrmAmqpServer } from '../amqp/trm-amqp.server';
import { OutboxRepository } from '../message-log/outbox.repository';
import { NodeEvent, NodeEvents } from '../telemetry/node-events';

/** At most this many waiting messages are counted at a scrape; more shows as this many. */
export const OUTBOX_WAITING_CAP = 100_000;

/** Seconds from enqueue to the partner broker's confirm: milliseconds normally, minutes through an outage. */
const CONFIRM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];
/** Seconds from enqueue to the receipt: as above, and up to the give-up time (days) for a partner long away. */
const RECEIPT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 6 * 3600, 86400, 7 * 86400];

/**
 * The node's Prometheus metrics, in a registry of this application's own (several gateways may run in one process):
 * counters and histograms moved as things happen (NodeEvents, reported by the modules that do them), and at each
 * scrape only what is cheap to read — the partner links' states and the consumer's unsettled deliveries from memory,
 * the outbox's waiting messages by a bounded count on its partial index. Labels are codes and node ids only — never a
 * caseRef, an address or anything from a body. Counters start at zero with the process; Prometheus' `rate()` and
 * `increase()` allow for that, and a sum over replicas is the node's.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly enqueued = this.counter('trm_messages_enqueued_total', 'Messages this node put in its outbox, by partner and type.', ['partner', 'type']);
  private readonly sent = this.counter(
    'trm_messages_sent_total',
    "What became of the messages this node sent, by partner, type and outcome: confirmed (the partner's broker took it, counted once), then delivered or rejected (the partner's receipt) or undeliverable (no receipt before the give-up time).",
    ['partner', 'type', 'outcome'],
  );
  private readonly confirmSeconds = new Histogram({
    name: 'trm_message_confirm_seconds',
    help: "Seconds from a message's enqueue to the partner broker's first confirm, by partner and type.",
    labelNames: ['partner', 'type'],
    buckets: CONFIRM_BUCKETS,
    registers: [this.registry],
  });
  private readonly receiptSeconds = new Histogram({
    name: 'trm_message_receipt_seconds',
    help: "Seconds from a message's enqueue to the partner's receipt settling it, by partner, type and receipt status.",
    labelNames: ['partner', 'type', 'status'],
    buckets: RECEIPT_BUCKETS,
    registers: [this.registry],
  });
  private readonly publishFailures = this.counter(
    'trm_publish_failures_total',
    "Publishes the partner's broker did not confirm (unreachable, unroutable, no confirm in time), by partner and what: message (from the outbox, retried) or receipt.",
    ['partner', 'what'],
  );
  private readonly received = this.counter(
    'trm_messages_received_total',
    'Messages this node received and stored with a verdict, by partner, type (unknown for a type the profile does not define) and receipt status.',
    ['partner', 'type', 'status'],
  );
  private readonly repeated = this.counter(
    'trm_deliveries_repeated_total',
    'Deliveries of a message this node had answered already, answered again with the same receipt, by partner.',
    ['partner'],
  );
  private readonly refused = this.counter(
    'trm_deliveries_refused_total',
    'Deliveries refused without a verdict, or dead-lettered, by reason code (the sender is not labelled: it may be unverified).',
    ['reason'],
  );
  private readonly escalated = this.counter('trm_deadlines_escalated_total', 'Deadlines this node escalated when they passed, by kind and by who owes them.', [
    'kind',
    'owed_by',
  ]);
  private readonly notices = this.counter(
    'trm_notices_total',
    'Attempts to send notices, by channel (mail, webhook) and outcome: sent, retry (failed, tried again later) or failed (for good).',
    ['channel', 'outcome'],
  );

  constructor(events: NodeEvents, links: PartnerLinks, inbound: TrmAmqpServer, outbox: OutboxRepository) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'trm_partner_link_state',
      help: "The link to each partner's broker: 1 for its state now (up, down, idle: not needed yet), 0 for the others.",
      labelNames: ['partner', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [partner, status] of links.statuses()) {
          for (const state of ['up', 'down', 'idle']) this.set({ partner, state }, status.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'trm_inbound_consuming',
      help: "1 while this process consumes the node's queue, else 0.",
      registers: [this.registry],
      collect() {
        this.set(inbound.consumerStatus().consuming ? 1 : 0);
      },
    });
    new Gauge({
      name: 'trm_inbound_unsettled',
      help: 'Deliveries this process received and has not settled (acked, requeued or dead-lettered) yet.',
      registers: [this.registry],
      collect() {
        this.set(inbound.consumerStatus().unsettled);
      },
    });
    new Gauge({
      name: 'trm_outbox_waiting',
      help: `Messages not yet delivered (queued, or sent and waiting for a receipt), by partner; at most ${OUTBOX_WAITING_CAP} counted. No sample when the database does not answer.`,
      labelNames: ['partner'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const waiting = await outbox.waitingUpTo(OUTBOX_WAITING_CAP).catch(() => null);
        if (!waiting) return;
        for (const partner of links.statuses().keys()) this.set({ partner }, waiting.get(partner) ?? 0);
        for (const [partner, n] of waiting) this.set({ partner }, n);
      },
    });
    events.listen((event) => this.count(event));
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  private count(e: NodeEvent): void {
    switch (e.kind) {
      case 'message-enqueued':
        return this.enqueued.inc({ partner: e.partner, type: e.type });
      case 'message-confirmed':
        this.sent.inc({ partner: e.partner, type: e.type, outcome: 'confirmed' });
        return this.confirmSeconds.observe({ partner: e.partner, type: e.type }, seconds(e.waitedMs));
      case 'message-settled':
        this.sent.inc({ partner: e.partner, type: e.type, outcome: e.outcome });
        if (e.outcome !== 'undeliverable' && e.waitedMs !== null) {
          this.receiptSeconds.observe({ partner: e.partner, type: e.type, status: e.outcome }, seconds(e.waitedMs));
        }
        return;
      case 'publish-failed':
        return this.publishFailures.inc({ partner: e.partner, what: e.what });
      case 'message-received':
        return this.received.inc({ partner: e.partner, type: e.type, status: e.status });
      case 'delivery-repeated':
        return this.repeated.inc({ partner: e.partner });
      case 'delivery-refused':
        return this.refused.inc({ reason: e.reason });
      case 'deadline-escalated':
        return this.escalated.inc({ kind: e.deadline, owed_by: e.owedBy });
      case 'notice-attempted':
        return this.notices.inc({ channel: e.channel, outcome: e.outcome });
    }
  }

  private counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}

/** A clock moved back (or a message made ahead of it) gives no negative duration. */
const seconds = (ms: number) => Math.max(0, ms) / 1000;
