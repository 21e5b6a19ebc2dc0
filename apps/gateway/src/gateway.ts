import { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { RawServerDefault } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MAX_JSON_DEPTH, jsonTextDeeperThan } from '@trm/wire';
import { Clock, SystemClock } from './clock/clock';
import { NodeConfig } from './config/node-config';
import { GatewayModule } from './gateway.module';
import { invalidRequest } from './http/problems';
import { RequestValidationPipe } from './http/request-validation.pipe';
import { TrmAmqpServer } from './transport/trm-amqp.server';

export interface GatewayOptions {
  clock?: Clock;
  logger?: NestApplicationOptions['logger'];
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Starts a node: database migrations, the inbound consumer, the outbox relay and the HTTP API. */
export async function startGateway(config: NodeConfig, options: GatewayOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forNode(config, options.clock ?? new SystemClock()),
    new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES }),
    { logger: options.logger, abortOnError: false, bodyParser: false },
  );
  // JSON nested too deep is refused before it is parsed (parsing 1 MiB of brackets would hold the event loop for a
  // quarter of a second). `__proto__` and `constructor` stay ordinary keys (JSON.parse never sets a prototype), so
  // that the validation pipe refuses them with their field named, like any key not defined for its place.
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('ignore', 'ignore');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    const field = jsonTextDeeperThan(body, MAX_JSON_DEPTH);
    if (field === null) return parseJson(request, body.toString('utf8'), done);
    done(invalidRequest([{ field, problem: `must not be nested deeper than ${MAX_JSON_DEPTH} levels` }]), undefined);
  });
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
