import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PartnerLinks } from '../amqp/partner-links';
import { TrmAmqpServer } from '../amqp/trm-amqp.server';
import { OutboxRepository } from '../message-log/outbox.repository';
import { NodeEvents } from '../telemetry/node-events';
import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  const setUp = (waiting: Promise<Map<string, number>>) => {
    const events = new NodeEvents();
    const links = { statuses: () => new Map([['RS', { state: 'down', since: new Date() }]]) } as unknown as PartnerLinks;
    const inbound = { consumerStatus: () => ({ consuming: true, unsettled: 3, progressAt: 0 }) } as unknown as TrmAmqpServer;
    const outbox = { waitingUpTo: () => waiting } as unknown as OutboxRepository;
    return { events, metrics: new MetricsService(events, links, inbound, outbox) };
  };

  it('counts what the modules report, by codes and node ids', async () => {
    const { events, metrics } = setUp(Promise.resolve(new Map([['RS', 7]])));
    events.report(
      { kind: 'deadline-escalated', deadline: 'acceptance', owedBy: 'partner' },
      { kind: 'deadline-escalated', deadline: 'acceptance', owedBy: 'partner' },
      { kind: 'notice-attempted', channel: 'mail', outcome: 'sent' },
      { kind: 'notice-attempted', channel: 'webhook', outcome: 'retry' },
      { kind: 'notice-attempted', channel: 'webhook', outcome: 'failed' },
      { kind: 'delivery-refused', reason: 'header-mismatch' },
      { kind: 'delivery-repeated', partner: 'RS' },
      { kind: 'publish-failed', partner: 'RS', what: 'receipt' },
      { kind: 'message-settled', partner: 'RS', type: 'handover.request', outcome: 'undeliverable', waitedMs: 1000 },
    );
    const text = await metrics.exposition();
    for (const line of [
      'trm_deadlines_escalated_total{kind="acceptance",owed_by="partner"} 2',
      'trm_notices_total{channel="mail",outcome="sent"} 1',
      'trm_notices_total{channel="webhook",outcome="retry"} 1',
      'trm_notices_total{channel="webhook",outcome="failed"} 1',
      'trm_deliveries_refused_total{reason="header-mismatch"} 1',
      'trm_deliveries_repeated_total{partner="RS"} 1',
      'trm_publish_failures_total{partner="RS",what="receipt"} 1',
      'trm_messages_sent_total{partner="RS",type="handover.request",outcome="undeliverable"} 1',
      // Read at the scrape.
      'trm_partner_link_state{partner="RS",state="down"} 1',
      'trm_partner_link_state{partner="RS",state="up"} 0',
      'trm_inbound_unsettled 3',
      'trm_outbox_waiting{partner="RS"} 7',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    // Given up: no receipt, so no receipt time.
    expect(text).not.toMatch(/^trm_message_receipt_seconds_count/m);
  });

  it('keeps its registry to itself: two applications in one process count apart', async () => {
    const [a, b] = [setUp(Promise.resolve(new Map())), setUp(Promise.resolve(new Map()))];
    a.events.report({ kind: 'message-enqueued', partner: 'RS', type: 'case.updated' });
    expect(await a.metrics.exposition()).toContain('trm_messages_enqueued_total{partner="RS",type="case.updated"} 1');
    expect(await b.metrics.exposition()).not.toContain('trm_messages_enqueued_total{');
  });

  it('leaves out the outbox gauge when the database does not answer, and still answers', async () => {
    const { metrics } = setUp(Promise.reject(new Error('connection refused')));
    const text = await metrics.exposition();
    expect(text).not.toMatch(/^trm_outbox_waiting\{/m);
    expect(text).toContain('trm_inbound_consuming 1');
  });

  it('is what the example alert rules (deploy/prometheus/alerts.yaml) are written against', async () => {
    const { metrics } = setUp(Promise.resolve(new Map()));
    const families = new Set([...(await metrics.exposition()).matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name]) => name));
    const rules = parse(readFileSync(join(__dirname, '../../../../deploy/prometheus/alerts.yaml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
    };
    const named = rules.groups.flatMap((g) => g.rules.flatMap((r) => [...r.expr.matchAll(/\btrm_[a-z_]+/g)].map(([name]) => name)));
    expect(named.length).toBeGreaterThan(10);
    expect(named.map((n) => n.replace(/_(bucket|sum|count)$/, '')).filter((n) => !families.has(n))).toEqual([]);
  });
});
