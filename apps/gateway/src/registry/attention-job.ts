import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { safeError } from '../logging/safe-error';
import { DirectoryService } from './directory.service';

const EVERY_MS = 24 * 3_600_000;

/**
 * Once a day (and at start), tells the coordinator which roles need a person: vacant ones, whose messages go to a
 * fallback, and unconfirmed ones, whose entries nobody vouched for lately. The same list is at GET /v1/directory/attention.
 */
@Injectable()
export class AttentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AttentionJob.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly directory: DirectoryService) {}

  onApplicationBootstrap(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      const { vacant, unconfirmed } = await this.directory.attention();
      if (vacant.length) this.logger.warn(`vacant roles (messages go to their fallback): ${vacant.map((r) => r.address).join(', ')}`);
      if (unconfirmed.length) this.logger.warn(`roles not confirmed recently: ${unconfirmed.map((r) => r.address).join(', ')}`);
    } catch (err) {
      this.logger.warn(`attention check failed: ${safeError(err)}`);
    }
  }
}
