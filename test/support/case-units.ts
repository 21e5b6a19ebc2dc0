import { Envelope, EnvelopeInit, createEnvelope } from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { CaseFile } from '../../apps/gateway/src/cases/case-file.entity';
import { OutboundMessage } from '../../apps/gateway/src/message-log/outbound-message.entity';

/** What the unit specs of the case rules and lifecycle share: RS's view of a case AT referred to it. */
export const UNIT_NOW = new Date('2026-11-22T10:15:30Z');
/** When the partner (or this node) made the messages: a minute before UNIT_NOW. */
export const UNIT_MADE = new Date(UNIT_NOW.getTime() - 60_000);
export const UNIT_CASE = 'AT-2026-7F3K9Q';
const AT_COORDINATOR = 'AT/bmi-thb/coordination';
const RS_INTAKE = 'RS/cptv/intake';
export const UNIT_CONSENT = { given: true as const, by: 'person' as const, recordedAt: UNIT_MADE.toISOString(), scope: ['share-coded', 'share-sealed'] };

/** A message of AT's coordinator to RS's intake in the case. */
export const fromAT = (change: Partial<EnvelopeInit<unknown>>): Envelope =>
  createEnvelope({
    id: randomUUID(),
    type: 'case.updated',
    from: 'AT',
    to: 'RS',
    sender: AT_COORDINATOR,
    recipient: RS_INTAKE,
    caseRef: UNIT_CASE,
    createdAt: UNIT_MADE.toISOString(),
    body: {},
    ...change,
  });

/** RS's message to AT in the case, as RS's outbox holds it (not applied yet). */
export const sentByRS = (change: Partial<EnvelopeInit<unknown>>): OutboundMessage => {
  const envelope = fromAT({ from: 'RS', to: 'AT', sender: RS_INTAKE, recipient: AT_COORDINATOR, ...change });
  return Object.assign(new OutboundMessage(), {
    id: envelope.id,
    type: envelope.type,
    caseRef: envelope.caseRef,
    inReplyTo: envelope.inReplyTo,
    createdAt: new Date(envelope.createdAt),
    envelope,
    appliedAt: null,
  });
};

/** The case on RS, referred by AT, for a return, with consent to share everything. */
export const caseFile = (change: Partial<CaseFile>): CaseFile =>
  Object.assign(new CaseFile(), {
    id: randomUUID(),
    caseRef: UNIT_CASE,
    direction: 'incoming',
    partner: 'AT',
    sender: AT_COORDINATOR,
    recipient: RS_INTAKE,
    purpose: 'return',
    createdAt: UNIT_MADE,
    ourRole: RS_INTAKE,
    partnerRole: AT_COORDINATOR,
    participants: [],
    state: 'referred',
    stateChangedAt: UNIT_MADE,
    closedAt: null,
    purgedAt: null,
    consent: { ...UNIT_CONSENT },
    ...change,
  });
