import { useTranslation } from 'react-i18next';

const keyOf = (list: string, value: string) => `${list}.${value.replaceAll('.', '-')}`;

/**
 * A coded value of the profile (purpose, state, reason…) in the reader's language. A value without a label falls back
 * to the code itself; in development that fallback is marked, so a missing label is seen before it ships.
 */
export function CodeLabel({ list, value }: { list: string; value: string | null | undefined }) {
  const { t, i18n } = useTranslation('codes');
  if (!value) return null;
  const key = keyOf(list, value);
  const label = t(key, { defaultValue: value });
  if (import.meta.env.DEV && !i18n.exists(key, { ns: 'codes' }))
    return (
      <span className="trm-missing-label" data-missing-label={`codes:${key}`}>
        {label}
      </span>
    );
  return <span>{label}</span>;
}

/** The same as a plain string, for table cells that sort or filter. */
export function useCodeLabel(): (list: string, value: string | null | undefined) => string {
  const { t } = useTranslation('codes');
  return (list, value) => (value ? t(keyOf(list, value), { defaultValue: value }) : '');
}
