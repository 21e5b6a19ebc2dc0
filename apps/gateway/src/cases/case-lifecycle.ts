import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ArrivalConfirmedBody,
  ConsentWithdrawnBody,
  FollowupReportBody,
  HandoverAcceptedBody,
  HandoverRequestBody,
  ReturnScheduledBody,
  createEnvelope,
} from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { NODE_ACTOR } from '../audit/audit-entry.entity';
import { AuditLog } from '../audit/audit.service';
import { DeliveredEffect, InboundEffect } from '../reception/inbound-effects';
import { TimelineRepository } from '../message-log/timeline.repository';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { MessageLog } from '../message-log/message-log';
import { OutboundMessage } from '../message-log/outbound-message.entity';
import { OutboxRepository } from '../message-log/outbox.repository';
import { RegistryService } from '../registry/registry.service';
import { CaseErasure } from '../retention/case-erasure';
import { CaseDeadlines } from './case-deadlines';
import { CaseFile } from './case-file.entity';
import {
  CASE_MESSAGE_TYPES,
  CaseMessageType,
  ENDED_STATES,
  Side,
  isCaseMessage,
  isEscalationCopy,
  ourSide,
  partnerSide,
  purgedBy,
  transition,
  withdrawsEverything,
} from './case-states';
import { CaseRepository } from './case.repository';
import { kindsMetBy } from './expectation.entity';
import { ExpectationRepository } from './expectation.repository';

/** A case message as both directions share it: what it is, who sent it, when it was created. */
export interface CaseMessage {
  id: string;
  type: CaseMessageType;
  body: unknown;
  by: Side;
  createdAt: Date;
  inReplyTo: string | null;
}

/**
 * Moves cases on, identically on both nodes. A partner's message is applied when stored (CaseRules checked it before
 * it was receipted); this node's own message is applied when the partner's receipt says delivered. Each step sets,
 * meets or cancels the deadlines of profile section 9 (CaseDeadlines).
 */
@Injectable()
export class CaseLifecycle implements InboundEffect, DeliveredEffect {
  readonly types = CASE_MESSAGE_TYPES;
  private readonly logger = new Logger(CaseLifecycle.name);

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: RegistryService,
    private readonly cases: CaseRepository,
    private readonly expectations: ExpectationRepository,
    private readonly outbox: OutboxRepository,
    private readonly messageLog: MessageLog,
    private readonly audit: AuditLog,
    private readonly timeline: TimelineRepository,
    private readonly erasure: CaseErasure,
    private readonly deadlines: CaseDeadlines,
  ) {}

  /** A partner's case messages, stored a moment ago in `tx`. */
  async apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<void> {
    const requests = messages.filter((m) => m.type === 'handover.request' && !isEscalationCopy(m.type, m.inReplyTo));
    await this.open(requests, tx, now);
    await this.involveFallbacks(
      messages.filter((m) => isEscalationCopy(m.type, m.inReplyTo)),
      tx,
      now,
    );
    const others = messages.filter((m) => m.type !== 'handover.request');
    const cases = await this.cases.lockMany(
      others.map((m) => m.caseRef),
      tx,
    );
    for (const m of others) {
      const c = cases.get(m.caseRef);
      if (!c) continue; // checked before storing; gone only if a replica removed it meanwhile
      const partnerMessage = {
        id: m.id,
        type: m.type as CaseMessageType,
        body: m.envelope.body,
        by: partnerSide(c),
        createdAt: m.createdAt,
        inReplyTo: m.inReplyTo,
      };
      if (!transition(c.state, partnerMessage.type, partnerMessage.by, c.purpose, { body: partnerMessage.body }).ok) await this.applyOwnPending(c, tx, now); // the partner answered before our receipt came
      const problem = await this.step(c, partnerMessage, tx, now);
      if (problem) this.logger.warn(`${m.type} ${m.id} of case ${m.caseRef} not applied: ${problem}`);
      if (!problem && m.type === 'consent.withdrawn') await this.confirmPurge(c, m, tx, now);
    }
  }

  /** This node's messages that the partner confirmed as delivered (unless applied already). */
  async delivered(ids: string[], tx: EntityManager, now: Date): Promise<void> {
    const delivered = (await this.outbox.findByIds(ids, tx)).filter((m) => isCaseMessage(m.type) && !m.appliedAt);
    await this.outbox.markApplied(
      delivered.map((m) => m.id),
      now,
      tx,
    );
    const cases = await this.cases.lockMany(
      delivered.map((m) => m.caseRef),
      tx,
    );
    // A delivered request starts the wait for acceptance; its case needs no other change.
    const requests = delivered.filter((m) => m.type === 'handover.request' && !isEscalationCopy(m.type, m.inReplyTo));
    await this.expectations.add(
      requests.flatMap((m) => (cases.has(m.caseRef) ? [this.deadlines.expectation(cases.get(m.caseRef)!, 'acceptance', m.id, m.createdAt, now)] : [])),
      tx,
    );
    for (const m of delivered.filter((d) => d.type !== 'handover.request')) {
      const c = cases.get(m.caseRef);
      if (!c) continue;
      const problem = await this.step(c, this.own(c, m), tx, now);
      if (problem) this.logger.warn(`own ${m.type} ${m.id} of case ${m.caseRef} delivered but not applied: ${problem}`);
    }
  }

  /** Applies this node's messages of the case that are still waiting for their receipt, in order. */
  private async applyOwnPending(c: CaseFile, tx: EntityManager, now: Date): Promise<void> {
    for (const m of await this.outbox.unapplied(c.caseRef, tx)) {
      if ((await this.step(c, this.own(c, m), tx, now)) === null) await this.outbox.markApplied([m.id], now, tx);
    }
  }

  private own(c: CaseFile, m: OutboundMessage): CaseMessage {
    return { id: m.id, type: m.type as CaseMessageType, body: m.envelope.body, by: ourSide(c), createdAt: m.createdAt, inReplyTo: m.inReplyTo };
  }

  /** Partners referred cases to this node: each opens a case here, which now owes an answer by the deadline. */
  private async open(requests: InboundMessage[], tx: EntityManager, now: Date): Promise<void> {
    const cases = requests.map((m) => {
      const body = m.envelope.body as HandoverRequestBody;
      return Object.assign(new CaseFile(), {
        id: m.id,
        caseRef: m.caseRef,
        direction: 'incoming',
        partner: m.fromNode,
        sender: m.sender,
        recipient: m.recipient,
        purpose: body.purpose,
        createdAt: now,
        ourRole: this.registry.responsibleRole(m.recipient, now),
        partnerRole: m.sender,
        participants: [],
        state: 'referred',
        stateChangedAt: now,
        closedAt: null,
        purgedAt: null,
        consent: { ...body.consent },
      });
    });
    await this.cases.addIncoming(cases, tx);
    await this.expectations.add(
      cases.map((c, i) => this.deadlines.expectation(c, 'acceptance', requests[i].id, requests[i].createdAt, now)),
      tx,
    );
  }

  /**
   * A copy of a request that waited too long for acceptance is addressed to the fallback the partner found in our
   * directory: the role it now waits with takes part in the case, so its holders can open and answer it.
   */
  private async involveFallbacks(copies: InboundMessage[], tx: EntityManager, now: Date): Promise<void> {
    const cases = await this.cases.lockMany(
      copies.map((m) => m.caseRef),
      tx,
    );
    for (const m of copies) {
      const c = cases.get(m.caseRef);
      const role = m.routedTo ?? m.recipient;
      if (!c || c.ourRole === role || c.participants.includes(role)) continue;
      c.participants = [...c.participants, role];
      await this.cases.save(c, tx);
      await this.timeline.record(
        [{ caseRef: c.caseRef, messageId: null, at: now, kind: 'participant-added', detail: { role, reason: 'escalation-copy', copy: m.id } }],
        tx,
      );
    }
  }

  /** Applies one message to its (locked) case: its state, its parties, its deadlines. Returns why not, if it does not fit. */
  private async step(c: CaseFile, m: CaseMessage, tx: EntityManager, now: Date): Promise<string | null> {
    const t = transition(c.state, m.type, m.by, c.purpose, { body: m.body });
    if (!t.ok) return t.reason;
    if (t.state !== c.state) Object.assign(c, { state: t.state, stateChangedAt: now });
    if (ENDED_STATES.includes(c.state) && !c.closedAt) c.closedAt = now;
    // Met when the answer was made, the same instant on both nodes however long it took to arrive.
    const met = kindsMetBy(m.type);
    if (met.length) await this.expectations.meet(c.caseRef, met, m.id, m.createdAt, tx);
    switch (m.type) {
      case 'handover.accepted': {
        const role = (m.body as HandoverAcceptedBody).role;
        if (m.by === partnerSide(c)) c.partnerRole = role;
        else if (role !== c.ourRole) {
          // The role the case was addressed to stays in it: its next holder sees what a fallback accepted for it.
          c.participants = [...new Set([...c.participants, c.ourRole])].filter((r) => r !== role);
          c.ourRole = role;
        }
        if (c.purpose !== 'return') await this.deadlines.expect(c, 'followup', m.id, m.createdAt, tx, now);
        break;
      }
      case 'handover.declined':
        await this.expectations.cancel(c.caseRef, 'all', now, tx);
        break;
      case 'return.scheduled':
        await this.expectations.cancel(c.caseRef, ['arrival'], now, tx);
        await this.deadlines.expect(c, 'arrival', m.id, this.deadlines.receivingMidnight(c, (m.body as ReturnScheduledBody).date), tx, now);
        break;
      case 'arrival.confirmed':
        await this.deadlines.expect(c, 'followup', m.id, new Date((m.body as ArrivalConfirmedBody).arrivedAt), tx, now);
        break;
      case 'followup.report': {
        const body = m.body as FollowupReportBody;
        const next = body.nextReportDue ? this.deadlines.receivingMidnight(c, body.nextReportDue) : null;
        await this.deadlines.expect(c, 'followup', m.id, m.createdAt, tx, now, next);
        break;
      }
      case 'consent.withdrawn':
        await this.withdrawConsent(c, m.body as ConsentWithdrawnBody, tx, now);
        break;
      case 'case.closed':
        await this.expectations.cancel(c.caseRef, 'all', now, tx);
        break;
      default:
        break;
    }
    await this.cases.save(c, tx);
    return null;
  }

  /**
   * Consent withdrawn (GDPR Art. 7(3) and 17): what was shared under the withdrawn scope is erased on this node,
   * leaving tombstones (ids, types, dates, digests) as evidence. Withdrawing `share-sealed` alone deletes the sealed
   * personal details and the case goes on, coded only; withdrawing `share-coded` withdraws everything: the case ends
   * (withdrawn) and its coded data goes as well — message bodies, signed bytes, deadlines — while the consent record
   * keeps when it was given and withdrawn.
   */
  private async withdrawConsent(c: CaseFile, body: ConsentWithdrawnBody, tx: EntityManager, now: Date): Promise<void> {
    const purged = purgedBy(body.scope);
    if (c.consent)
      c.consent = { ...c.consent, scope: c.consent.scope.filter((s) => !purged.includes(s as never)), withdrawnAt: body.withdrawnAt, withdrawnScope: purged };
    await this.messageLog.purgeSealed({ caseRef: c.caseRef }, now, tx);
    if (withdrawsEverything(body.scope)) {
      await this.expectations.cancel(c.caseRef, 'all', now, tx);
      await this.erasure.eraseCase(c.caseRef, now, tx);
    }
    await this.audit.record([{ actor: NODE_ACTOR, action: 'sealed.purged', caseRef: c.caseRef, detail: { reason: 'consent-withdrawn', scope: purged } }], tx);
  }

  /** The receiving side answers a withdrawal of consent with purge.confirmed once its sealed data is gone. */
  private async confirmPurge(c: CaseFile, withdrawal: InboundMessage, tx: EntityManager, now: Date): Promise<void> {
    const envelope = createEnvelope({
      id: randomUUID(),
      type: 'purge.confirmed',
      from: this.config.node,
      to: c.partner,
      sender: c.ourRole,
      recipient: withdrawal.sender,
      caseRef: c.caseRef,
      inReplyTo: withdrawal.id,
      createdAt: now.toISOString(),
      body: { purgedAt: now.toISOString(), scope: purgedBy((withdrawal.envelope.body as ConsentWithdrawnBody).scope) },
    });
    await this.messageLog.enqueue([envelope], tx);
  }
}
