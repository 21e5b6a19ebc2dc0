import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { MessageLogModule } from '../message-log/message-log.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** `/metrics`: counts of the message log and of overdue deadlines, in Prometheus text. */
@Module({
  imports: [MessageLogModule, CasesModule],
  controllers: [MetricsController],
  providers: [MetricsService],
})
export class MetricsModule {}
