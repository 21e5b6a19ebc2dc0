import { Injectable } from '@nestjs/common';
import { PartnerLinks } from '../amqp/partner-links';
import { InboxRepository } from '../message-log/inbox.repository';
import { OutboxRepository } from '../message-log/outbox.repository';
import { PartnerDirectoryRepository } from '../registry/partner-directory.repository';
import { RegistryService } from '../registry/registry.service';
import { PartnerList } from './dto/partner.dto';

/** How each configured partner stands: its link, its receipts, what waits for it, the directory held of it. */
@Injectable()
export class PartnersService {
  constructor(
    private readonly registry: RegistryService,
    private readonly links: PartnerLinks,
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly directories: PartnerDirectoryRepository,
  ) {}

  async list(): Promise<PartnerList> {
    const [waiting, receipts, versions] = await Promise.all([this.outbox.waitingByPartner(), this.inbox.lastReceiptByPartner(), this.directories.versions()]);
    const statuses = this.links.statuses();
    return {
      items: this.registry
        .partnerNodes()
        .sort()
        .map((node) => {
          const link = statuses.get(node) ?? { state: 'idle' as const, since: null, reason: null };
          const held = versions.find((v) => v.node === node);
          return {
            node,
            link: { state: link.state, since: link.since?.toISOString() ?? null, reason: link.reason },
            lastReceiptAt: receipts.get(node)?.toISOString() ?? null,
            waiting: waiting.get(node) ?? 0,
            directory: held ? { version: held.version, issuedAt: held.issuedAt.toISOString(), receivedAt: held.receivedAt.toISOString() } : null,
          };
        }),
    };
  }
}
