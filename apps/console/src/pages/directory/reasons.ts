import { useTranslation } from 'react-i18next';
import { useCodeLabel } from '../../components/CodeLabel';

/**
 * The lookup's ranking reasons (apps/gateway/src/directory/lookup.service.ts: English sentences around codes) in the
 * reader's language. A reason of a shape this list does not know is shown as the API wrote it.
 */
const SHAPES: Array<[RegExp, string, (m: RegExpExecArray) => Record<string, string>]> = [
  [/^handles age group (\S+)$/, 'ageGroup', (m) => ({ ageGroup: m[1] })],
  [/^handles every form of exploitation$/, 'everyExploitation', () => ({})],
  [/^handles (\S+) exploitation$/, 'exploitation', (m) => ({ exploitation: m[1] })],
  [/^does not list (\S+) exploitation$/, 'notExploitation', (m) => ({ exploitation: m[1] })],
  [/^handles (\S+)$/, 'purpose', (m) => ({ purpose: m[1] })],
  [/^does not list ([a-z]{2}) \(works in (.*)\)$/, 'notLanguage', (m) => ({ language: m[1], languages: m[2] })],
  [/^works in ([a-z]{2})$/, 'language', (m) => ({ language: m[1] })],
  [/^works nationally$/, 'national', () => ({})],
  [/^works in (.+)$/, 'region', (m) => ({ region: m[1] })],
  [/^staffed$/, 'staffed', () => ({})],
  [/^vacant: messages go to (\S+)$/, 'vacantFallback', (m) => ({ fallback: m[1] })],
  [/^vacant$/, 'vacant', () => ({})],
  [/^entry not confirmed recently$/, 'unconfirmed', () => ({})],
];

/** A language code named in the reader's language ("sq" → "Albanian"), the code itself if unknown. */
export function useLanguageName(): (code: string) => string {
  const { i18n } = useTranslation();
  const names = new Intl.DisplayNames([i18n.language], { type: 'language', fallback: 'code' });
  return (code) => names.of(code) ?? code;
}

export function useReasonText(): (reason: string) => string {
  const { t } = useTranslation('directory');
  const code = useCodeLabel();
  const language = useLanguageName();
  return (reason) => {
    for (const [shape, key, values] of SHAPES) {
      const m = shape.exec(reason);
      if (!m) continue;
      const v = values(m);
      return t(`reason.${key}`, {
        ...v,
        ...(v.purpose && { purpose: code('purpose', v.purpose) }),
        ...(v.ageGroup && { ageGroup: code('ageGroup', v.ageGroup) }),
        ...(v.exploitation && { exploitation: code('exploitation', v.exploitation) }),
        ...(v.language && { language: language(v.language) }),
        ...(v.languages && { languages: v.languages === 'no listed language' ? t('reason.noLanguage') : v.languages.split(', ').map(language).join(', ') }),
      });
    }
    return reason;
  };
}
