import { DatePicker, FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { type Problems, fieldId } from './form';

/** The text of a problem: a key of the form's own checks, or the API's words after a translated lead-in. */
export function useProblemText(): (problem: string | undefined) => string | undefined {
  const { t } = useTranslation('handover');
  return (problem) => (problem === undefined ? undefined : problem.startsWith('api:') ? t('error.refused', { problem: problem.slice(4) }) : t(problem));
}

/** The error next to a field (GOV.UK: the message says what to do), or its hint. */
export function FieldHelp({ problems, field, hint }: { problems: Problems; field: string; hint?: string }) {
  const text = useProblemText()(problems[field]);
  if (!text && !hint) return null;
  return (
    <FormHelperText>
      <HelperText id={`${fieldId(field)}-help`} aria-live="polite">
        {text ? (
          <HelperTextItem variant="error" screenReaderText="">
            {text}
          </HelperTextItem>
        ) : (
          <HelperTextItem>{hint}</HelperTextItem>
        )}
      </HelperText>
    </FormHelperText>
  );
}

/** `validated` for a control whose field has a problem. */
export const stateOf = (problems: Problems, field: string): 'error' | 'default' => (problems[field] ? 'error' : 'default');

/** A labelled calendar day (YYYY-MM-DD), with the calendar's own controls in the reader's language. */
export function DayInput({
  field,
  value,
  onChange,
  problems,
  label,
}: {
  field: string;
  value: string;
  onChange: (v: string) => void;
  problems: Problems;
  label: string;
}) {
  const { t, i18n } = useTranslation('handover');
  const id = fieldId(field);
  return (
    <DatePicker
      value={value}
      onChange={(_e, v) => onChange(v)}
      locale={i18n.language}
      placeholder={t('day.placeholder')}
      buttonAriaLabel={t('day.open', { label })}
      invalidFormatText={t('error.day')}
      prevMonthAriaLabel={t('day.previousMonth')}
      nextMonthAriaLabel={t('day.nextMonth')}
      yearInputAriaLabel={t('day.year')}
      inputProps={{
        id,
        validated: stateOf(problems, field),
        'aria-describedby': `${id}-help`,
        'aria-invalid': Boolean(problems[field]),
      }}
      appendTo={() => document.body}
    />
  );
}
