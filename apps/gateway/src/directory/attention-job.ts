import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Periodic } from '../clock/periodic';
import { JobTurnRepository } from '../database/job-turn.repository';
import { safeError } from '../logging/safe-error';
import { DirectoryService } from './directory.service';

const EVERY_MS = 24 * 3_600_000;

/**
 * Once a day (one replica of the node, the first to find it due), tells the coordinator which roles need a person: vacant ones, whose messages go to a
 * fallback, and unconfirmed ones, whose entries nobody vouched for lately; fallbacks or successors one organisation
 * asked another to be, waiting for its answer; and how many published channels look like a person's (a count only:
 * which, and why, is at GET /v1/directory/attention, with the rest of the list).
 */
@Injectable()
export class AttentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AttentionJob.name);
  private readonly periodic = new Periodic(
    () => this.run(),
    (err) => this.logger.warn(`attention check failed: ${safeError(err)}`),
  );

  constructor(
    private readonly directory: DirectoryService,
    private readonly turns: JobTurnRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(EVERY_MS, { turns: this.turns.turnsOf('attention') });
  }

  onApplicationShutdown(): Promise<void> {
    return this.periodic.stop();
  }

  private async run(): Promise<void> {
    const { vacant, unconfirmed, pendingLinks, personalChannels } = await this.directory.attention(null);
    if (vacant.length) this.logger.warn(`vacant roles (messages go to their fallback): ${vacant.map((r) => r.address).join(', ')}`);
    if (unconfirmed.length) this.logger.warn(`roles not confirmed recently: ${unconfirmed.map((r) => r.address).join(', ')}`);
    if (pendingLinks.length)
      this.logger.warn(`fallbacks and successors waiting for a decision: ${pendingLinks.map((l) => `${l.role} -> ${l.target} (${l.kind})`).join(', ')}`);
    if (personalChannels.length) this.logger.warn(`published channels that look personal: ${personalChannels.length}`);
  }
}
