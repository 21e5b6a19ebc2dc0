import { canonicalTimeZone, localMidnight } from './local-day';

describe('localMidnight', () => {
  it.each<[string, string, string]>([
    ['2026-07-01', 'UTC', '2026-07-01T00:00:00.000Z'],
    ['2026-01-15', 'Europe/Belgrade', '2026-01-14T23:00:00.000Z'],
    ['2026-07-15', 'Europe/Belgrade', '2026-07-14T22:00:00.000Z'],
    // Summer time begins at 02:00 that day, ends at 03:00: the midnight before either is in the old offset.
    ['2026-03-29', 'Europe/Belgrade', '2026-03-28T23:00:00.000Z'],
    ['2026-03-30', 'Europe/Belgrade', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', 'Europe/Belgrade', '2026-10-24T22:00:00.000Z'],
    ['2026-10-26', 'Europe/Belgrade', '2026-10-25T23:00:00.000Z'],
    ['2026-07-01', 'America/New_York', '2026-07-01T04:00:00.000Z'],
    ['2026-07-01', 'Pacific/Kiritimati', '2026-06-30T10:00:00.000Z'],
    // Sydney's summer time begins at 02:00 local, already past at 00:00 UTC: midnight is still +10.
    ['2026-10-04', 'Australia/Sydney', '2026-10-03T14:00:00.000Z'],
    // Havana's clocks jump from 00:00 to 01:00 on 8 March (the day begins at the jump) and go back from 01:00 to
    // 00:00 on 1 November (the first midnight).
    ['2026-03-08', 'America/Havana', '2026-03-08T05:00:00.000Z'],
    ['2026-11-01', 'America/Havana', '2026-11-01T04:00:00.000Z'],
  ])('%s begins in %s at %s', (date, zone, instant) => {
    expect(localMidnight(date, zone).toISOString()).toBe(instant);
  });
});

describe('canonicalTimeZone', () => {
  it('spells a known zone as Intl does and knows no other', () => {
    expect([canonicalTimeZone('europe/belgrade'), canonicalTimeZone('UTC')]).toEqual(['Europe/Belgrade', 'UTC']);
    expect([canonicalTimeZone('Europe/Novi_Sad'), canonicalTimeZone(''), canonicalTimeZone(1)]).toEqual([null, null, null]);
  });
});
