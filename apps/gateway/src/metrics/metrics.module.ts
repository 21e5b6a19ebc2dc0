import { Module } from '@nestjs/common';
import { AmqpModule } from '../amqp/amqp.module';
import { MessageLogModule } from '../message-log/message-log.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * `/metrics`: the node's Prometheus registry. The modules below report what happens through NodeEvents (telemetry/);
 * this one, at the top, counts it and reads the links, the consumer and the outbox at each scrape.
 */
@Module({
  imports: [MessageLogModule, AmqpModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
