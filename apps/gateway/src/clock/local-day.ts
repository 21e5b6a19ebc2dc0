const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The IANA name of `zone` as Intl spells it (`europe/belgrade` → `Europe/Belgrade`), or null for an unknown zone. */
export function canonicalTimeZone(zone: unknown): string | null {
  if (typeof zone !== 'string' || !zone) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * The instant `date` (`YYYY-MM-DD`) begins in `timeZone`: 00:00 local time. Where 00:00 happens twice that day, the
 * first; where the clocks jump over it (a change of summer time at midnight), the moment they jump.
 */
export function localMidnight(date: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  // The offsets a day before and a day after bracket any change of offset near that midnight.
  const candidates = [offsetAt(wall - DAY_MS, timeZone), offsetAt(wall + DAY_MS, timeZone)].map((offset) => wall - offset);
  const valid = candidates.filter((t) => offsetAt(t, timeZone) === wall - t);
  return new Date(valid.length ? Math.min(...valid) : candidates[0]);
}

/** How far local time in `timeZone` is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  const local = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return local - Math.floor(instant / 1000) * 1000;
}
