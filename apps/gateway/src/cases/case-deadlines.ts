import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { localMidnight } from '../clock/local-day';
import { Agreement, DEFAULT_AGREEMENT, NODE_CONFIG, NodeConfig } from '../config/node-config';
import { RegistryService } from '../registry/registry.service';
import { CaseFile } from './case-file.entity';
import { ourSide } from './case-states';
import { Expectation, ExpectationKind } from './expectation.entity';
import { ExpectationRepository } from './expectation.repository';

/** The deadlines of profile section 9 a case's steps set: when each is due, who owes it, when it escalates. */
@Injectable()
export class CaseDeadlines {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: RegistryService,
    private readonly expectations: ExpectationRepository,
  ) {}

  /**
   * Sets a deadline of section 9 (overridable per partner agreement): acceptance 48 h after the request, arrival
   * two days after the return date begins, a follow-up every 90 days. The side that owes it hears at once when it is
   * missed; the side waiting for a follow-up hears later (README, "Cases, deadlines and escalation").
   */
  async expect(c: CaseFile, kind: ExpectationKind, cause: string, from: Date, tx: EntityManager, now: Date, dueAt: Date | null = null): Promise<void> {
    await this.expectations.add([this.expectation(c, kind, cause, from, now, dueAt)], tx);
  }

  expectation(c: CaseFile, kind: ExpectationKind, cause: string, from: Date, now: Date, dueAt: Date | null = null): Expectation {
    const agreement = this.agreement(c.partner);
    const owedBy = ourSide(c) === 'receiving' ? 'us' : 'partner';
    const due =
      dueAt ??
      new Date(from.getTime() + (kind === 'acceptance' ? agreement.acceptanceMs : kind === 'arrival' ? agreement.arrivalGraceMs : agreement.followupEveryMs));
    const escalateAt = kind === 'followup' && owedBy === 'partner' ? new Date(due.getTime() + agreement.followupSenderGraceMs) : due;
    return Object.assign(new Expectation(), {
      id: randomUUID(),
      caseRef: c.caseRef,
      kind,
      owedBy,
      dueAt: due,
      status: 'open',
      createdAt: now,
      cause,
      settledAt: null,
      settledBy: null,
      escalationStep: 0,
      nextEscalationAt: escalateAt,
      remindedAt: null,
    });
  }

  /** 00:00 of `date` in the receiving node's time zone (this node's, or the partner's as configured here). */
  receivingMidnight(c: CaseFile, date: string): Date {
    return localMidnight(date, ourSide(c) === 'receiving' ? this.config.timeZone : (this.registry.partner(c.partner)?.timeZone ?? 'UTC'));
  }

  agreement(partner: string): Agreement {
    return this.registry.partner(partner)?.agreement ?? DEFAULT_AGREEMENT;
  }
}
