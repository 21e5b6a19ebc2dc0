import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Allow } from '../http/access.decorator';

interface Count {
  labels: Record<string, string>;
  n: string;
}

/**
 * Prometheus text format: message counts by partner, type and outcome, and what waits. Labels are codes and node ids
 * only — never a caseRef, an address or anything from a body.
 */
@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  @Allow('coordinator', 'auditor', 'administrator')
  async metrics(): Promise<string> {
    const q = (sql: string) => this.dataSource.query(sql) as Promise<Count[]>;
    const [sent, received, overdue] = await Promise.all([
      q(`SELECT json_build_object('partner', to_node, 'type', type, 'state', state) AS labels, count(*)::text AS n FROM outbound_message GROUP BY to_node, type, state`),
      q(`SELECT json_build_object('partner', from_node, 'type', type, 'status', status) AS labels, count(*)::text AS n FROM inbound_message GROUP BY from_node, type, status`),
      q(`SELECT json_build_object('kind', kind, 'owed_by', owed_by) AS labels, count(*)::text AS n FROM expectation WHERE status = 'missed' OR (status = 'open' AND due_at <= now()) GROUP BY kind, owed_by`),
    ]);
    return [
      ...family('trm_messages_sent', 'Messages this node sent, by partner, type and delivery state.', sent),
      ...family('trm_messages_received', 'Messages this node received, by partner, type and receipt status.', received),
      ...family('trm_deadlines_overdue', 'Deadlines passed and not met, by kind and by who owes them.', overdue),
    ].join('\n') + '\n';
  }
}

function family(name: string, help: string, rows: Count[]): string[] {
  const label = (labels: Record<string, string>) =>
    Object.entries(labels)
      .map(([k, v]) => `${k}="${String(v).replace(/["\\\n]/g, '_')}"`)
      .join(',');
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...rows.map((r) => `${name}{${label(r.labels)}} ${r.n}`)];
}
