import i18n, { type Resource } from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';
import { DEFAULT_LANGUAGE, type Language, initialLanguage, rememberLanguage } from './languages';

// Every namespace of every language is bundled: the console fetches nothing but the API at run time.
const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });
const resources: Resource = {};
for (const [path, file] of Object.entries(files)) {
  const [, lng, ns] = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path)!;
  (resources[lng] ??= {})[ns] = file.default;
}

export const NAMESPACES = [...new Set(Object.keys(files).map((p) => /([^/]+)\.json$/.exec(p)![1]))];

/** Messages are ICU MessageFormat: plurals by the CLDR rules of the language (`{count, plural, one {…} few {…} other {…}}`). */
export async function startI18n(): Promise<void> {
  await i18n
    .use(ICU)
    .use(initReactI18next)
    .init({
      resources,
      lng: initialLanguage(),
      fallbackLng: DEFAULT_LANGUAGE,
      ns: NAMESPACES,
      defaultNS: 'common',
      interpolation: { escapeValue: false }, // React escapes
      returnNull: false,
    });
  document.documentElement.lang = i18n.language;
  i18n.on('languageChanged', (lng) => (document.documentElement.lang = lng));
}

export async function chooseLanguage(code: Language): Promise<void> {
  rememberLanguage(code);
  await i18n.changeLanguage(code);
}

export { i18n };
