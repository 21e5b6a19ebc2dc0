import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Dates and times in the reader's language and time zone (the browser's), and the names of countries and languages
 * (CLDR data: nothing to translate; the code itself when unknown). The API speaks UTC (RFC 3339); a case's
 * planned return date is a calendar day (YYYY-MM-DD) and is shown as that day, without a time zone shift.
 */
export function useFormat() {
  const { i18n } = useTranslation();
  return useMemo(() => formatsOf(i18n.language), [i18n.language]);
}

function formatsOf(locale: string) {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const regions = new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'code' });
  const languages = new Intl.DisplayNames([locale, 'en'], { type: 'language', fallback: 'code' });
  return {
    /** "RS" → "Serbia". */
    country: (code: string) => regions.of(code) ?? code,
    /** "sq" → "Albanian". */
    language: (code: string) => languages.of(code) ?? code,
    dateTime: (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : ''),
    /** A calendar day such as a planned return date. */
    day: (isoDay: string | null | undefined) => (isoDay ? day.format(new Date(`${isoDay.slice(0, 10)}T00:00:00Z`)) : ''),
    /** "in 3 hours", "2 days ago": the largest unit that fits. */
    fromNow: (iso: string, now = Date.now()) => {
      const ms = new Date(iso).getTime() - now;
      const abs = Math.abs(ms);
      const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
        abs >= 86_400_000 ? [ms / 86_400_000, 'day'] : abs >= 3_600_000 ? [ms / 3_600_000, 'hour'] : [ms / 60_000, 'minute'];
      return relative.format(Math.round(value), unit);
    },
  };
}
