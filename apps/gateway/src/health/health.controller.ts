import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../http/access.decorator';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { TrmAmqpServer } from '../amqp/trm-amqp.server';
import { Liveness } from './health.dto';

@Controller()
export class HealthController {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly checks: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly inbound: TrmAmqpServer,
  ) {}

  /** Liveness: the process serves HTTP. Says nothing else about the node. */
  @Public()
  @Get('health')
  @ApiOkResponse({ type: Liveness })
  health(): Liveness {
    return { status: 'ok', node: this.config.node };
  }

  /**
   * Readiness, for a load balancer or an orchestrator: 503 when the database does not answer, the consumer of the
   * node's queue is not connected, or deliveries wait on it and none was settled for `broker.stallTimeout`.
   */
  @Public()
  @Get('health/ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.checks.check([() => this.database.pingCheck('database', { timeout: 2_000 }), () => this.consumer()]);
  }

  private consumer() {
    const check = this.indicators.check('inbound');
    const { consuming, unsettled, progressAt } = this.inbound.consumerStatus();
    if (!consuming) return check.down({ message: 'not consuming the node queue' });
    const idleMs = Date.now() - progressAt;
    if (unsettled > 0 && idleMs > this.config.broker.stallTimeoutMs) {
      return check.down({ message: 'no delivery settled', unsettled, sinceMs: idleMs });
    }
    return check.up({ unsettled });
  }
}
