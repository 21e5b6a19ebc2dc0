import { useTranslation } from 'react-i18next';

/** A coded value of the profile (purpose, state, reason…) in the reader's language; the code itself as a tooltip. */
export function CodeLabel({ list, value }: { list: string; value: string | null | undefined }) {
  const { t } = useTranslation('codes');
  if (!value) return null;
  const key = `${list}.${value.replaceAll('.', '-')}`;
  return <span title={value}>{t(key, { defaultValue: value })}</span>;
}

/** The same as a plain string, for table cells that sort or filter. */
export function useCodeLabel(): (list: string, value: string | null | undefined) => string {
  const { t } = useTranslation('codes');
  return (list, value) => (value ? t(`${list}.${value.replaceAll('.', '-')}`, { defaultValue: value }) : '');
}
