import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';
import { useFormat } from '../i18n/format';
import { useCodeLabel } from './CodeLabel';

export type RankingReason = Schemas['RankingReasonView'];

/** Whether a ground speaks against the role (shown in a warning colour). */
export const against = (r: RankingReason): boolean =>
  ['notLanguage', 'notExploitation', 'otherRegion', 'vacant', 'vacantFallback', 'unconfirmed'].includes(r.code);

/** The directory lookup's coded ranking grounds (`because`) in the reader's language. */
export function useRankingReason(): (r: RankingReason) => string {
  const { t } = useTranslation('directory');
  const code = useCodeLabel();
  const { language } = useFormat();
  return (r) => {
    const value = r.value ?? '';
    switch (r.code) {
      case 'purpose':
      case 'ageGroup':
        return t(`reason.${r.code}`, { [r.code]: code(r.code, value) });
      case 'exploitation':
      case 'notExploitation':
        return t(`reason.${r.code}`, { exploitation: code('exploitation', value) });
      case 'language':
        return t('reason.language', { language: language(value) });
      case 'notLanguage':
        return t('reason.notLanguage', {
          language: language(value),
          languages: r.languages?.length ? r.languages.map(language).join(', ') : t('reason.noLanguage'),
        });
      case 'region':
      case 'otherRegion':
        return t('reason.region', { region: value });
      case 'vacantFallback':
        return t('reason.vacantFallback', { fallback: r.fallback ?? '' });
      default:
        return t(`reason.${r.code}`);
    }
  };
}
