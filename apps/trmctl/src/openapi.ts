import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SystemClock } from '../../gateway/src/clock/clock';
import { DEFAULT_AGREEMENT, NodeConfig, quietNotifications } from '../../gateway/src/config/node-config';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { openApiDocument } from '../../gateway/src/openapi';

/**
 * A configuration that only names things: the modules are wired in preview (nothing is instantiated, nothing
 * connects), which is all the OpenAPI document needs. No key, directory or trust anchor file is read.
 */
function documentOnlyConfig(node: string): NodeConfig {
  return {
    node,
    timeZone: 'UTC',
    http: { host: '127.0.0.1', port: 0 },
    database: { url: 'postgres://unused@127.0.0.1/unused', schema: 'unused', poolSize: 1 },
    broker: { urls: ['amqp://127.0.0.1/unused'], managementUrl: '', queue: 'trm.node', prefetch: 1, maxDeliveryAttempts: 1, stallTimeoutMs: 60_000 },
    privateJwks: { keys: [] },
    directory: { node, coordinator: `${node}/node/coordination`, organisations: [] },
    partners: [
      {
        node: 'ZZ',
        endpoints: ['amqp://127.0.0.1/unused'],
        trustAnchor: { keys: [] },
        inbound: { username: 'unused', password: 'unused' },
        agreement: DEFAULT_AGREEMENT,
        timeZone: 'UTC',
      },
    ],
    timers: { receiptTimeoutMs: 1, resendMaxIntervalMs: 1, publishRetryMaxMs: 1, giveUpAfterMs: 1 },
    relay: { batchSize: 1, pollIntervalMs: 1, concurrency: 1 },
    auth: { issuer: 'https://idp.invalid', audience: 'unused', jwks: { keys: [] }, maxTokenLifetimeMs: 1, maxFailures: 1, failureWindowMs: 1 },
    console: { clientId: 'unused', authority: 'https://idp.invalid', scope: 'openid', root: '/nonexistent' },
    deadlines: { checkIntervalMs: 1 },
    registry: { endpoint: '', unconfirmedAfterMs: 1 },
    retention: { sealedAfterEndMs: 1, caseDataAfterEndMs: 1, messageLogMs: 1, checkIntervalMs: 1 },
    notifications: quietNotifications('https://console.invalid/'),
  };
}

/** The gateway's OpenAPI document, built without a database, broker or key files. */
export async function buildOpenApi(node = 'XX'): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forNode(documentOnlyConfig(node), new SystemClock()), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return openApiDocument(app, node);
  } finally {
    await app.close();
  }
}

/** Writes the document to `file` (folders created), as pretty JSON; returns its full path. */
export async function writeOpenApi(file: string, node?: string): Promise<string> {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(await buildOpenApi(node), null, 2)}\n`);
  return path;
}
