import { Controller, Get, Inject } from '@nestjs/common';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { Public } from './access.decorator';

@Controller()
export class HealthController {
  constructor(@Inject(NODE_CONFIG) private readonly config: NodeConfig) {}

  /** Liveness: the process serves HTTP. Says nothing else about the node. */
  @Public()
  @Get('health')
  health() {
    return { status: 'ok', node: this.config.node };
  }
}
