import { Injectable } from '@nestjs/common';
import { ExpectationRepository } from '../cases/expectation.repository';
import { LabelledCount } from '../database/labelled-count';
import { InboxRepository } from '../message-log/inbox.repository';
import { OutboxRepository } from '../message-log/outbox.repository';

/**
 * Prometheus text format: message counts by partner, type and outcome, and what waits. Labels are codes and node ids
 * only — never a caseRef, an address or anything from a body.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly expectations: ExpectationRepository,
  ) {}

  async exposition(): Promise<string> {
    const [sent, received, overdue] = await Promise.all([this.outbox.countsByOutcome(), this.inbox.countsByOutcome(), this.expectations.overdueCounts()]);
    return (
      [
        ...family('trm_messages_sent', 'Messages this node sent, by partner, type and delivery state.', sent),
        ...family('trm_messages_received', 'Messages this node received, by partner, type and receipt status.', received),
        ...family('trm_deadlines_overdue', 'Deadlines passed and not met, by kind and by who owes them.', overdue),
      ].join('\n') + '\n'
    );
  }
}

function family(name: string, help: string, rows: LabelledCount[]): string[] {
  const label = (labels: Record<string, string>) =>
    Object.entries(labels)
      .map(([k, v]) => `${k}="${String(v).replace(/["\\\n]/g, '_')}"`)
      .join(',');
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...rows.map((r) => `${name}{${label(r.labels)}} ${r.n}`)];
}
