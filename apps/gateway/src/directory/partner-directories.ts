import { Injectable, Logger } from '@nestjs/common';
import { RegistryUpdateBody } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { InboundEffect } from '../reception/inbound-effects';
import { TimelineRepository } from '../message-log/timeline.repository';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { PartnerDirectoryRepository } from '../registry/partner-directory.repository';
import { RegistryService } from '../registry/registry.service';

/**
 * Applies a partner's `registry.update`: only a newer version replaces what we have, and with it come the keys it
 * lists (a key rotation). The update passed the receiving rules already, so it is signed with a key of that partner
 * that we knew and that was valid. Anything else leaves the partner's directory as it was.
 */
@Injectable()
export class PartnerDirectories implements InboundEffect {
  readonly types = ['registry.update'] as const;
  private readonly logger = new Logger(PartnerDirectories.name);

  constructor(
    private readonly directories: PartnerDirectoryRepository,
    private readonly timeline: TimelineRepository,
    private readonly registry: RegistryService,
  ) {}

  async apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<void> {
    const updates = messages.map((m) => ({ message: m, body: m.envelope.body as RegistryUpdateBody })).sort((a, b) => a.body.version - b.body.version);
    for (const { message, body } of updates) {
      const current = await this.directories.lockedVersion(body.node, tx);
      const base = { caseRef: message.caseRef, messageId: message.id, at: now };
      if (current !== null && body.version <= current) {
        this.logger.warn(`registry update ${body.version} from ${body.node} ignored: version ${current} is already applied`);
        await this.timeline.record([{ ...base, kind: 'registry-refused', detail: { version: body.version, current } }], tx);
        continue;
      }
      await this.directories.store(body, message.id, now, tx);
      await this.timeline.record([{ ...base, kind: 'registry-applied', detail: { version: body.version, previous: current } }], tx);
      this.logger.log(`directory of ${body.node} is now version ${body.version}`);
    }
  }

  async committed(): Promise<void> {
    await this.registry.refresh();
  }
}
