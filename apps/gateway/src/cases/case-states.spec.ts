import { AFTER_THE_END, OPEN_STATES, consentProblem, purgedBy, transition } from './case-states';

describe('case states', () => {
  it('lets nothing into an ended case but a withdrawal of consent and its purge.confirmed', () => {
    expect(AFTER_THE_END).toEqual({
      declined: ['consent.withdrawn', 'purge.confirmed'],
      withdrawn: ['purge.confirmed'],
      closed: ['consent.withdrawn', 'purge.confirmed'],
    });
    expect(transition('declined', 'case.closed', 'receiving', 'return')).toEqual({
      ok: false,
      reason: 'the case has ended (declined): no case.closed after that',
    });
  });

  it('ends the case on a withdrawal of share-coded, and keeps its state on one of share-sealed alone', () => {
    for (const state of OPEN_STATES) {
      expect(transition(state, 'consent.withdrawn', 'referring', 'return', { body: { scope: ['share-coded', 'share-sealed'] } })).toEqual({
        ok: true,
        state: 'withdrawn',
      });
      expect(transition(state, 'consent.withdrawn', 'referring', 'return', { body: { scope: ['share-sealed'] } })).toEqual({ ok: true, state });
      expect(transition(state, 'purge.confirmed', 'receiving', 'return')).toEqual({ ok: true, state });
    }
  });

  it('confirms as purged what the scope shared: everything for share-coded, the sealed details for share-sealed', () => {
    expect(purgedBy(['share-coded'])).toEqual(['share-coded', 'share-sealed']);
    expect(purgedBy(['share-sealed', 'share-coded'])).toEqual(['share-coded', 'share-sealed']);
    expect(purgedBy(['share-sealed'])).toEqual(['share-sealed']);
  });

  it('takes a withdrawal only of what is not withdrawn yet, and a purge.confirmed only for a withdrawal, once, stating what it purged', () => {
    expect(consentProblem('consent.withdrawn', { scope: ['share-sealed'] }, { withdrawnScope: ['share-sealed'] })).toBe(
      'consent was withdrawn already (share-sealed)',
    );
    expect(consentProblem('consent.withdrawn', { scope: ['share-coded'] }, { withdrawnScope: ['share-sealed'] })).toBeNull();
    expect(consentProblem('consent.withdrawn', { scope: ['share-sealed'] }, null)).toBeNull();
    const sealedOnly = { scope: ['share-sealed'], confirmed: false };
    expect(consentProblem('purge.confirmed', { scope: ['share-sealed'] }, null, null)).toBe(
      'purge.confirmed must answer (inReplyTo) a consent.withdrawn of the case',
    );
    expect(consentProblem('purge.confirmed', { scope: ['share-sealed'] }, null, sealedOnly)).toBeNull();
    expect(consentProblem('purge.confirmed', { scope: ['share-coded', 'share-sealed'] }, null, sealedOnly)).toBe(
      'the withdrawal it answers purges share-sealed',
    );
    expect(consentProblem('purge.confirmed', { scope: ['share-sealed', 'share-coded'] }, null, { scope: ['share-coded'], confirmed: false })).toBeNull();
    expect(consentProblem('purge.confirmed', { scope: ['share-sealed'] }, null, { ...sealedOnly, confirmed: true })).toBe(
      'that withdrawal was confirmed already',
    );
  });
});
