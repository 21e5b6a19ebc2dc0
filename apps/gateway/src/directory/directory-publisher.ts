import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Envelope, RegistryUpdateBody, createEnvelope, publicJwks, registryAddress, registryCaseRef } from '@trm/wire';
import { createHash, randomUUID } from 'node:crypto';
import { Clock } from '../clock/clock';
import { Periodic } from '../clock/periodic';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { JobTurnRepository } from '../database/job-turn.repository';
import { Transactions } from '../database/transactions';
import { MessageLog } from '../message-log/message-log';
import { safeError } from '../logging/safe-error';
import { DirectoryRepository } from '../registry/directory.repository';
import { directoryView } from '../registry/directory-view';
import { PartnerDirectoryRepository } from '../registry/partner-directory.repository';

/** How often the published view is recomputed even without a change here: vacancies and staleness follow the clock. */
const RECHECK_MS = 60_000;
const DEBOUNCE_MS = 200;

/**
 * Publishes this node's directory to every partner as a signed `registry.update`: whenever what partners would see
 * changes, a new version (one higher) goes into the outbox for each partner, and a partner that missed a version
 * (added later, or unreachable) gets the current one.
 */
@Injectable()
export class DirectoryPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DirectoryPublisher.name);
  private readonly failed = (err: unknown) => this.logger.warn(`publishing the directory failed: ${safeError(err)}`);
  private readonly periodic = new Periodic(() => this.publish(), this.failed);
  private debounce: NodeJS.Timeout | null = null;

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly directory: DirectoryRepository,
    private readonly publications: PartnerDirectoryRepository,
    private readonly messageLog: MessageLog,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly turns: JobTurnRepository,
  ) {}

  onApplicationBootstrap(): void {
    // At start in any case: this process's configuration (endpoint, keys, partners) may be new.
    this.periodic.start(RECHECK_MS, { atStart: true, turns: this.turns.turnsOf('directory-recheck') });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    await this.periodic.stop();
  }

  /** Publish soon: several changes in a row make one new version. */
  schedule(): void {
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.periodic.runOnce().catch(this.failed);
    }, DEBOUNCE_MS);
  }

  /** Compares what partners would see now with the last publication; sends the current version to partners behind. */
  private async publish(): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.directory.lock(tx);
      const now = this.clock.now();
      const organisations = await this.directory.organisations(tx);
      const roles = await this.directory.roles(tx);
      const assignments = await this.directory.currentAssignments(now, tx);
      const view = directoryView(organisations, roles, assignments, now, this.config.registry.unconfirmedAfterMs);
      const content = { endpoint: { amqp: this.config.registry.endpoint }, keys: publicJwks(this.config.privateJwks), ...view };
      const digest = createHash('sha256').update(JSON.stringify(content)).digest('base64url');
      let latest = await this.publications.latestPublication(tx);
      if (!latest || latest.digest !== digest) {
        const body: RegistryUpdateBody = { node: this.config.node, version: (latest?.version ?? 0) + 1, issuedAt: now.toISOString(), ...content };
        latest = { version: body.version, issuedAt: now, digest, body: body as unknown as Record<string, unknown> };
        await this.publications.publish(latest, tx);
        this.logger.log(`directory version ${body.version} published`);
      }
      const current = latest;
      const sent = await this.publications.versionsSent(tx);
      const behind = this.config.partners.map((p) => p.node).filter((p) => (sent.get(p) ?? 0) < current.version);
      await this.messageLog.enqueue(
        behind.map((partner) => this.message(partner, current.body as unknown as RegistryUpdateBody, now)),
        tx,
      );
    });
  }

  private message(partner: string, body: RegistryUpdateBody, now: Date): Envelope {
    return createEnvelope({
      id: randomUUID(),
      type: 'registry.update',
      from: this.config.node,
      to: partner,
      sender: registryAddress(this.config.node),
      recipient: registryAddress(partner),
      caseRef: registryCaseRef(this.config.node),
      createdAt: now.toISOString(),
      body,
    });
  }
}
