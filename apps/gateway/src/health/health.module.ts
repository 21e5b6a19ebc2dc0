import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AmqpModule } from '../amqp/amqp.module';
import { EventLoopWatch } from './event-loop-watch';
import { HealthController } from './health.controller';

/** Liveness and readiness of the node, without a token. */
@Module({
  imports: [TerminusModule, AmqpModule],
  controllers: [HealthController],
  providers: [EventLoopWatch],
})
export class HealthModule {}
