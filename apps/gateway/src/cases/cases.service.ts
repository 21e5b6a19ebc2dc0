import { ConflictException, ForbiddenException, GoneException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Envelope, HandoverAcceptedBody, SealedPersonalData, checkContent, createEnvelope, nodeOf } from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { TimelineEntry, Timelines } from '../message-log/timelines';
import { AuditLog } from '../audit/audit.service';
import { EnvelopeService } from '../message-log/envelope.service';
import { Principal } from '../http/principal';
import { actsAs, listScope, requireAccess, worksOn } from '../auth/scope';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { KeysetPage } from '../database/keyset';
import { Transactions } from '../database/transactions';
import { InboxRepository } from '../message-log/inbox.repository';
import { MessageLog } from '../message-log/message-log';
import { OutboxRepository } from '../message-log/outbox.repository';
import { Page, TIME_AND_ID, pageOf } from '../http/paging';
import { invalidRequest } from '../http/problems';
import { RegistryService } from '../registry/registry.service';
import { CaseFile } from './case-file.entity';
import { CaseRules } from './case-rules';
import { CaseMessageType, CaseState, consentProblem, ourSide, questionAnswered, transition } from './case-states';
import { CaseRepository } from './case.repository';
import { SendCaseMessageDto } from './dto/case-message.dto';
import { AlertItem, CaseSummary, OverdueItem } from './dto/case-pages.dto';
import { ExpectationRepository } from './expectation.repository';
import { TimelineRepository } from '../message-log/timeline.repository';
import { UnansweredRepository } from './unanswered.repository';

export interface CaseView extends CaseSummary {
  /** Every message both ways with its receipt, each deadline set, met or missed, each escalation — in order. */
  timeline: TimelineEntry[];
}

export interface SealedItem {
  message: string;
  type: string;
  direction: 'in' | 'out';
  data: SealedPersonalData;
}

/** Sending case messages through the API, and reading a case, what is overdue and whom it alerted. */
@Injectable()
export class CasesService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: RegistryService,
    private readonly cases: CaseRepository,
    private readonly expectations: ExpectationRepository,
    private readonly rules: CaseRules,
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly timeline: TimelineRepository,
    private readonly timelines: Timelines,
    private readonly transactions: Transactions,
    private readonly messageLog: MessageLog,
    private readonly clock: Clock,
    private readonly envelopes: EnvelopeService,
    private readonly audit: AuditLog,
    private readonly unanswered: UnansweredRepository,
  ) {}

  /**
   * Checks a message against the case as it will be once this node's messages still on their way are delivered,
   * validates it like a partner would, and puts it in the outbox. The case moves on when the partner receipts it.
   * Messages of one case are checked one at a time (the case row is locked), so two sent at once never both pass as
   * the next step, nor answer the same question by default.
   */
  async send(caseRef: string, dto: SendCaseMessageDto, caller: Principal): Promise<{ id: string; caseRef: string; type: string; status: 'submitted' }> {
    const found = await this.require(caseRef);
    if (!worksOn(caller, [found.ourRole, ...found.participants])) throw new ForbiddenException(`case ${caseRef} belongs to roles you do not hold`);
    const now = this.clock.now();
    const sender = dto.sender ?? this.actingRole(found, caller, now);
    if (!actsAs(caller, sender)) throw new ForbiddenException(`you do not hold ${sender}`);
    if (!this.isOwnRole(sender)) throw invalidRequest([{ field: 'sender', problem: 'is not an address this node publishes' }]);
    if (dto.inReplyTo && !(await this.isMessageOf(found, dto.inReplyTo))) throw invalidRequest([{ field: 'inReplyTo', problem: `is not a message of case ${caseRef}` }]);

    const envelope = await this.transactions.run(async (tx) => {
      const c = (await this.cases.lock(caseRef, tx)) ?? found;
      const fits = transition(await this.projectedState(c), dto.type, ourSide(c), c.purpose, { body: dto.body });
      const problem = fits.ok ? consentProblem(dto.type, dto.body, c.consent) : fits.reason;
      if (problem) throw new ConflictException({ statusCode: 409, error: 'Conflict', message: `${dto.type} does not fit case ${caseRef}: ${problem}` });
      const envelope: Envelope = createEnvelope({
        id: randomUUID(),
        type: dto.type,
        from: this.config.node,
        to: c.partner,
        sender,
        recipient: dto.recipient ?? c.partnerRole,
        caseRef,
        inReplyTo: dto.inReplyTo ?? (await this.defaultReplyTo(c, dto.type, tx)),
        createdAt: now.toISOString(),
        body: dto.body,
      });
      const problems = await checkContent(envelope, []);
      if (!problems.length && dto.type === 'handover.accepted' && !this.isOwnRole((envelope.body as HandoverAcceptedBody).role)) {
        problems.push({ field: 'body.role', problem: 'is not a role of this node' });
      }
      if (problems.length) throw invalidRequest(problems);
      await this.messageLog.enqueue([envelope], tx);
      return envelope;
    });
    return { id: envelope.id, caseRef, type: dto.type, status: 'submitted' };
  }

  /** Tells another role of this node about the case (the NGO that will meet the person, say). */
  async addParticipant(caseRef: string, role: string, caller: Principal): Promise<CaseView> {
    const c = await this.require(caseRef);
    if (!worksOn(caller, [c.ourRole, ...c.participants])) throw new ForbiddenException(`case ${caseRef} belongs to roles you do not hold`);
    if (!this.isOwnRole(role)) throw invalidRequest([{ field: 'role', problem: 'is not a role of this node' }]);
    await this.transactions.run(async (tx) => {
      const c = await this.cases.lock(caseRef, tx);
      if (!c) throw new NotFoundException(`no case ${caseRef}`);
      if (c.ourRole === role || c.participants.includes(role)) return;
      c.participants = [...c.participants, role];
      await this.cases.save(c, tx);
      await this.timeline.record([{ caseRef, messageId: null, at: this.clock.now(), kind: 'participant-added', detail: { role } }], tx);
    });
    return this.view(caseRef, caller);
  }

  async list(filter: { state?: CaseState; role?: string }, page: KeysetPage, caller: Principal): Promise<Page<CaseSummary>> {
    const roles = listScope(caller, filter.role);
    const rows = await this.cases.list({ state: filter.state, roles: roles && this.registry.addressesWaitingWith(roles, this.clock.now()) }, page);
    return pageOf(rows, page.limit, TIME_AND_ID, (c) => ({ at: c.createdAt, id: c.id }), header);
  }

  /** The case with its timeline (metadata only: no bodies), for whoever works on it and for auditors. */
  async view(caseRef: string, caller: Principal): Promise<CaseView> {
    const c = await this.require(caseRef);
    requireAccess(caller, [c.ourRole, ...c.participants], `case ${caseRef}`);
    const [sent, received, events, expectations, escalations] = await Promise.all([
      this.outbox.findByCase(caseRef),
      this.inbox.findByCase(caseRef),
      this.timeline.forCase(caseRef),
      this.expectations.forCase(caseRef),
      this.expectations.escalationsForCase(caseRef),
    ]);
    const entries: TimelineEntry[] = [];
    const recorded = new Map<string, typeof events>();
    for (const e of events) if (e.messageId) recorded.set(e.messageId, [...(recorded.get(e.messageId) ?? []), e]);
    for (const m of sent) {
      for (const e of await this.timelines.ofOutbound(m, recorded.get(m.id) ?? [])) {
        if (e.event === 'submitted' || e.event === 'resent' || e.event === 'publish-failed' || e.event === 'undeliverable' || e.event === 'receipt-mismatch') {
          entries.push({ ...e, event: `${e.event} ${m.type}`, message: m.id, direction: 'out' });
        } else if (e.event === 'sent') {
          entries.push({ ...e, event: `sent ${m.type}`, message: m.id, direction: 'out', from: m.envelope.sender, to: m.envelope.recipient, ...replyTo(m) });
        }
        else entries.push({ ...e, event: `receipt ${e.event} for ${m.type}`, message: m.id, direction: 'in' });
      }
    }
    for (const m of received.filter((r) => r.type !== 'receipt')) {
      entries.push({
        at: m.receivedAt.toISOString(),
        event: `received ${m.type}`,
        message: m.id,
        direction: 'in',
        from: m.sender,
        ...(m.routedTo && m.routedTo !== m.recipient ? { routedTo: m.routedTo } : {}),
        ...replyTo(m),
        receipt: m.status === 'delivered' ? 'delivered' : `rejected (${m.rejectReason})`,
      });
    }
    for (const e of events.filter((x) => !x.messageId)) {
      entries.push({ at: e.at.toISOString(), event: e.kind === 'participant-added' ? 'participant added' : e.kind, ...(e.detail ?? {}) });
    }
    for (const x of expectations) {
      entries.push({ at: x.createdAt.toISOString(), event: `deadline set: ${x.kind}`, owedBy: x.owedBy, dueAt: x.dueAt.toISOString() });
      // Met when the answer was made: late if made after the deadline, however soon it arrived.
      const metLate = x.status === 'met' && !!x.settledAt && x.settledAt > x.dueAt;
      if (x.status === 'met' && x.settledAt) {
        entries.push({ at: x.settledAt.toISOString(), event: `deadline met${metLate ? ' late' : ''}: ${x.kind}`, by: x.settledBy });
      }
      if (x.status === 'cancelled' && x.settledAt) entries.push({ at: x.settledAt.toISOString(), event: `deadline cancelled: ${x.kind}` });
      // A late answer keeps the miss on record, even when it came before the deadline watch looked; an answer made in
      // time that arrived after the waiting side escalated leaves the escalation on record, not a miss.
      const metInTime = x.status === 'met' && !metLate;
      if (!metInTime && (x.escalationStep > 0 || x.status === 'missed' || metLate)) entries.push({ at: x.dueAt.toISOString(), event: `deadline missed: ${x.kind}`, owedBy: x.owedBy });
    }
    const kinds = new Map(expectations.map((x) => [x.id, x.kind]));
    for (const e of escalations) {
      entries.push({
        at: e.at.toISOString(),
        event: e.action === 'alert' ? 'escalated: alert' : 'escalated: copy to fallback',
        kind: kinds.get(e.expectationId),
        target: e.target,
        ...(e.messageId ? { message: e.messageId } : {}),
      });
    }
    entries.sort((a, b) => a.at.localeCompare(b.at));
    return { ...header(c), timeline: entries };
  }

  /**
   * The sealed personal details of a case, opened for whoever works on it. Every opening is written to the audit log
   * before anything is shown; what was purged is gone (410).
   */
  async sealed(caseRef: string, caller: Principal): Promise<{ caseRef: string; items: SealedItem[] }> {
    const c = await this.require(caseRef);
    if (!worksOn(caller, [c.ourRole, ...c.participants])) throw new ForbiddenException(`case ${caseRef} belongs to roles you do not hold`);
    const [sent, received] = await Promise.all([this.outbox.findByCase(caseRef), this.inbox.findByCase(caseRef)]);
    const sealed = [
      ...sent.filter((m) => m.sealedAtRest).map((m) => ({ message: m.id, type: m.type, direction: 'out' as const, jwe: m.sealedAtRest! })),
      ...received.filter((m) => m.status === 'delivered' && typeof m.envelope.sealed === 'string').map((m) => ({ message: m.id, type: m.type, direction: 'in' as const, jwe: m.envelope.sealed! })),
    ];
    if (!sealed.length) {
      const purged = [...sent, ...received].some((m) => m.purgedAt);
      if (purged) throw new GoneException(`the sealed data of case ${caseRef} was purged`);
      throw new NotFoundException(`case ${caseRef} holds no sealed data`);
    }
    const items: SealedItem[] = [];
    for (const s of sealed) {
      const opened = await this.envelopes.open(s.jwe);
      if (!opened.ok) throw new Error(`sealed part of ${s.message} does not open with this node's keys`);
      items.push({ message: s.message, type: s.type, direction: s.direction, data: opened.data });
    }
    await this.audit.record(
      items.map((i) => ({ actor: caller.subject, action: 'sealed.opened' as const, caseRef, subject: i.message, detail: { type: i.type } })),
    );
    return { caseRef, items };
  }

  /** Deadlines passed and not met, with how long and whom this node alerted or copied. */
  async overdue(page: KeysetPage): Promise<Page<OverdueItem>> {
    const now = this.clock.now();
    const late = await this.expectations.overdue(now, page);
    const escalations = await this.expectations.escalationsOf(late.slice(0, page.limit).map((x) => x.id));
    return pageOf(late, page.limit, TIME_AND_ID, (x) => ({ at: x.dueAt, id: x.id }), (x) => {
      const mine = escalations.filter((e) => e.expectationId === x.id);
      const overdueMs = now.getTime() - x.dueAt.getTime();
      return {
        caseRef: x.caseRef,
        kind: x.kind,
        owedBy: x.owedBy,
        dueAt: x.dueAt.toISOString(),
        overdueMs,
        overdue: humanDuration(overdueMs),
        status: x.status as 'open' | 'missed',
        alerted: mine.filter((e) => e.action === 'alert').map((e) => e.target),
        copiedTo: mine.filter((e) => e.action === 'copy-to-fallback').map((e) => e.target),
      };
    });
  }

  async alerts(roles: string[] | null, page: KeysetPage): Promise<Page<AlertItem>> {
    const rows = await this.expectations.alerts(roles, page);
    return pageOf(rows, page.limit, TIME_AND_ID, (e) => ({ at: e.at, id: e.id }), (e) => ({
      caseRef: e.caseRef,
      at: e.at.toISOString(),
      role: e.target,
      expectation: e.expectationId,
      kind: e.deadline.kind,
      dueAt: e.deadline.dueAt.toISOString(),
    }));
  }

  private async require(caseRef: string): Promise<CaseFile> {
    const c = await this.cases.findByRef(caseRef);
    if (!c) throw new NotFoundException(`no case ${caseRef}`);
    return c;
  }

  /** The case's state once this node's messages not yet receipted are delivered: what a new message must fit. */
  private projectedState(c: CaseFile): Promise<CaseState> {
    return this.rules.withOwnPending(c, c.state) as Promise<CaseState>;
  }

  private isOwnRole(address: string): boolean {
    return this.registry.publishes(address) && nodeOf(address) === this.config.node;
  }

  /**
   * Who the caller sends as when they do not say: the case's own role, else the first role of the case they hold,
   * else the role they hold that the case's work waits with (the fallback of a vacant role, say) — so the partner
   * sees which role acted.
   */
  private actingRole(c: CaseFile, caller: Principal, now: Date): string {
    const roles = [c.ourRole, ...c.participants];
    return roles.find((r) => actsAs(caller, r)) ?? roles.map((r) => this.registry.route(r, now)).find((r) => actsAs(caller, r)) ?? c.ourRole;
  }

  /** What an answer replies to by default (ANSWERED_BY): the request of the case, or its oldest question still open. */
  private async defaultReplyTo(c: CaseFile, type: CaseMessageType, tx: EntityManager): Promise<string | null> {
    const question = questionAnswered(type);
    if (!question) return null;
    if (question === 'handover.request') return c.direction === 'incoming' ? c.id : null;
    return (await this.unanswered.oldestOfCase(c.caseRef, question, tx)) ?? (await this.inbox.latestDelivered(c.caseRef, question));
  }

  private async isMessageOf(c: CaseFile, id: string): Promise<boolean> {
    const [received, sent] = await Promise.all([this.inbox.findById(id), this.outbox.findById(id)]);
    return (received ?? sent)?.caseRef === c.caseRef;
  }
}

const replyTo = (m: { inReplyTo: string | null }) => (m.inReplyTo ? { inReplyTo: m.inReplyTo } : {});

function header(c: CaseFile): CaseSummary {
  return {
    caseRef: c.caseRef,
    id: c.id,
    side: ourSide(c),
    partner: c.partner,
    purpose: c.purpose,
    state: c.state,
    stateChangedAt: c.stateChangedAt.toISOString(),
    ourRole: c.ourRole,
    partnerRole: c.partnerRole,
    participants: c.participants,
    consent: c.consent,
    ...(c.purgedAt ? { purgedAt: c.purgedAt.toISOString() } : {}),
  };
}

function humanDuration(ms: number): string {
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`;
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  return days ? `${days} d ${hours} h` : hours ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}
