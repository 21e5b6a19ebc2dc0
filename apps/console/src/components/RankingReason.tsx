import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';
import { useCodeLabel } from './CodeLabel';

export type RankingReason = Schemas['RankingReasonView'];

/** Whether a ground speaks against the role (shown in a warning colour). */
export const against = (r: RankingReason): boolean =>
  ['notLanguage', 'notExploitation', 'otherRegion', 'vacant', 'vacantFallback', 'unconfirmed'].includes(r.code);

/** A language code named in the reader's language ("sq" → "Albanian"), the code itself if unknown. */
export function useLanguageName(): (code: string) => string {
  const { i18n } = useTranslation();
  const names = new Intl.DisplayNames([i18n.language, 'en'], { type: 'language', fallback: 'code' });
  return (code) => names.of(code) ?? code;
}

/** A country code named in the reader's language ("RS" → "Serbia"), the code itself if unknown. */
export function useRegionName(): (code: string) => string {
  const { i18n } = useTranslation();
  const names = new Intl.DisplayNames([i18n.language, 'en'], { type: 'region', fallback: 'code' });
  return (code) => names.of(code) ?? code;
}

/** The directory lookup's coded ranking grounds (`because`) in the reader's language. */
export function useRankingReason(): (r: RankingReason) => string {
  const { t } = useTranslation('directory');
  const code = useCodeLabel();
  const language = useLanguageName();
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
