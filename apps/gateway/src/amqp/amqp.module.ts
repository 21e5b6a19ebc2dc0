import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { MessageLogModule } from '../message-log/message-log.module';
import { RegistryModule } from '../registry/registry.module';
import { NodeEvents } from '../telemetry/node-events';
import { OutboxRelay } from './outbox-relay';
import { PartnerLinks } from './partner-links';
import { TrmAmqpServer } from './trm-amqp.server';

/** AMQP: the node's inbound queue, its links to partners, and the relay that empties the outbox. */
@Module({
  imports: [MessageLogModule, RegistryModule],
  providers: [
    PartnerLinks,
    OutboxRelay,
    {
      provide: TrmAmqpServer,
      inject: [NODE_CONFIG, PartnerLinks, DataSource, NodeEvents],
      useFactory: (config: NodeConfig, links: PartnerLinks, dataSource: DataSource, events: NodeEvents) =>
        new TrmAmqpServer(
          {
            node: config.node,
            urls: config.broker.urls,
            tls: config.broker.tls,
            queue: config.broker.queue,
            prefetch: config.broker.prefetch,
            batchSize: Math.min(config.broker.prefetch, 200),
            maxDeliveryAttempts: config.broker.maxDeliveryAttempts,
            canProcess: () =>
              dataSource.query('SELECT 1').then(
                () => true,
                () => false,
              ),
          },
          links,
          events,
        ),
    },
  ],
  exports: [TrmAmqpServer, PartnerLinks],
})
export class AmqpModule {}
