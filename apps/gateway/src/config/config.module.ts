import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from './node-config';

/** Makes the node's configuration and clock available to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forNode(config: NodeConfig, clock: Clock): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: NODE_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [NODE_CONFIG, Clock],
    };
  }
}
