import { Injectable } from '@nestjs/common';
import { actsAs, worksOn } from '../auth/scope';
import { Clock } from '../clock/clock';
import { Principal } from '../http/principal';
import { RegistryService } from '../registry/registry.service';
import { CaseFile } from './case-file.entity';
import { CaseRules } from './case-rules';
import { CaseState, ENDED_STATES, consentProblem, ourSide, transition } from './case-states';
import { SENDABLE_TYPES, SendableType } from './dto/case-message.dto';

/** What a caller may do on a case: send one of these messages, tell another role about it, open its sealed details. */
export const CASE_ACTIONS = [...SENDABLE_TYPES, 'addParticipant', 'openSealed'] as const;
export type CaseAction = SendableType | 'addParticipant' | 'openSealed';

/** What the case holds that some actions need: a question of the partner to answer, sealed details to open. */
export interface CaseHoldings {
  infoRequestReceived: boolean;
  sealed: boolean;
}

/**
 * The actions the API would take from a caller on a case now, by the rules it enforces them with: who may work on the
 * case and send as which role (auth/scope.ts), which message fits the case as it will be once this node's messages on
 * their way are delivered (case-states.ts `transition`, `consentProblem`).
 */
@Injectable()
export class CaseActions {
  constructor(
    private readonly registry: RegistryService,
    private readonly rules: CaseRules,
    private readonly clock: Clock,
  ) {}

  async of(c: CaseFile, caller: Principal, holdings: CaseHoldings): Promise<CaseAction[]> {
    if (!worksOn(caller, [c.ourRole, ...c.participants])) return [];
    const actions: CaseAction[] = [];
    if (actsAs(caller, this.actingRole(c, caller, this.clock.now()))) {
      const state = (await this.rules.withOwnPending(c, c.state)) as CaseState;
      for (const type of SENDABLE_TYPES) {
        // A withdrawal of everything: it fits while anything is left to withdraw (consentProblem).
        const body = type === 'consent.withdrawn' ? { scope: ['share-coded'] } : undefined;
        const fits = transition(state, type, ourSide(c), c.purpose, { body });
        if (!fits.ok || (type === 'consent.withdrawn' && consentProblem(type, body, c.consent))) continue;
        // An answer names the question it answers: without one received, there is nothing to answer.
        if (type === 'info.response' && !holdings.infoRequestReceived) continue;
        actions.push(type);
      }
    }
    // Another role of this node may be told about a case until it has ended (CaseMessagesService.addParticipant).
    if (!ENDED_STATES.includes(c.state)) actions.push('addParticipant');
    if (holdings.sealed) actions.push('openSealed');
    return actions;
  }

  /**
   * Who the caller sends as when they do not say: the case's own role, else the first role of the case they hold,
   * else the role they hold that the case's work waits with (the fallback of a vacant role, say) — so the partner
   * sees which role acted.
   */
  actingRole(c: CaseFile, caller: Principal, now: Date): string {
    const roles = [c.ourRole, ...c.participants];
    return roles.find((r) => actsAs(caller, r)) ?? roles.map((r) => this.registry.route(r, now)).find((r) => actsAs(caller, r)) ?? c.ourRole;
  }
}
