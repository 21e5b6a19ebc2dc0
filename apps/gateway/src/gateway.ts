import { INestApplication, LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { RawServerDefault } from 'fastify';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import { SwaggerModule } from '@nestjs/swagger';
import { MAX_JSON_DEPTH, jsonTextDeeperThan } from '@trm/wire';
import { Clock, SystemClock } from './clock/clock';
import { isLoopback } from './config/load-config';
import { NodeConfig } from './config/node-config';
import { GatewayModule } from './gateway.module';
import { useHttpErrorFilter } from './http/error-filters';
import { invalidRequest } from './http/problems';
import { RequestValidationPipe } from './http/request-validation.pipe';
import { TraceContextInterceptor } from './http/trace-context.interceptor';
import { clientError, routerError, secureHttp } from './http/secure-http';
import { gatewayLogging } from './logging/gateway-logger';
import { TrmAmqpServer } from './amqp/trm-amqp.server';
import { ConsoleSite } from './console/console-site';
import { openApiDocument } from './openapi';

export interface GatewayOptions {
  clock?: Clock;
  /** Levels to log (JSON lines on stdout), or false for none; default log, warn, error and fatal. */
  logger?: LogLevel[] | false;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** Bytes that are not UTF-8 are refused, not stored as U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Starts a node: database migrations, the inbound consumer, the outbox relay and the HTTP API. */
export async function startGateway(config: NodeConfig, options: GatewayOptions = {}): Promise<INestApplication> {
  const logging = gatewayLogging(config.node, options.logger);
  const node = GatewayModule.forNode(config, options.clock ?? new SystemClock());
  const https = httpsOptions(config);
  const trustProxy = config.http.trustProxy?.length ? config.http.trustProxy : false;
  const app = await NestFactory.create<NestFastifyApplication>(
    { ...node, imports: [...(node.imports ?? []), ...logging.modules] },
    new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES, frameworkErrors: routerError, clientErrorHandler: clientError, trustProxy, ...(https ? { https } : {}) }),
    // httpsOptions only makes app.getUrl() say https: Fastify, not Nest, creates the server.
    { logger: logging.logger, abortOnError: false, bodyParser: false, ...(https ? { httpsOptions: https } : {}) },
  );
  if (!https && !trustProxy && !isLoopback(config.http.host))
    new Logger('Gateway').warn(
      `http.host ${config.http.host} is reachable from other machines, but http.tls is not set and no http.trustProxy is named: ` +
        'bearer tokens and case data would cross the network in clear. Set http.tls, or serve the node through a TLS-terminating reverse proxy named in http.trustProxy',
    );
  // JSON nested too deep is refused before it is parsed (parsing 1 MiB of brackets would hold the event loop for a
  // quarter of a second). `__proto__` and `constructor` stay ordinary keys (JSON.parse never sets a prototype), so
  // that the validation pipe refuses them with their field named, like any key not defined for its place.
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('ignore', 'ignore');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    const field = jsonTextDeeperThan(body, MAX_JSON_DEPTH);
    if (field !== null) return done(invalidRequest([{ field, problem: `must not be nested deeper than ${MAX_JSON_DEPTH} levels` }]), undefined);
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      return done(invalidRequest([{ field: '(root)', problem: 'must be UTF-8' }]), undefined);
    }
    void parseJson(request, text, done);
  });
  app.useGlobalPipes(new RequestValidationPipe());
  app.useGlobalInterceptors(new TraceContextInterceptor());
  const openapi = openApiDocument(app, config.node);
  SwaggerModule.setup('docs', app, openapi, { jsonDocumentUrl: 'openapi.json', ui: false });
  useHttpErrorFilter(app);
  app.connectMicroservice({ strategy: app.get(TrmAmqpServer) });
  try {
    const site = app.get(ConsoleSite);
    await site.install(app);
    await secureHttp(app, config, site); // before init: it wraps every route Nest registers
    // Modules first (migrations, registry loaded), then deliveries may come in.
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.http.port, config.http.host);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}

/** The HTTPS server's certificate and key (read at start: a new certificate takes a restart), TLS 1.2 at least. */
function httpsOptions(config: NodeConfig): SecureContextOptions | null {
  const tls = config.http.tls;
  if (!tls) return null;
  return { cert: readFileSync(tls.cert), key: readFileSync(tls.key), minVersion: 'TLSv1.2' };
}
