import { Module } from '@nestjs/common';
import { AmqpModule } from '../amqp/amqp.module';
import { MessageLogModule } from '../message-log/message-log.module';
import { RegistryModule } from '../registry/registry.module';
import { PartnersController } from './partners.controller';
import { PartnersService } from './partners.service';

/** The partner nodes as operators watch them: links, receipts, backlog, directories. */
@Module({
  imports: [AmqpModule, MessageLogModule, RegistryModule],
  controllers: [PartnersController],
  providers: [PartnersService],
})
export class PartnersModule {}
