import { LoggerService } from '@nestjs/common';
import { resolve } from 'node:path';
import { ConfigError, loadNodeConfig } from './config/load-config';
import { startGateway } from './gateway';
import { gatewayLogging } from './logging/gateway-logger';
import { safeError } from './logging/safe-error';

const arg = process.argv.indexOf('--node');
const node = arg > 0 ? process.argv[arg + 1] : process.env.TRM_NODE;

/**
 * One gateway process serves one node: `node dist/apps/gateway/src/main.js --node AT` reads config/nodes/AT.yaml
 * (or the file in TRM_CONFIG).
 */
async function main(): Promise<void> {
  const file = process.env.TRM_CONFIG ?? (node ? resolve(__dirname, '../../../../config/nodes', `${node}.yaml`) : undefined);
  if (!file) throw new Error('say which node to run: --node AT, TRM_NODE=AT or TRM_CONFIG=path/to/node.yaml');
  const config = loadNodeConfig(file);
  const logger = gatewayLogging(config.node).logger as LoggerService;
  // A promise nobody awaited (a timer's, a callback's) failed: logged like any error, the node keeps serving.
  process.on('unhandledRejection', (err) => void logger.error({ err }, `unhandled rejection: ${safeError(err)}`, 'Gateway'));
  process.on('uncaughtException', (err) => {
    logger.fatal?.({ err }, `uncaught exception: ${safeError(err)}`, 'Gateway');
    process.exit(1);
  });
  const app = await startGateway(config);
  app.enableShutdownHooks();
  logger.log(`node ${config.node} listening on ${config.http.tls ? 'https' : 'http'}://${config.http.host}:${config.http.port}`, 'Gateway');
}

main().catch((err: unknown) => {
  // The process's one logger: the gateway's, if it got as far as creating it.
  const logger = gatewayLogging(node ?? 'unknown').logger as LoggerService;
  logger.fatal?.(err instanceof ConfigError ? `configuration error in ${err.message}` : `cannot start: ${safeError(err)}`, 'Gateway');
  process.exit(1);
});
