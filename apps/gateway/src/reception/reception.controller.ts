import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcErrorFilter } from '../logging/rpc-error-filter';
import { Disposition, INBOUND_BATCH, INBOUND_FAILED, Incoming } from '../amqp/delivery';
import { ReceptionService } from './reception.service';

@Controller()
@UseFilters(new RpcErrorFilter())
export class ReceptionController {
  constructor(private readonly reception: ReceptionService) {}

  @MessagePattern(INBOUND_BATCH)
  receive(@Payload() batch: Incoming[]): Promise<Disposition[]> {
    return this.reception.receive(batch);
  }

  @MessagePattern(INBOUND_FAILED)
  failed(@Payload() delivery: Incoming): Promise<Disposition> {
    return this.reception.failed(delivery);
  }
}
