import { AFTER_THE_END, OPEN_STATES, purgedBy, transition } from './case-states';

describe('case states', () => {
  it('lets nothing into an ended case but the purge.confirmed that answers a withdrawal', () => {
    expect(AFTER_THE_END).toEqual({ declined: [], withdrawn: ['purge.confirmed'], closed: [] });
    expect(transition('declined', 'case.closed', 'receiving', 'return')).toEqual({ ok: false, reason: 'the case has ended (declined): no case.closed after that' });
  });

  it('ends the case on a withdrawal of share-coded, and keeps its state on one of share-sealed alone', () => {
    for (const state of OPEN_STATES) {
      expect(transition(state, 'consent.withdrawn', 'referring', 'return', { body: { scope: ['share-coded', 'share-sealed'] } })).toEqual({ ok: true, state: 'withdrawn' });
      expect(transition(state, 'consent.withdrawn', 'referring', 'return', { body: { scope: ['share-sealed'] } })).toEqual({ ok: true, state });
      expect(transition(state, 'purge.confirmed', 'receiving', 'return')).toEqual({ ok: true, state });
    }
  });

  it('confirms as purged what the scope shared: everything for share-coded, the sealed details for share-sealed', () => {
    expect(purgedBy(['share-coded'])).toEqual(['share-coded', 'share-sealed']);
    expect(purgedBy(['share-sealed', 'share-coded'])).toEqual(['share-coded', 'share-sealed']);
    expect(purgedBy(['share-sealed'])).toEqual(['share-sealed']);
  });
});
