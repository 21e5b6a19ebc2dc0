import { ConsoleLogger, Logger } from '@nestjs/common';
import { resolve } from 'node:path';
import { ConfigError, loadNodeConfig } from './config/load-config';
import { startGateway } from './gateway';

/**
 * One gateway process serves one node: `node dist/apps/gateway/src/main.js --node AT` reads config/nodes/AT.yaml
 * (or the file in TRM_CONFIG).
 */
async function main(): Promise<void> {
  const arg = process.argv.indexOf('--node');
  const node = arg > 0 ? process.argv[arg + 1] : process.env.TRM_NODE;
  const file = process.env.TRM_CONFIG ?? (node ? resolve(__dirname, '../../../../config/nodes', `${node}.yaml`) : undefined);
  if (!file) throw new Error('say which node to run: --node AT, TRM_NODE=AT or TRM_CONFIG=path/to/node.yaml');
  const config = loadNodeConfig(file);
  const logger = new ConsoleLogger({ json: true, context: `node ${config.node}` });
  const app = await startGateway(config, { logger });
  app.enableShutdownHooks();
  new Logger('Gateway').log(`node ${config.node} listening on http://${config.http.host}:${config.http.port}`);
}

main().catch((err: unknown) => {
  const text = err instanceof ConfigError ? `configuration error in ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`trm-gateway: ${text}\n`);
  process.exit(1);
});
