import { Logger } from '@nestjs/common';
import { Logger as TypeOrmLogger, LoggerOptions } from 'typeorm';
import { safeError } from '../logging/safe-error';

/**
 * TypeORM's logger, should logging ever be enabled (`logging` in the data source options): parameters of a query are
 * stored values — message bodies, JWS, staff names — so neither they nor the query text are ever printed; a failed
 * query is logged by its SQLSTATE, a slow one by its duration.
 */
export class SafeTypeOrmLogger implements TypeOrmLogger {
  private readonly logger = new Logger('TypeORM');

  constructor(private readonly options: LoggerOptions) {}

  private enabled(kind: 'error' | 'warn' | 'info' | 'log' | 'migration'): boolean {
    const o = this.options;
    return o === true || o === 'all' || (Array.isArray(o) && o.includes(kind));
  }

  logQuery(): void {}

  logQueryError(error: string | Error): void {
    if (this.enabled('error')) this.logger.warn(`query failed: ${typeof error === 'string' ? 'details withheld' : safeError(error)}`);
  }

  logQuerySlow(time: number): void {
    if (this.enabled('warn')) this.logger.warn(`a query took ${time} ms`);
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    if (this.enabled('migration')) this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (!this.enabled(level)) return;
    const text = message instanceof Error ? safeError(message) : String(message);
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }
}
