import { Envelope } from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { UNIT_CASE as INCOMING, UNIT_NOW as NOW, caseFile, fromAT, sentByRS as ours } from '../../../../test/support/case-units';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { InboxRepository } from '../message-log/inbox.repository';
import { OutboundMessage } from '../message-log/outbound-message.entity';
import { OutboxRepository } from '../message-log/outbox.repository';
import { CaseFile } from './case-file.entity';
import { CaseRules } from './case-rules';
import { CaseRepository } from './case.repository';

// RS checks what AT sends: AT referred INCOMING to RS, RS referred OUTGOING to AT.
const AT_COORDINATOR = 'AT/bmi-thb/coordination';
const RS_INTAKE = 'RS/cptv/intake';
const OUTGOING = 'RS-2026-4H2M8P';

describe('CaseRules', () => {
  const setUp = (...known: CaseFile[]) => {
    /** This node's messages; `pending` ones still wait for their receipt. */
    const sent: OutboundMessage[] = [];
    const pending = new Set<string>();
    const received: InboundMessage[] = [];
    const cases = {
      findByRefs: (refs: string[]) => Promise.resolve(new Map(known.filter((c) => refs.includes(c.caseRef)).map((c) => [c.caseRef, c]))),
    } as unknown as CaseRepository;
    const outbox = {
      findById: (id: string) => Promise.resolve(sent.find((m) => m.id === id) ?? null),
      unapplied: (caseRef: string) => Promise.resolve(sent.filter((m) => m.caseRef === caseRef && pending.has(m.id))),
    } as unknown as OutboxRepository;
    const inbox = {
      answered: (caseRef: string, type: string, inReplyTo: string) =>
        Promise.resolve(received.some((m) => m.caseRef === caseRef && m.type === type && m.status === 'delivered' && m.inReplyTo === inReplyTo)),
    } as unknown as InboxRepository;
    const rules = new CaseRules(cases, outbox, inbox);
    /** What the rules refuse of `batch`, by position. */
    const refused = async (...batch: Envelope[]) => {
      const reasons = await rules.refusals(batch);
      return batch.map((e) => reasons.get(e.id) ?? null);
    };
    return { refused, sent, pending, received };
  };

  it('takes a message that fits its case, and ignores what is not a case message', async () => {
    const { refused } = setUp(caseFile({}));
    expect(await refused(fromAT({}), fromAT({ type: 'registry.update', caseRef: 'none', body: {} }))).toEqual([null, null]);
  });

  it('refuses a message for a case this node has with another node', async () => {
    const { refused } = setUp(caseFile({ partner: 'HU' }));
    expect(await refused(fromAT({}))).toEqual([`case ${INCOMING} is not a case with node AT`]);
  });

  it('refuses a sealed part unless the case has consent to share it, saying when that consent was withdrawn', async () => {
    const consent = { given: true as const, by: 'person' as const, recordedAt: NOW.toISOString(), scope: ['share-coded'] };
    expect(await setUp(caseFile({ consent })).refused(fromAT({ sealed: 'sealed.part' }))).toEqual([
      `case ${INCOMING} has no consent to share personal details: no sealed part`,
    ]);
    const withdrawn = { ...consent, withdrawnAt: NOW.toISOString(), withdrawnScope: ['share-sealed'] };
    expect(await setUp(caseFile({ consent: withdrawn })).refused(fromAT({ sealed: 'sealed.part' }))).toEqual([
      `case ${INCOMING} has no consent to share personal details (withdrawn): no sealed part`,
    ]);
    expect(await setUp(caseFile({})).refused(fromAT({ sealed: 'sealed.part' }))).toEqual([null]);
  });

  it('refuses a message that does not fit the state of its case, or comes from the wrong side, or has no case', async () => {
    const { refused } = setUp(caseFile({ state: 'closed' }));
    expect(
      await refused(
        fromAT({}),
        fromAT({ type: 'handover.accepted', body: { role: AT_COORDINATOR } }),
        fromAT({ caseRef: 'AT-2026-UNKNOWN', type: 'case.closed', body: { reason: 'other' } }),
      ),
    ).toEqual([
      `case.updated for case ${INCOMING}: the case has ended (closed): no case.updated after that`,
      `handover.accepted for case ${INCOMING}: handover.accepted comes from the receiving side of a case`,
      'case.closed for case AT-2026-UNKNOWN: there is no case yet: case.closed needs a handover.request first',
    ]);
  });

  it('judges each message of a batch by the state the earlier ones led to; a refused one changes nothing', async () => {
    const { refused } = setUp(caseFile({}));
    const fresh = 'AT-2026-NEW0001';
    const request = fromAT({ type: 'handover.request', caseRef: fresh, body: { purpose: 'return', consent: {} } });
    expect(
      await refused(
        fromAT({ type: 'case.closed', body: { reason: 'other' } }),
        fromAT({}),
        request,
        fromAT({ caseRef: fresh }),
        fromAT({ type: 'handover.request', caseRef: fresh, body: { purpose: 'return', consent: {} } }),
        fromAT({ type: 'handover.accepted', caseRef: fresh, body: { role: AT_COORDINATOR } }),
        fromAT({ type: 'return.scheduled', caseRef: fresh, body: {} }),
      ),
    ).toEqual([
      null,
      `case.updated for case ${INCOMING}: the case has ended (closed): no case.updated after that`,
      null,
      null,
      `handover.request for case ${fresh}: the case exists already`,
      `handover.accepted for case ${fresh}: handover.accepted comes from the receiving side of a case`,
      `return.scheduled for case ${fresh}: return.scheduled does not fit a case that is referred`,
    ]);
  });

  it('counts this node’s own messages still waiting for their receipt: the partner’s answer may overtake it', async () => {
    const { refused, sent, pending } = setUp(caseFile({ state: 'referred' }));
    const scheduled = () => fromAT({ type: 'return.scheduled', body: {} });
    expect(await refused(scheduled())).toEqual([`return.scheduled for case ${INCOMING}: return.scheduled does not fit a case that is referred`]);
    const acceptance = ours({ type: 'handover.accepted', body: { role: RS_INTAKE } });
    sent.push(acceptance);
    pending.add(acceptance.id);
    expect(await refused(scheduled())).toEqual([null]);
    pending.delete(acceptance.id);
    expect(await refused(scheduled())).toEqual([`return.scheduled for case ${INCOMING}: return.scheduled does not fit a case that is referred`]);
  });

  it('takes a purge.confirmed only when it answers a withdrawal of the case not confirmed yet, stating what it purged', async () => {
    const outgoing = caseFile({ caseRef: OUTGOING, direction: 'outgoing', sender: RS_INTAKE, recipient: AT_COORDINATOR });
    const { refused, sent, received } = setUp(outgoing);
    const withdrawal = ours({ type: 'consent.withdrawn', caseRef: OUTGOING, body: { withdrawnAt: NOW.toISOString(), scope: ['share-sealed'] } });
    const otherCase = ours({ type: 'consent.withdrawn', caseRef: INCOMING, body: { scope: ['share-sealed'] } });
    sent.push(withdrawal, otherCase);
    const purge = (inReplyTo: string | null, scope = ['share-sealed']) =>
      fromAT({ type: 'purge.confirmed', caseRef: OUTGOING, inReplyTo, body: { purgedAt: NOW.toISOString(), scope } });
    const unanswered = `purge.confirmed for case ${OUTGOING}: purge.confirmed must answer (inReplyTo) a consent.withdrawn of the case`;
    const confirmation = purge(withdrawal.id);
    expect(await refused(purge(null), purge(randomUUID()), purge(otherCase.id), purge(withdrawal.id, ['share-coded', 'share-sealed']))).toEqual([
      unanswered,
      unanswered,
      unanswered,
      `purge.confirmed for case ${OUTGOING}: the withdrawal it answers purges share-sealed`,
    ]);
    expect(await refused(confirmation)).toEqual([null]);

    // Twice in one batch: the second is a repeat although neither is stored yet.
    expect(await refused(purge(withdrawal.id), purge(withdrawal.id))).toEqual([
      null,
      `purge.confirmed for case ${OUTGOING}: that withdrawal was confirmed already`,
    ]);

    received.push({ ...(confirmation as unknown as InboundMessage), caseRef: OUTGOING, status: 'delivered', envelope: confirmation });
    expect(await refused(purge(withdrawal.id))).toEqual([`purge.confirmed for case ${OUTGOING}: that withdrawal was confirmed already`]);
  });
});
