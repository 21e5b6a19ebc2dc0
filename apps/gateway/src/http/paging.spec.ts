import { SEQ, TIME_AND_ID, pageOf, readCursor, writeCursor } from './paging';

describe('list cursors', () => {
  const key = { at: new Date('2026-01-31T12:00:00.123Z'), id: '8b396db7-a709-4fef-b1dd-b933eb0acad1' };

  it('read back what they wrote, and nothing of another list', () => {
    expect(readCursor(TIME_AND_ID, writeCursor(TIME_AND_ID, key))).toEqual(key);
    expect(readCursor(SEQ, writeCursor(SEQ, 42))).toBe(42);
    expect(readCursor(SEQ, writeCursor(TIME_AND_ID, key))).toBeNull();
    expect(readCursor(TIME_AND_ID, writeCursor(SEQ, 42))).toBeNull();
  });

  it('refuse what is not in the canonical form they write', () => {
    const cursor = writeCursor(TIME_AND_ID, key);
    for (const bad of [`${cursor}=`, `${cursor}A`, `+${cursor.slice(1)}`, ` ${cursor}`, '', 'x'.repeat(201), 42, ['a']]) {
      expect(readCursor(TIME_AND_ID, bad)).toBeNull();
    }
  });

  it('give the next page only when a row beyond the limit was read', () => {
    const rows = [3, 2, 1].map((n) => ({ n }));
    expect(
      pageOf(
        rows,
        2,
        SEQ,
        (r) => r.n,
        (r) => r.n,
      ),
    ).toEqual({ items: [3, 2], next: writeCursor(SEQ, 2) });
    expect(
      pageOf(
        rows,
        3,
        SEQ,
        (r) => r.n,
        (r) => r.n,
      ),
    ).toEqual({ items: [3, 2, 1], next: null });
  });
});
