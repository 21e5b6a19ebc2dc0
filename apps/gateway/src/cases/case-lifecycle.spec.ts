import { Logger } from '@nestjs/common';
import { Envelope, EnvelopeInit } from '@trm/wire';
import { EntityManager } from 'typeorm';
import {
  UNIT_CASE as CASE,
  UNIT_CONSENT as CONSENT,
  UNIT_MADE as MADE,
  UNIT_NOW as NOW,
  caseFile,
  fromAT,
  sentByRS as outbound,
} from '../../../../test/support/case-units';
import { AuditLog } from '../audit/audit.service';
import { DEFAULT_AGREEMENT, NodeConfig } from '../config/node-config';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { MessageLog } from '../message-log/message-log';
import { OutboundMessage } from '../message-log/outbound-message.entity';
import { OutboxRepository } from '../message-log/outbox.repository';
import { TimelineRepository } from '../message-log/timeline.repository';
import { RegistryService } from '../registry/registry.service';
import { CaseErasure } from '../retention/case-erasure';
import { CaseDeadlines } from './case-deadlines';
import { CaseFile } from './case-file.entity';
import { CaseLifecycle } from './case-lifecycle';
import { CaseRepository } from './case.repository';
import { Expectation } from './expectation.entity';
import { ExpectationRepository } from './expectation.repository';

// RS applies what AT sends, and what RS sent once AT's receipt says delivered.
const AT_COORDINATOR = 'AT/bmi-thb/coordination';
const RS_INTAKE = 'RS/cptv/intake';
/** The role the registry makes responsible for RS's intake: its fallback, say. */
const RS_DUTY = 'RS/cptv/duty';
const TX = {} as EntityManager;

/** A partner's message as the inbox stored it. */
const inbound = (change: Partial<EnvelopeInit<unknown>>): InboundMessage => {
  const e = fromAT(change);
  return Object.assign(new InboundMessage(), {
    id: e.id,
    type: e.type,
    fromNode: e.from,
    caseRef: e.caseRef,
    sender: e.sender,
    recipient: e.recipient,
    routedTo: null,
    inReplyTo: e.inReplyTo,
    createdAt: new Date(e.createdAt),
    envelope: e,
    status: 'delivered',
  });
};

describe('CaseLifecycle', () => {
  beforeAll(() => Logger.overrideLogger(false));

  const setUp = (...known: CaseFile[]) => {
    const config = { node: 'RS', timeZone: 'Europe/Belgrade' } as NodeConfig;
    const registry = {
      responsibleRole: (address: string) => (address === RS_INTAKE ? RS_DUTY : address),
      partner: () => undefined,
    } as unknown as RegistryService;
    /** The cases as saved; a repeated case reference keeps the first. */
    const stored = new Map(known.map((c) => [c.caseRef, c]));
    const cases = {
      addIncoming: (added: CaseFile[]) => Promise.resolve(void added.forEach((c) => stored.has(c.caseRef) || stored.set(c.caseRef, structuredClone(c)))),
      lockMany: (refs: string[]) => Promise.resolve(new Map(refs.filter((r) => stored.has(r)).map((r) => [r, stored.get(r)!]))),
      save: (c: CaseFile) => Promise.resolve(void stored.set(c.caseRef, c)),
    } as unknown as CaseRepository;
    const deadlines: Expectation[] = [];
    const cancelled: Array<[string, unknown]> = [];
    const expectations = {
      add: (added: Expectation[]) => Promise.resolve(void deadlines.push(...added)),
      meet: () => Promise.resolve(),
      cancel: (caseRef: string, kinds: unknown) => Promise.resolve(void cancelled.push([caseRef, kinds])),
    } as unknown as ExpectationRepository;
    const sent: OutboundMessage[] = [];
    const outbox = {
      findByIds: (ids: string[]) => Promise.resolve(sent.filter((m) => ids.includes(m.id))),
      unapplied: (caseRef: string) => Promise.resolve(sent.filter((m) => m.caseRef === caseRef && !m.appliedAt)),
      markApplied: (ids: string[], at: Date) => Promise.resolve(void sent.filter((m) => ids.includes(m.id)).forEach((m) => (m.appliedAt = at))),
    } as unknown as OutboxRepository;
    const enqueued: Envelope[] = [];
    const purged: string[] = [];
    const messageLog = {
      enqueue: (envelopes: Envelope[]) => Promise.resolve(void enqueued.push(...envelopes)),
      purgeSealed: (scope: { caseRef: string }) => Promise.resolve(void purged.push(scope.caseRef)),
    } as unknown as MessageLog;
    const audited: unknown[] = [];
    const audit = { record: (entries: unknown[]) => Promise.resolve(void audited.push(...entries)) } as unknown as AuditLog;
    const timeline = { record: () => Promise.resolve() } as unknown as TimelineRepository;
    const erased: string[] = [];
    const erasure = { eraseCase: (caseRef: string) => Promise.resolve(void erased.push(caseRef)) } as unknown as CaseErasure;
    const lifecycle = new CaseLifecycle(
      config,
      registry,
      cases,
      expectations,
      outbox,
      messageLog,
      audit,
      timeline,
      erasure,
      new CaseDeadlines(config, registry, expectations),
    );
    return { lifecycle, stored, deadlines, cancelled, sent, enqueued, purged, audited, erased };
  };

  it('opens a case from a partner’s handover.request, held by the role responsible for its recipient, owing acceptance', async () => {
    const { lifecycle, stored, deadlines } = setUp();
    const request = inbound({ type: 'handover.request', body: { purpose: 'return', consent: CONSENT } });
    await lifecycle.apply([request], TX, NOW);
    expect(stored.get(CASE)).toMatchObject({
      id: request.id,
      direction: 'incoming',
      partner: 'AT',
      sender: AT_COORDINATOR,
      recipient: RS_INTAKE,
      purpose: 'return',
      ourRole: RS_DUTY,
      partnerRole: AT_COORDINATOR,
      participants: [],
      state: 'referred',
      stateChangedAt: NOW,
      consent: CONSENT,
    });
    expect(deadlines).toEqual([
      expect.objectContaining({
        caseRef: CASE,
        kind: 'acceptance',
        owedBy: 'us',
        cause: request.id,
        dueAt: new Date(MADE.getTime() + DEFAULT_AGREEMENT.acceptanceMs),
      }),
    ]);
  });

  it('on this node’s acceptance by another role, makes that role responsible and keeps the addressed one as participant', async () => {
    const { lifecycle, stored, sent, deadlines } = setUp(caseFile({ purpose: 'referral', participants: ['RS/ngo/shelter'] }));
    const acceptance = outbound({ type: 'handover.accepted', sender: RS_DUTY, body: { role: RS_DUTY } });
    sent.push(acceptance);
    await lifecycle.delivered([acceptance.id], TX, NOW);
    expect(stored.get(CASE)).toMatchObject({ state: 'accepted', stateChangedAt: NOW, ourRole: RS_DUTY, participants: ['RS/ngo/shelter', RS_INTAKE] });
    expect(acceptance.appliedAt).toEqual(NOW);
    expect(deadlines).toEqual([expect.objectContaining({ kind: 'followup', owedBy: 'us', cause: acceptance.id })]);

    // A follow-up is owed after acceptance (after arrival, in a return); a message is applied once, however often its receipt comes.
    const report = outbound({ type: 'followup.report', sender: RS_DUTY, body: { period: 1, status: 'stable', services: [] } });
    sent.push(report);
    await lifecycle.delivered([report.id], TX, NOW);
    await lifecycle.delivered([report.id, acceptance.id], TX, NOW);
    expect(stored.get(CASE)!.state).toBe('in-follow-up');
    expect(deadlines.map((d) => [d.kind, d.cause])).toEqual([
      ['followup', acceptance.id],
      ['followup', report.id],
    ]);
  });

  it('on the partner’s acceptance of this node’s request, takes the accepting role as the partner’s', async () => {
    const { lifecycle, stored } = setUp(caseFile({ direction: 'outgoing', sender: RS_INTAKE, recipient: AT_COORDINATOR, partnerRole: AT_COORDINATOR }));
    await lifecycle.apply([inbound({ type: 'handover.accepted', body: { role: 'AT/bmi-thb/duty' } })], TX, NOW);
    expect(stored.get(CASE)).toMatchObject({ state: 'accepted', ourRole: RS_INTAKE, partnerRole: 'AT/bmi-thb/duty', participants: [] });
  });

  it('applies this node’s acceptance still waiting for its receipt before the partner’s answer that overtook it', async () => {
    const { lifecycle, stored, sent } = setUp();
    await lifecycle.apply([inbound({ type: 'handover.request', body: { purpose: 'return', consent: CONSENT } })], TX, NOW);
    const acceptance = outbound({ type: 'handover.accepted', body: { role: RS_DUTY } });
    sent.push(acceptance);
    await lifecycle.apply([inbound({ type: 'return.scheduled', body: { date: '2026-12-01' } })], TX, NOW);
    expect(stored.get(CASE)!.state).toBe('return-scheduled');
    expect(acceptance.appliedAt).toEqual(NOW);
  });

  it('on a withdrawal of the sealed details, purges them, keeps the case going and confirms the purge', async () => {
    const { lifecycle, stored, enqueued, purged, erased, audited } = setUp(caseFile({ state: 'accepted', ourRole: RS_DUTY }));
    const withdrawal = inbound({ type: 'consent.withdrawn', body: { withdrawnAt: MADE.toISOString(), scope: ['share-sealed'] } });
    await lifecycle.apply([withdrawal], TX, NOW);
    expect(stored.get(CASE)).toMatchObject({
      state: 'accepted',
      closedAt: null,
      consent: { ...CONSENT, scope: ['share-coded'], withdrawnAt: MADE.toISOString(), withdrawnScope: ['share-sealed'] },
    });
    expect([purged, erased]).toEqual([[CASE], []]);
    expect(audited).toEqual([
      expect.objectContaining({ action: 'sealed.purged', caseRef: CASE, detail: { reason: 'consent-withdrawn', scope: ['share-sealed'] } }),
    ]);
    expect(enqueued).toEqual([
      expect.objectContaining({
        type: 'purge.confirmed',
        from: 'RS',
        to: 'AT',
        sender: RS_DUTY,
        recipient: AT_COORDINATOR,
        caseRef: CASE,
        inReplyTo: withdrawal.id,
        body: { purgedAt: NOW.toISOString(), scope: ['share-sealed'] },
      }),
    ]);
  });

  it('on a withdrawal of everything, ends the case, erases its data, cancels its deadlines and confirms the purge of both', async () => {
    const { lifecycle, stored, enqueued, erased, cancelled } = setUp(caseFile({ state: 'accepted' }));
    const withdrawal = inbound({ type: 'consent.withdrawn', body: { withdrawnAt: MADE.toISOString(), scope: ['share-coded'] } });
    await lifecycle.apply([withdrawal], TX, NOW);
    expect(stored.get(CASE)).toMatchObject({ state: 'withdrawn', closedAt: NOW, consent: { scope: [], withdrawnScope: ['share-coded', 'share-sealed'] } });
    expect(erased).toEqual([CASE]);
    expect(cancelled).toContainEqual([CASE, 'all']);
    expect(enqueued.map((e) => [e.type, e.inReplyTo, e.body])).toEqual([
      ['purge.confirmed', withdrawal.id, { purgedAt: NOW.toISOString(), scope: ['share-coded', 'share-sealed'] }],
    ]);
  });

  it('confirms no purge for a withdrawal that does not fit the case', async () => {
    const { lifecycle, enqueued, purged } = setUp(caseFile({ state: 'withdrawn' }));
    await lifecycle.apply([inbound({ type: 'consent.withdrawn', body: { withdrawnAt: MADE.toISOString(), scope: ['share-coded'] } })], TX, NOW);
    expect([enqueued, purged]).toEqual([[], []]);
  });
});
