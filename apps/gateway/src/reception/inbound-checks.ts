import { Inject, Injectable } from '@nestjs/common';
import { Envelope } from '@trm/wire';

/**
 * A check of rule 8 that needs the node's state, such as whether a message fits its case. Gets the batch's messages
 * of every type, in order, and names the ones it refuses with a reason.
 */
export interface InboundCheck {
  refusals(envelopes: Envelope[]): Promise<Map<string, string>>;
}

/** The checks of rule 8 that need the node's state, in the order they run (the gateway module names them). */
export const INBOUND_CHECKS = Symbol('inbound checks');

@Injectable()
export class InboundChecks {
  constructor(@Inject(INBOUND_CHECKS) private readonly checks: InboundCheck[]) {}

  async refusals(envelopes: Envelope[]): Promise<Map<string, string>> {
    const refused = new Map<string, string>();
    for (const check of this.checks) {
      for (const [id, reason] of await check.refusals(envelopes.filter((e) => !refused.has(e.id)))) refused.set(id, reason);
    }
    return refused;
  }
}
