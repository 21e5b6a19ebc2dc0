import { DataSource, DataSourceOptions } from 'typeorm';
import { NodeConfig, schemaNameProblem } from '../config/node-config';
import { MIGRATIONS } from './migrations';
import { SafeTypeOrmLogger } from './safe-typeorm-logger';

export function dataSourceOptions(config: NodeConfig): DataSourceOptions {
  const { url, schema, poolSize } = config.database;
  const problem = schemaNameProblem(schema); // configurations built in code skip loadNodeConfig
  if (problem) throw new Error(problem);
  return {
    type: 'postgres',
    url,
    schema,
    poolSize,
    // Unqualified names in migrations and raw queries resolve to the node's own schema; sessions are named by both.
    extra: { options: `-c search_path=${schema}`, application_name: `trm-gateway ${config.node} ${schema}` },
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
