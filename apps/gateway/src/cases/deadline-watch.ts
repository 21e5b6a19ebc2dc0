import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createEnvelope } from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { Periodic } from '../clock/periodic';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { JobTurnRepository } from '../database/job-turn.repository';
import { MessageLog } from '../message-log/message-log';
import { NoticeEvent } from '../notifications/notice-event';
import { Notices } from '../notifications/notices';
import { OutboxRepository } from '../message-log/outbox.repository';
import { safeError } from '../logging/safe-error';
import { RegistryService } from '../registry/registry.service';
import { NodeEvents } from '../telemetry/node-events';
import { withTrace } from '../telemetry/trace-context';
import { CaseFile } from './case-file.entity';
import { CaseRepository } from './case.repository';
import { Escalation, Expectation } from './expectation.entity';
import { ExpectationRepository } from './expectation.repository';

/**
 * Looks for deadlines that passed and escalates each exactly once, alerting this node's coordinator: at the deadline
 * when this node owes the answer, at the deadline plus `followupSenderGrace` when it waits for a follow-up, at the
 * deadline for anything else it waits for (`next_escalation_at`, set with the deadline). An acceptance this node waits
 * for also sends the handover again to the recipient role's fallback. The partner's node does the same for its own
 * side (README, "Cases, deadlines and escalation"). A deadline this node owes is not escalated while an answer it made
 * in time is still on its way: it is looked at again at each check until the answer is delivered (met in time) or
 * rejected or undeliverable (escalated then). Deadlines are rows, not timers: a restart loses none, and the row lock
 * keeps a second replica from escalating the same one; the check itself runs once per interval across replicas.
 */
@Injectable()
export class DeadlineWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineWatch.name);
  private readonly periodic = new Periodic(
    () => this.escalateDue(),
    (err) => this.logger.error(`deadline check failed: ${safeError(err)}`),
  );

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly expectations: ExpectationRepository,
    private readonly cases: CaseRepository,
    private readonly outbox: OutboxRepository,
    private readonly registry: RegistryService,
    private readonly messageLog: MessageLog,
    private readonly notices: Notices,
    private readonly clock: Clock,
    private readonly events: NodeEvents,
    private readonly turns: JobTurnRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.deadlines.checkIntervalMs, { turns: this.turns.turnsOf('deadline-check') });
  }

  onApplicationShutdown(): Promise<void> {
    return this.periodic.stop();
  }

  /** Escalates everything due now; returns how many deadlines it escalated. */
  runOnce(): Promise<number> {
    return this.periodic.runOnce();
  }

  private async escalateDue(): Promise<number> {
    // One instant for the whole run: a deadline postponed to just after it is not taken again before the next check.
    const now = this.clock.now();
    await this.remindNear(now);
    let total = 0;
    for (;;) {
      const batch = await this.expectations.withDue(now, 100, (due, tx) => this.escalate(due, now, tx));
      total += batch?.escalated.length ?? 0;
      this.events.report(...(batch?.escalated ?? []).map((x) => ({ kind: 'deadline-escalated' as const, deadline: x.kind, owedBy: x.owedBy })));
      if (!batch || batch.taken < 100) break;
    }
    return total;
  }

  /** Tells the roles that owe deadlines soon due (notifications.deadlineWarning), each deadline once. */
  private async remindNear(now: Date): Promise<void> {
    const warning = this.config.notifications.deadlineWarningMs;
    if (!warning || !this.notices.active) return;
    for (;;) {
      const taken = await this.expectations.withNear(now, warning, 100, async (near, tx) => {
        const cases = await this.cases.findByRefs(
          near.map((x) => x.caseRef),
          tx,
        );
        await this.notices.record(
          near.flatMap((x) => {
            const c = cases.get(x.caseRef);
            return c ? [this.deadlineEvent('deadline.near', `deadline.near:${x.id}`, x, c, [{ role: c.ourRole, reason: 'owes' }], now)] : [];
          }),
          tx,
        );
        await this.expectations.markReminded(
          near.map((x) => x.id),
          now,
          tx,
        );
        return near.length;
      });
      if (!taken || taken < 100) return;
    }
  }

  private deadlineEvent(type: NoticeEvent['type'], key: string, x: Expectation, c: CaseFile, roles: NoticeEvent['for'], now: Date): NoticeEvent {
    return {
      type,
      key,
      at: now,
      caseRef: x.caseRef,
      messageId: null,
      messageType: null,
      partner: c.partner,
      deadline: { kind: x.kind, dueAt: x.dueAt, owedBy: x.owedBy },
      transfer: null,
      for: roles,
    };
  }

  private async escalate(due: Expectation[], now: Date, tx: EntityManager): Promise<{ taken: number; escalated: Expectation[] }> {
    const answered = await this.expectations.answerOnItsWay(
      due.filter((x) => x.owedBy === 'us').map((x) => x.id),
      tx,
    );
    await this.expectations.postpone([...answered], new Date(now.getTime() + 1), tx);
    const missed = due.filter((x) => !answered.has(x.id));
    const coordinator = this.registry.responsibleRole(this.config.directory.coordinator, now);
    const cases = await this.cases.findByRefs(
      missed.map((x) => x.caseRef),
      tx,
    );
    const events: NoticeEvent[] = [];
    for (const x of missed) {
      const step = x.escalationStep + 1;
      if (x.kind === 'acceptance' && x.owedBy === 'partner') await this.copyToFallback(x, step, now, tx);
      await this.record(x, step, 'alert', coordinator, null, now, tx);
      this.logger.warn(`${x.kind} for case ${x.caseRef} is overdue (owed by ${x.owedBy === 'us' ? 'this node' : 'the partner'}): ${coordinator} alerted`);
      const c = cases.get(x.caseRef);
      // The coordinator hears of it; when this node owes it, so does the role that does.
      const roles: NoticeEvent['for'] = [
        { role: coordinator, reason: 'coordinator' },
        ...(c && x.owedBy === 'us' ? [{ role: c.ourRole, reason: 'owes' as const }] : []),
      ];
      if (c) events.push(this.deadlineEvent('deadline.missed', `deadline.missed:${x.id}:${step}`, x, c, roles, now));
    }
    await this.notices.record(events, tx);
    await this.expectations.markMissed(
      missed.map((x) => x.id),
      tx,
    );
    return { taken: due.length, escalated: missed };
  }

  /** The handover.request again, to the fallback the partner published for the role that did not answer. */
  private async copyToFallback(x: Expectation, step: number, now: Date, tx: EntityManager): Promise<void> {
    const c = await this.cases.findByRef(x.caseRef, tx);
    const original = c ? (await this.outbox.findByIds([c.id], tx))[0] : undefined;
    if (!c || !original) return;
    const directory = this.registry.partnerDirectory(c.partner);
    const role = directory?.organisations.flatMap((o) => o.roles).find((r) => r.address === c.partnerRole);
    if (!role?.fallback) {
      this.logger.warn(`acceptance of case ${x.caseRef} overdue; ${c.partnerRole} has no fallback in ${c.partner}'s directory`);
      return;
    }
    const envelope = createEnvelope({
      ...original.envelope,
      id: randomUUID(),
      recipient: role.fallback,
      inReplyTo: original.id,
      createdAt: now.toISOString(),
    });
    // The copy goes on in the trace of the handover it repeats.
    await (original.traceContext ? withTrace(original.traceContext, () => this.messageLog.enqueue([envelope], tx)) : this.messageLog.enqueue([envelope], tx));
    await this.record(x, step, 'copy-to-fallback', role.fallback, envelope.id, now, tx);
  }

  private async record(
    x: Expectation,
    step: number,
    action: Escalation['action'],
    target: string,
    messageId: string | null,
    now: Date,
    tx: EntityManager,
  ): Promise<void> {
    await this.expectations.escalate(
      Object.assign(new Escalation(), { id: randomUUID(), expectationId: x.id, caseRef: x.caseRef, step, at: now, action, target, messageId }),
      tx,
    );
  }
}
