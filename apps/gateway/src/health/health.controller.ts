import { Controller, Get, Inject } from '@nestjs/common';
import { ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../http/access.decorator';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { TrmAmqpServer } from '../amqp/trm-amqp.server';
import { EventLoopWatch } from './event-loop-watch';
import { Liveness } from './health.dto';

/** An event loop that ran this late lately means the process is wedged: restarting it is the cure. */
export const MAX_EVENT_LOOP_DELAY_MS = 5_000;

@Controller()
export class HealthController {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly checks: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly inbound: TrmAmqpServer,
    private readonly eventLoop: EventLoopWatch,
  ) {}

  /**
   * Liveness, for an orchestrator that restarts what is not alive: 503 only when the process's event loop ran more
   * than 5 s late lately. It asks neither the database nor the broker: their outage must not restart every replica.
   */
  @Public()
  @Get('health')
  @HealthCheck()
  async health(): Promise<Liveness> {
    const result = await this.checks.check([() => this.process()]);
    return { ...result, status: 'ok', node: this.config.node };
  }

  /**
   * Readiness, for a load balancer or an orchestrator: 503 when the database does not answer, the node's broker is
   * unreachable, the consumer of the node's queue is not consuming, or deliveries wait on it and none was settled for
   * `broker.stallTimeout`. A replica not ready gets no API traffic; the others of the node go on.
   */
  @Public()
  @Get('health/ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'The body names each check down under `error`.' })
  ready(): Promise<HealthCheckResult> {
    return this.checks.check([() => this.database.pingCheck('database', { timeout: 2_000 }), () => this.broker(), () => this.consumer()]);
  }

  private process() {
    const check = this.indicators.check('process');
    const delayMs = this.eventLoop.maxDelayMs();
    return delayMs > MAX_EVENT_LOOP_DELAY_MS
      ? check.down({ message: 'the event loop ran late', eventLoopDelayMs: delayMs })
      : check.up({ eventLoopDelayMs: delayMs });
  }

  private broker() {
    const check = this.indicators.check('broker');
    return this.inbound.consumerStatus().brokerReachable ? check.up() : check.down({ message: "the node's broker is unreachable" });
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
