import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** One gauge of a metric family: its labels (codes and node ids only) and its count. */
export interface Count {
  labels: Record<string, string>;
  n: string;
}

/** The counts `/metrics` shows, read from the message log and the deadlines. */
@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async counts(): Promise<{ sent: Count[]; received: Count[]; overdue: Count[] }> {
    const q = (sql: string) => this.dataSource.query<Count[]>(sql);
    const [sent, received, overdue] = await Promise.all([
      q(
        `SELECT json_build_object('partner', to_node, 'type', type, 'state', state) AS labels, count(*)::text AS n FROM outbound_message GROUP BY to_node, type, state`,
      ),
      q(
        `SELECT json_build_object('partner', from_node, 'type', type, 'status', status) AS labels, count(*)::text AS n FROM inbound_message GROUP BY from_node, type, status`,
      ),
      q(
        `SELECT json_build_object('kind', kind, 'owed_by', owed_by) AS labels, count(*)::text AS n FROM expectation WHERE status = 'missed' OR (status = 'open' AND due_at <= now()) GROUP BY kind, owed_by`,
      ),
    ]);
    return { sent, received, overdue };
  }
}
