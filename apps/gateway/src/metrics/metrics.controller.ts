import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Allow } from '../http/access.decorator';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(private readonly registry: MetricsService) {}

  /** The node's metrics — messages, receipts, partner links, deadlines, notices, the process — in Prometheus text format. */
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  @Allow('coordinator', 'auditor', 'administrator')
  @ApiProduces('text/plain; version=0.0.4')
  @ApiOkResponse({ type: String, description: 'Prometheus text format; labels are codes and node ids only.' })
  metrics(): Promise<string> {
    return this.registry.exposition();
  }
}
