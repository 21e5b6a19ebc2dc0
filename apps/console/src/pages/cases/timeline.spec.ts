import { answered, readTimeline } from './timeline';
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
