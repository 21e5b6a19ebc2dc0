import { Global, Module } from '@nestjs/common';
import { NodeEvents } from './node-events';

/** What happens on the node, reported for metrics (NodeEvents); trace context is in trace-context.ts. */
@Global()
@Module({ providers: [NodeEvents], exports: [NodeEvents] })
export class TelemetryModule {}
