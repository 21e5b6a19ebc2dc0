import { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Clock, SystemClock } from './clock/clock';
import { NodeConfig } from './config/node-config';
import { GatewayModule } from './gateway.module';
import { RequestValidationPipe } from './http/request-validation.pipe';
import { TrmAmqpServer } from './transport/trm-amqp.server';

export interface GatewayOptions {
  clock?: Clock;
  logger?: NestApplicationOptions['logger'];
}

/** Starts a node: database migrations, the inbound consumer, the outbox relay and the HTTP API. */
export async function startGateway(config: NodeConfig, options: GatewayOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forNode(config, options.clock ?? new SystemClock()),
    // A `__proto__` or `constructor` key stays an ordinary key (JSON.parse never sets a prototype), so that the
    // validation pipe refuses it with its field named, like any key not defined for its place.
    new FastifyAdapter({ bodyLimit: 1024 * 1024, onProtoPoisoning: 'ignore', onConstructorPoisoning: 'ignore' }),
    { logger: options.logger, abortOnError: false },
  );
  app.useGlobalPipes(new RequestValidationPipe());
  const openapi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`TRM Gateway — node ${config.node}`)
      .setDescription('REST API of one national node. Message bodies follow TRM-AMQP/1; see docs/asyncapi.yaml.')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, openapi, { jsonDocumentUrl: 'openapi.json', ui: false });
  app.connectMicroservice({ strategy: app.get(TrmAmqpServer) });
  try {
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
