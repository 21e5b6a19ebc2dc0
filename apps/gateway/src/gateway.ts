import { INestApplication, LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Clock, SystemClock } from './clock/clock';
import { NodeConfig } from './config/node-config';
import { GatewayModule } from './gateway.module';
import { useHttpErrorFilter } from './http/error-filters';
import { validationExceptionFactory } from './http/problems';
import { secureHttp } from './http/secure-http';
import { gatewayLogging } from './logging/gateway-logger';
import { TrmAmqpServer } from './transport/trm-amqp.server';

export interface GatewayOptions {
  clock?: Clock;
  /** Levels to log (JSON lines on stdout), or false for none; default log, warn, error and fatal. */
  logger?: LogLevel[] | false;
}

/** Starts a node: database migrations, the inbound consumer, the outbox relay and the HTTP API. */
export async function startGateway(config: NodeConfig, options: GatewayOptions = {}): Promise<INestApplication> {
  const logging = gatewayLogging(config.node, options.logger);
  const node = GatewayModule.forNode(config, options.clock ?? new SystemClock());
  const app = await NestFactory.create<NestFastifyApplication>(
    { ...node, imports: [...(node.imports ?? []), ...logging.modules] },
    new FastifyAdapter({ bodyLimit: 1024 * 1024 }),
    { logger: logging.logger, abortOnError: false },
  );
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      exceptionFactory: validationExceptionFactory,
    }),
  );
  const openapi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`TRM Gateway — node ${config.node}`)
      .setDescription('REST API of one national node. Message bodies follow TRM-AMQP/1; see docs/asyncapi.yaml.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "a token of the organisation's identity provider" })
      .build(),
  );
  SwaggerModule.setup('docs', app, openapi, { jsonDocumentUrl: 'openapi.json', ui: false });
  useHttpErrorFilter(app);
  app.connectMicroservice({ strategy: app.get(TrmAmqpServer) });
  try {
    await secureHttp(app, config); // before init: it wraps every route Nest registers
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
