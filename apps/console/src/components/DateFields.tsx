import { DatePicker, TimePicker } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';

/** A YYYY-MM-DD day as the API wants it (an empty field is ''). */
export const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
/** An HH:MM time of the 24-hour clock; what the reader typed otherwise (so a check can say it is not a time). */
export const isTime = (v: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v);

/**
 * A calendar day (YYYY-MM-DD) with PatternFly's date picker: the calendar's month and day names in the reader's
 * language. `id` is the text input's id (for the label and an error summary's link).
 */
export function DayField({
  id,
  label,
  value,
  onChange,
  invalid,
  describedBy,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  invalid: boolean;
  describedBy?: string;
}) {
  const { t, i18n } = useTranslation('common');
  return (
    <DatePicker
      value={value}
      onChange={(_e, v) => onChange(v)}
      locale={i18n.language}
      aria-label={label}
      placeholder={t('form.dayPlaceholder')}
      buttonAriaLabel={t('form.openCalendar', { label })}
      invalidFormatText={t('form.dayFormat')}
      prevMonthAriaLabel={t('form.previousMonth')}
      nextMonthAriaLabel={t('form.nextMonth')}
      yearInputAriaLabel={t('form.year')}
      inputProps={{ id, validated: invalid ? 'error' : 'default', 'aria-describedby': describedBy, 'aria-invalid': invalid }}
      appendTo={() => document.body}
    />
  );
}

/** Whether the reader's language writes times on the 24-hour clock. */
const uses24Hours = (locale: string) => {
  const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h23' || cycle === 'h24';
};

/**
 * A time of day with PatternFly's time picker, on the clock of the reader's language; `onChange` gets HH:MM (24-hour)
 * when the text is a time, '' when empty, else the text as typed (which `isTime` refuses). It keeps its own text: the
 * forms start it empty.
 */
export function TimeField({
  id,
  label,
  onChange,
  invalid,
  describedBy,
}: {
  id: string;
  label: string;
  onChange: (v: string) => void;
  invalid: boolean;
  describedBy?: string;
}) {
  const { t, i18n } = useTranslation('common');
  const is24Hour = uses24Hours(i18n.language);
  return (
    <TimePicker
      id={`${id}-picker`}
      is24Hour={is24Hour}
      placeholder={is24Hour ? t('form.timePlaceholder24') : t('form.timePlaceholder12')}
      invalidFormatErrorMessage={t('form.timeFormat')}
      aria-label={label}
      menuAppendTo={() => document.body}
      onChange={(_e, text, hour, minute, _s, valid) =>
        onChange(!text.trim() ? '' : valid && hour != null && minute != null ? `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` : text)
      }
      inputProps={{ id, validated: invalid ? 'error' : 'default', 'aria-describedby': describedBy, 'aria-invalid': invalid }}
    />
  );
}
