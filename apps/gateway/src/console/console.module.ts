import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';
import { ConsoleSite } from './console-site';

/** The web console: its build served at `/`, and what it asks the node before and after sign-in. */
@Module({
  controllers: [ConsoleController],
  providers: [ConsoleSite],
  exports: [ConsoleSite],
})
export class ConsoleModule {}
