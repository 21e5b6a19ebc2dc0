import { ForbiddenException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { TimelineEntry, Timelines } from '../message-log/timelines';
import { AuditLog } from '../audit/audit.service';
import { EnvelopeService } from '../message-log/envelope.service';
import { Principal } from '../http/principal';
import { contentsFor, listScope, requireAccess, worksOn } from '../auth/scope';
import { Clock } from '../clock/clock';
import { KeysetPage } from '../database/keyset';
import { InboxRepository } from '../message-log/inbox.repository';
import { OutboxRepository } from '../message-log/outbox.repository';
import { OutboundMessage } from '../message-log/outbound-message.entity';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { Page, TIME_AND_ID, pageOf } from '../http/paging';
import { RegistryService } from '../registry/registry.service';
import { CaseActions } from './case-actions';
import { CaseFile } from './case-file.entity';
import { CaseState, ourSide } from './case-states';
import { CaseRepository } from './case.repository';
import { AlertItem, CaseSummary, OverdueItem } from './dto/case-pages.dto';
import { CaseView, SealedDetails, SealedItem } from './dto/case-view.dto';
import { ExpectationRepository } from './expectation.repository';
import { TimelineRepository } from '../message-log/timeline.repository';

/** Reading cases through the API: a case with its timeline, its sealed details, what is overdue and whom it alerted. */
@Injectable()
export class CaseViewsService {
  constructor(
    private readonly registry: RegistryService,
    private readonly cases: CaseRepository,
    private readonly expectations: ExpectationRepository,
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly timeline: TimelineRepository,
    private readonly timelines: Timelines,
    private readonly clock: Clock,
    private readonly envelopes: EnvelopeService,
    private readonly audit: AuditLog,
    private readonly actions: CaseActions,
  ) {}

  async list(
    filter: { state?: CaseState; role?: string; partner?: string; overdue?: boolean },
    page: KeysetPage,
    caller: Principal,
  ): Promise<Page<CaseSummary>> {
    const roles = listScope(caller, filter.role);
    const now = this.clock.now();
    const rows = await this.cases.list(
      {
        state: filter.state,
        roles: roles && this.registry.addressesWaitingWith(roles, now),
        partner: filter.partner,
        overdueAt: filter.overdue ? now : undefined,
      },
      page,
    );
    return pageOf(rows, page.limit, TIME_AND_ID, (c) => ({ at: c.createdAt, id: c.id }), header);
  }

  /**
   * The case with its timeline, for whoever works on it and for auditors. Whoever works on it reads each message's
   * coded body (as sent, or as received when delivered) on its `submitted` or `received` entry; auditors read metadata only.
   */
  async view(caseRef: string, caller: Principal): Promise<CaseView> {
    const c = await this.require(caseRef);
    const access = requireAccess(caller, [c.ourRole, ...c.participants], `case ${caseRef}`);
    const bodyOf = (m: OutboundMessage | InboundMessage) => {
      const body = contentsFor(access, m.envelope.body);
      return body === undefined || body === null ? {} : { body };
    };
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
        if (e.event === 'submitted') entries.push({ ...e, event: `submitted ${m.type}`, message: m.id, direction: 'out', ...bodyOf(m) });
        else if (e.event === 'resent' || e.event === 'publish-failed' || e.event === 'undeliverable' || e.event === 'receipt-mismatch') {
          entries.push({ ...e, event: `${e.event} ${m.type}`, message: m.id, direction: 'out' });
        } else if (e.event === 'sent') {
          entries.push({ ...e, event: `sent ${m.type}`, message: m.id, direction: 'out', from: m.envelope.sender, to: m.envelope.recipient, ...replyTo(m) });
        } else entries.push({ ...e, event: `receipt ${e.event} for ${m.type}`, message: m.id, direction: 'in' });
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
        ...(m.status === 'delivered' ? bodyOf(m) : {}),
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
      if (!metInTime && (x.escalationStep > 0 || x.status === 'missed' || metLate))
        entries.push({ at: x.dueAt.toISOString(), event: `deadline missed: ${x.kind}`, owedBy: x.owedBy });
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
    const actions = await this.actions.of(c, caller, {
      infoRequestReceived: received.some((m) => m.type === 'info.request' && m.status === 'delivered'),
      sealed: sealedParts(sent, received).length > 0,
    });
    return { ...header(c), timeline: entries, actions };
  }

  /**
   * The sealed personal details of a case, opened for whoever works on it. Every opening is written to the audit log
   * before anything is shown; what was purged is gone (410).
   */
  async sealed(caseRef: string, caller: Principal): Promise<SealedDetails> {
    const c = await this.require(caseRef);
    if (!worksOn(caller, [c.ourRole, ...c.participants])) throw new ForbiddenException(`case ${caseRef} belongs to roles you do not hold`);
    const [sent, received] = await Promise.all([this.outbox.findByCase(caseRef), this.inbox.findByCase(caseRef)]);
    const sealed = sealedParts(sent, received);
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
    return pageOf(
      late,
      page.limit,
      TIME_AND_ID,
      (x) => ({ at: x.dueAt, id: x.id }),
      (x) => {
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
      },
    );
  }

  async alerts(filter: { role?: string }, page: KeysetPage, caller: Principal): Promise<Page<AlertItem>> {
    const rows = await this.expectations.alerts(listScope(caller, filter.role), page);
    return pageOf(
      rows,
      page.limit,
      TIME_AND_ID,
      (e) => ({ at: e.at, id: e.id }),
      (e) => ({
        caseRef: e.caseRef,
        at: e.at.toISOString(),
        role: e.target,
        expectation: e.expectationId,
        kind: e.deadline.kind,
        dueAt: e.deadline.dueAt.toISOString(),
      }),
    );
  }

  /** The case, for whoever reads or writes it; 404 when this node has none of that caseRef. */
  async require(caseRef: string): Promise<CaseFile> {
    const c = await this.cases.findByRef(caseRef);
    if (!c) throw new NotFoundException(`no case ${caseRef}`);
    return c;
  }
}

/** The sealed parts a case's messages hold: this node's own copy of what it sent, and what it received delivered. */
function sealedParts(sent: OutboundMessage[], received: InboundMessage[]) {
  return [
    ...sent.filter((m) => m.sealedAtRest).map((m) => ({ message: m.id, type: m.type, direction: 'out' as const, jwe: m.sealedAtRest! })),
    ...received
      .filter((m) => m.status === 'delivered' && typeof m.envelope.sealed === 'string')
      .map((m) => ({ message: m.id, type: m.type, direction: 'in' as const, jwe: m.envelope.sealed! })),
  ];
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
