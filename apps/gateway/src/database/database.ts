import { DataSource, DataSourceOptions } from 'typeorm';
import { NodeConfig, schemaNameProblem } from '../config/node-config';
import { databaseUrlProblem, parseDatabaseUrl } from '../config/database-url';
import { MIGRATIONS } from './migrations';
import { SafeTypeOrmLogger } from './safe-typeorm-logger';
import { sessionClient } from './session-client';

export function dataSourceOptions(config: NodeConfig): DataSourceOptions {
  const { url, schema, poolSize } = config.database;
  const problem = schemaNameProblem(schema); // configurations built in code skip loadNodeConfig
  if (problem) throw new Error(problem);
  const urlProblem = databaseUrlProblem(url);
  if (urlProblem) throw new Error(urlProblem);
  const targets = parseDatabaseUrl(url);
  return {
    type: 'postgres',
    url: targets.hosts[0].url,
    schema,
    poolSize,
    extra: {
      // Unqualified names in migrations and raw queries resolve to the node's own schema; sessions are named by both.
      options: `-c search_path=${schema}`,
      application_name: `trm-gateway ${config.node} ${schema}`,
      Client: sessionClient(targets),
    },
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    logger: new SafeTypeOrmLogger(false), // should `logging` ever be turned on
  };
}

/**
 * Creates the node's schema and applies pending migrations. An advisory lock keeps replicas of one node that start
 * together from migrating twice.
 */
export async function migrate(dataSource: DataSource, schema: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`trm-gateway:${schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const applied = await dataSource.runMigrations({ transaction: 'all' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`trm-gateway:${schema}`]);
    }
  } finally {
    await runner.release();
  }
}
