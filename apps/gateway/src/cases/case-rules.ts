import { Injectable } from '@nestjs/common';
import { ConsentWithdrawnBody, Envelope, HandoverRequestBody } from '@trm/wire';
import { InboxRepository } from '../message-log/inbox.repository';
import { OutboxRepository } from '../message-log/outbox.repository';
import { InboundCheck } from '../reception/inbound-checks';
import { CaseFile } from './case-file.entity';
import { CaseMessageType, CaseState, consentProblem, isCaseMessage, isEscalationCopy, ourSide, partnerSide, transition } from './case-states';
import { CaseRepository } from './case.repository';

/**
 * Whether a message fits its case, identically on both nodes: a partner's message is checked against the case before
 * it is receipted (one that does not fit is rejected, `invalid-body`, so it changes nothing on either side).
 */
@Injectable()
export class CaseRules implements InboundCheck {
  constructor(
    private readonly cases: CaseRepository,
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
  ) {}

  /**
   * Rule 8 for case messages: the message must fit its case as this node knows it — earlier messages of the batch
   * included, and this node's own messages the partner may already have seen although their receipt is not in yet
   * (the partner's answer can overtake the receipt of what it answers).
   */
  async refusals(envelopes: Envelope[]): Promise<Map<string, string>> {
    const refused = new Map<string, string>();
    const relevant = envelopes.filter((e) => isCaseMessage(e.type));
    const known = await this.cases.findByRefs([...new Set(relevant.map((e) => e.caseRef))]);
    const states = new Map<string, CaseState | null>();
    /** Withdrawals a purge.confirmed earlier in this batch answers: a second one is a repeat. */
    const confirmedInBatch = new Set<string>();
    for (const e of relevant) {
      const c = known.get(e.caseRef) ?? null;
      if (c && c.partner !== e.from) {
        refused.set(e.id, `case ${e.caseRef} is not a case with node ${e.from}`);
        continue;
      }
      if (c && e.sealed != null && !c.consent?.scope.includes('share-sealed')) {
        refused.set(e.id, `case ${e.caseRef} has no consent to share personal details${c.consent?.withdrawnAt ? ' (withdrawn)' : ''}: no sealed part`);
        continue;
      }
      const type = e.type as CaseMessageType;
      const state = states.has(e.caseRef) ? states.get(e.caseRef)! : (c?.state ?? null);
      const fits = (from: CaseState | null) =>
        transition(from, type, c ? partnerSide(c) : 'referring', c?.purpose ?? (e.body as HandoverRequestBody).purpose, {
          copy: isEscalationCopy(type, e.inReplyTo),
          body: e.body,
        });
      let t = fits(state);
      if (!t.ok && c) {
        const alt = fits(await this.withOwnPending(c, state));
        if (alt.ok) t = alt;
      }
      const problem = !t.ok
        ? t.reason
        : c
          ? consentProblem(type, e.body, c.consent, type === 'purge.confirmed' ? await this.withdrawalAnswered(c, e.inReplyTo, confirmedInBatch) : null)
          : null;
      if (problem || !t.ok) refused.set(e.id, `${e.type} for case ${e.caseRef}: ${problem}`);
      else {
        states.set(e.caseRef, t.state);
        if (type === 'purge.confirmed' && e.inReplyTo) confirmedInBatch.add(e.inReplyTo);
      }
    }
    return refused;
  }

  /** The scope of this node's withdrawal `id` in case `c`, and whether the partner confirmed its purge already; null when `id` is none. */
  private async withdrawalAnswered(
    c: CaseFile,
    id: string | null | undefined,
    confirmedInBatch: Set<string>,
  ): Promise<{ scope: string[]; confirmed: boolean } | null> {
    const withdrawal = id ? await this.outbox.findById(id) : null;
    if (!withdrawal || withdrawal.caseRef !== c.caseRef || withdrawal.type !== 'consent.withdrawn') return null;
    return {
      scope: (withdrawal.envelope.body as ConsentWithdrawnBody).scope,
      confirmed: confirmedInBatch.has(withdrawal.id) || (await this.inbox.answered(c.caseRef, 'purge.confirmed', withdrawal.id)),
    };
  }

  /** The state `state` of case `c` leads to once this node's messages still waiting for their receipt apply. */
  async withOwnPending(c: CaseFile, state: CaseState | null): Promise<CaseState | null> {
    let projected = state;
    for (const m of await this.outbox.unapplied(c.caseRef)) {
      const t = transition(projected, m.type as CaseMessageType, ourSide(c), c.purpose, { body: m.envelope.body });
      if (t.ok) projected = t.state;
    }
    return projected;
  }
}
