import { INestApplication, NestApplicationOptions, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Clock, SystemClock } from './clock/clock';
import { NodeConfig } from './config/node-config';
import { GatewayModule } from './gateway.module';
import { validationExceptionFactory } from './http/problems';
import { TrmAmqpServer } from './transport/trm-amqp.server';

export interface GatewayOptions {
  clock?: Clock;
  logger?: NestApplicationOptions['logger'];
}

/** Starts a node: database migrations, the inbound consumer, the outbox relay and the HTTP API. */
export async function startGateway(config: NodeConfig, options: GatewayOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forNode(config, options.clock ?? new SystemClock()),
    new FastifyAdapter({ bodyLimit: 1024 * 1024 }),
    { logger: options.logger, abortOnError: false },
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
  app.connectMicroservice({ strategy: app.get(TrmAmqpServer) });
  try {
    await app.startAllMicroservices();
    await app.listen(config.http.port, config.http.host);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}
