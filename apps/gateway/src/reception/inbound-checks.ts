import { Injectable } from '@nestjs/common';
import { Envelope } from '@trm/wire';

/**
 * A check of rule 8 that needs the node's state, such as whether a message fits its case. Gets the batch's messages
 * of every type, in order, and names the ones it refuses with a reason.
 */
export interface InboundCheck {
  refusals(envelopes: Envelope[]): Promise<Map<string, string>>;
}

@Injectable()
export class InboundChecks {
  private readonly checks: InboundCheck[] = [];

  register(check: InboundCheck): void {
    this.checks.push(check);
  }

  async refusals(envelopes: Envelope[]): Promise<Map<string, string>> {
    const refused = new Map<string, string>();
    for (const check of this.checks) {
      for (const [id, reason] of await check.refusals(envelopes.filter((e) => !refused.has(e.id)))) refused.set(id, reason);
    }
    return refused;
  }
}
