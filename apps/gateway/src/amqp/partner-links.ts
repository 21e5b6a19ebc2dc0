import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { RegistryService } from '../registry/registry.service';
import { Outgoing } from './delivery';
import { LinkStatus, PartnerLink, PublishOutcome } from './partner-link';

/** The node's links to every configured partner; each reply and each outbox message goes out through one of them. */
@Injectable()
export class PartnerLinks implements OnApplicationShutdown {
  private readonly links = new Map<string, PartnerLink>();
  private readonly reachable: Array<(partner: string) => void> = [];

  constructor(registry: RegistryService) {
    for (const node of registry.partnerNodes()) {
      const onReachable = () => this.reachable.forEach((listener) => listener(node));
      const { endpoints, tls } = registry.partner(node)!;
      this.links.set(node, new PartnerLink(node, endpoints, registry.node, { onReachable, tls }));
    }
  }

  /** `listener` learns of each partner whose broker is reachable again after an outage. */
  onReachable(listener: (partner: string) => void): void {
    this.reachable.push(listener);
  }

  /** The state of the link to each partner, by node. */
  statuses(): Map<string, LinkStatus> {
    return new Map([...this.links].map(([node, link]) => [node, link.linkStatus()]));
  }

  publish(partner: string, messages: Outgoing[]): Promise<PublishOutcome[]> {
    const link = this.links.get(partner);
    if (!link) {
      return Promise.resolve(messages.map((m) => ({ id: m.envelope.id, confirmed: false, error: `no link to ${partner}` })));
    }
    return link.publish(messages);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.close()));
  }
}
