import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Allow } from '../http/access.decorator';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** The node's counters, histograms and gauges (see MetricsService and docs/operations.md), in Prometheus text format. */
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  @Allow('coordinator', 'auditor', 'administrator')
  @ApiProduces('text/plain; version=0.0.4')
  @ApiOkResponse({ type: String, description: 'Prometheus text format; labels are codes and node ids only.' })
  exposition(): Promise<string> {
    return this.metrics.exposition();
  }
}
