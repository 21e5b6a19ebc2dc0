import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { dataSourceOptions, migrate } from './database';
import { JobTurnRepository } from './job-turn.repository';
import { Transactions } from './transactions';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [NODE_CONFIG],
      useFactory: (config: NodeConfig) => ({ ...dataSourceOptions(config), autoLoadEntities: true }),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await migrate(dataSource, (options as { schema: string }).schema);
        return dataSource;
      },
    }),
  ],
  providers: [Transactions, JobTurnRepository],
  exports: [Transactions, JobTurnRepository],
})
export class DatabaseModule {}
