import { ChainResult } from '../../gateway/src/audit/audit-chain';
import { VERIFY_PAGE, verifyChainPages } from '../../gateway/src/audit/audit.repository';
import { databaseUrlProblem, parseDatabaseUrl } from '../../gateway/src/config/database-url';
import { schemaNameProblem } from '../../gateway/src/config/node-config';
import { sessionClient } from '../../gateway/src/database/session-client';
import { CliError } from './errors';

/**
 * Reads a node's audit log in seq order, a page at a time (a long log never sits in memory whole), inside one
 * read-only snapshot, and checks its hash chain. Answers where the chain first breaks, or how many entries it holds
 * and the hash of the last one.
 */
export async function verifyAudit(databaseUrl: string, schema: string, pageSize = VERIFY_PAGE): Promise<ChainResult> {
  const problem = schemaNameProblem(schema);
  if (problem) throw new CliError(problem);
  const urlProblem = databaseUrlProblem(databaseUrl);
  if (urlProblem) throw new CliError(urlProblem);
  // The node's own client: its URL may list several hosts.
  const targets = parseDatabaseUrl(databaseUrl);
  const Client = sessionClient(targets);
  const client = new Client({ connectionString: targets.hosts[0].url, options: `-c search_path=${schema}`, application_name: 'trmctl audit verify' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const exists = await client.query<{ found: boolean }>(`SELECT to_regclass('audit_entry') IS NOT NULL AS found`);
    if (!exists.rows[0].found) throw new CliError(`schema ${schema} holds no audit log (has the gateway started since the audit migration?)`);
    const query = async (sql: string, params: unknown[]) => (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
    const result = await verifyChainPages(query, pageSize);
    await client.query('COMMIT');
    return result;
  } finally {
    await client.end();
  }
}

/** One or two lines for the operator. */
export function formatAuditVerification(node: string, result: ChainResult): string {
  if (result.ok) {
    return [
      `audit log of node ${node}: ${result.count} ${result.count === 1 ? 'entry' : 'entries'}, chain intact`,
      `  head ${result.head} (record it elsewhere: a log cut short after it would show)`,
    ].join('\n');
  }
  return [
    `audit log of node ${node}: BROKEN at entry ${result.seq}: ${result.problem}`,
    `  the ${result.count} ${result.count === 1 ? 'entry' : 'entries'} before it verified`,
  ].join('\n');
}
