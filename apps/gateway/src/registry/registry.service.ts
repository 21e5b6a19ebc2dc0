import { Inject, Injectable } from '@nestjs/common';
import { ResolvedKey, importKey, nodeOf } from '@trm/wire';
import { NODE_CONFIG, NodeConfig, PartnerConfig } from '../config/node-config';
import { publishedAddresses } from './directory';

/**
 * Who this node is and whom it knows: its own published addresses and its partners with their keys. Partner keys
 * come only from trust anchor files here; `registry.update` replication builds on this.
 */
@Injectable()
export class RegistryService {
  private readonly addresses: Set<string>;
  private readonly partners: Map<string, PartnerConfig>;
  private readonly partnerKeys = new Map<string, ResolvedKey>();

  constructor(@Inject(NODE_CONFIG) private readonly config: NodeConfig) {
    this.addresses = publishedAddresses(config.directory);
    this.partners = new Map(config.partners.map((p) => [p.node, p]));
    for (const partner of config.partners) {
      for (const jwk of partner.trustAnchor.keys) this.partnerKeys.set(jwk.kid, { jwk, key: importKey(jwk) });
    }
  }

  get node(): string {
    return this.config.node;
  }

  /** Rule 9: an address this node publishes (a vacant role still counts). */
  publishes(address: string): boolean {
    return this.addresses.has(address);
  }

  partner(node: string): PartnerConfig | undefined {
    return this.partners.get(node);
  }

  partnerNodes(): string[] {
    return [...this.partners.keys()];
  }

  /** A partner's public key by kid; validity at a given time is checked by the caller (rule 2). */
  partnerKey(kid: string): ResolvedKey | undefined {
    return this.partnerKeys.get(kid);
  }

  /** Why a message cannot be addressed to `recipient`, or null when it can. */
  recipientProblem(recipient: string): string | null {
    const node = nodeOf(recipient);
    if (!node) return 'must be an address <node>/<organisation>/<role>';
    if (node === this.config.node) return 'is an address of this node; handovers go to partner nodes';
    if (!this.partners.has(node)) return `names node ${node}, which is not a configured partner`;
    return null;
  }
}
