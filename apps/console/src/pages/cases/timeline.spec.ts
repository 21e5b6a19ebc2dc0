import { answered, readTimeline, topicsAsked } from './timeline';
import type { Schemas } from '../../api/client';

// Entries as CaseViewsService.view writes them: one per event, messages by id.
const entries: Schemas['TimelineEntryView'][] = [
  { at: '2025-03-01T10:00:00.000Z', event: 'received handover.request', message: 'm1', direction: 'in', from: 'AT/bmi-thb/coordination', receipt: 'delivered' },
  { at: '2025-03-01T10:00:00.000Z', event: 'deadline set: acceptance', owedBy: 'us', dueAt: '2025-03-03T10:00:00.000Z' },
  { at: '2025-03-01T11:00:00.000Z', event: 'submitted handover.accepted', message: 'm2', direction: 'out' },
  {
    at: '2025-03-01T11:00:01.000Z',
    event: 'sent handover.accepted',
    message: 'm2',
    direction: 'out',
    from: 'RS/cptv/intake',
    to: 'AT/bmi-thb/coordination',
    inReplyTo: 'm1',
  },
  { at: '2025-03-01T11:00:02.000Z', event: 'receipt delivered for handover.accepted', message: 'm2', direction: 'in', receipt: 'r1' },
  { at: '2025-03-01T11:00:00.000Z', event: 'deadline met: acceptance', by: 'm2' },
  {
    at: '2025-03-02T09:00:00.000Z',
    event: 'received info.request',
    message: 'm3',
    direction: 'in',
    from: 'AT/bmi-thb/coordination',
    receipt: 'rejected (invalid-body)',
  },
  { at: '2025-03-04T00:00:00.000Z', event: 'deadline missed: arrival', owedBy: 'us' },
  { at: '2025-03-04T00:00:00.000Z', event: 'deadline met late: arrival', by: 'm4' },
  { at: '2025-03-04T00:05:00.000Z', event: 'escalated: alert', kind: 'arrival', target: 'RS/cptv/coordination' },
  { at: '2025-03-05T00:00:00.000Z', event: 'participant added', role: 'RS/astra/return-support' },
];

describe('readTimeline', () => {
  const lines = readTimeline(entries);

  it('gives each message one line with its latest status, roles and the message it answers', () => {
    const accepted = lines.find((l) => l.kind === 'message' && l.id === 'm2');
    expect(accepted).toMatchObject({ type: 'handover.accepted', direction: 'out', status: 'delivered', from: 'RS/cptv/intake', to: 'AT/bmi-thb/coordination' });
    expect(answered(lines, accepted?.kind === 'message' ? accepted.inReplyTo : undefined)).toMatchObject({ id: 'm1', type: 'handover.request' });
    expect(lines.filter((l) => l.kind === 'message')).toHaveLength(3);
  });

  it('reads a refused message as rejected with its reason code', () => {
    expect(lines.find((l) => l.kind === 'message' && l.id === 'm3')).toMatchObject({ direction: 'in', status: 'rejected', reason: 'invalid-body' });
  });

  it('names deadlines set, met, met late and missed, escalations and participants', () => {
    const events = lines.flatMap((l) => (l.kind === 'message' ? [] : [`${l.kind}:${l.what}:${l.deadlineKind ?? l.role}`]));
    expect(events).toEqual([
      'deadline:set:acceptance',
      'deadline:met:acceptance',
      'deadline:missed:arrival',
      'deadline:met-late:arrival',
      'escalation:alert:arrival',
      'participant:added:RS/astra/return-support',
    ]);
  });
});

describe('what messages said', () => {
  const asked = (at: string, id: string, topics: Array<'documents' | 'consent' | 'travel-arrangements'>): Schemas['TimelineEntryView'] => ({
    at,
    event: 'received info.request',
    message: id,
    direction: 'in',
    from: 'AT/bmi-thb/coordination',
    receipt: 'delivered',
    body: { topics },
  });
  const answer = (at: string, id: string, inReplyTo: string, receipt: 'delivered' | 'rejected'): Schemas['TimelineEntryView'][] => [
    { at, event: 'submitted info.response', message: id, direction: 'out', body: { answers: [{ topic: 'documents', status: 'provided' }] } },
    { at, event: 'sent info.response', message: id, direction: 'out', from: 'RS/cptv/intake', to: 'AT/bmi-thb/coordination', inReplyTo },
    {
      at,
      event: `receipt ${receipt} for info.response`,
      message: id,
      direction: 'in',
      receipt: 'r',
      ...(receipt === 'rejected' ? { reason: 'invalid-body' } : {}),
    },
  ];

  it("keeps each message's body on its line, as sent or as received", () => {
    const lines = readTimeline([asked('2025-03-02T09:00:00.000Z', 'q1', ['documents']), ...answer('2025-03-02T10:00:00.000Z', 'a1', 'q1', 'delivered')]);
    expect(lines.map((l) => (l.kind === 'message' ? l.body : undefined))).toEqual([
      { topics: ['documents'] },
      { answers: [{ topic: 'documents', status: 'provided' }] },
    ]);
  });

  it('offers the topics of the oldest question no answer of ours replies to (a refused answer does not count)', () => {
    const q1 = asked('2025-03-02T09:00:00.000Z', 'q1', ['documents', 'consent']);
    const q2 = asked('2025-03-02T09:30:00.000Z', 'q2', ['travel-arrangements']);
    expect(topicsAsked(readTimeline([q1, q2]))).toEqual(['documents', 'consent']);
    expect(topicsAsked(readTimeline([q1, q2, ...answer('2025-03-02T10:00:00.000Z', 'a1', 'q1', 'delivered')]))).toEqual(['travel-arrangements']);
    expect(topicsAsked(readTimeline([q1, q2, ...answer('2025-03-02T10:00:00.000Z', 'a1', 'q1', 'rejected')]))).toEqual(['documents', 'consent']);
    expect(topicsAsked(readTimeline([{ ...q1, body: undefined }]))).toBeUndefined();
  });
});
