/** The languages of the console, in the order the language menu lists them; each names itself. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
  { code: 'sr-Latn', name: 'Srpski (latinica)' },
  { code: 'sr-Cyrl', name: 'Српски (ћирилица)' },
  { code: 'sq', name: 'Shqip' },
  { code: 'mk', name: 'Македонски' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];
export const DEFAULT_LANGUAGE: Language = 'en';

const CHOICE_KEY = 'trm.console.language';

const known = (code: string | null | undefined): Language | undefined => LANGUAGES.find((l) => l.code === code)?.code;

/**
 * The reader's language: the one they chose before (kept in local storage: a language code is not personal data),
 * else the first of the browser's languages the console has (`sr` alone means Serbian in Cyrillic, its official
 * script; `sr-RS`/`sr-Latn-RS` are matched by script), else English.
 */
export function initialLanguage(): Language {
  const chosen = known(window.localStorage.getItem(CHOICE_KEY));
  if (chosen) return chosen;
  for (const tag of navigator.languages ?? []) {
    const locale = new Intl.Locale(tag);
    if (locale.language === 'sr') return locale.maximize().script === 'Latn' ? 'sr-Latn' : 'sr-Cyrl';
    const match = known(locale.language);
    if (match) return match;
  }
  return DEFAULT_LANGUAGE;
}

export function rememberLanguage(code: Language): void {
  window.localStorage.setItem(CHOICE_KEY, code);
}
