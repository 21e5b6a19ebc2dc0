import { shouldPolyfill as dateTimeFormatMissing } from '@formatjs/intl-datetimeformat/should-polyfill.js';
import { shouldPolyfill as displayNamesMissing } from '@formatjs/intl-displaynames/should-polyfill.js';
import { shouldPolyfill as canonicalLocalesMissing } from '@formatjs/intl-getcanonicallocales/should-polyfill.js';
import { shouldPolyfill as localeMissing } from '@formatjs/intl-locale/should-polyfill.js';
import { shouldPolyfill as numberFormatMissing } from '@formatjs/intl-numberformat/should-polyfill.js';
import { shouldPolyfill as pluralRulesMissing } from '@formatjs/intl-pluralrules/should-polyfill.js';
import { shouldPolyfill as relativeTimeFormatMissing } from '@formatjs/intl-relativetimeformat/should-polyfill.js';
import { LANGUAGES } from './languages';

/**
 * Browsers ship ICU without data for some of the console's languages (Chromium has none for Albanian and Macedonian:
 * English dates, relative times, month names and country names). Where one console language is missing from an Intl
 * API, FormatJS's polyfill replaces that API with locale data for ALL six languages, so no language falls back to the
 * browser's data and another to the polyfill's. Everything is bundled (dynamic imports: loaded only where needed).
 *
 * FormatJS's locale data: `sr` is Serbian in Cyrillic (our `sr-Cyrl` resolves to it), `sr-Latn` Serbian in Latin;
 * the plural rules have only `sr` (both scripts count alike).
 */
type Load = () => Promise<unknown>;

const pluralRulesData: Load[] = [
  () => import('@formatjs/intl-pluralrules/locale-data/en.js'),
  () => import('@formatjs/intl-pluralrules/locale-data/de.js'),
  () => import('@formatjs/intl-pluralrules/locale-data/sr.js'),
  () => import('@formatjs/intl-pluralrules/locale-data/sq.js'),
  () => import('@formatjs/intl-pluralrules/locale-data/mk.js'),
];
const numberFormatData: Load[] = [
  () => import('@formatjs/intl-numberformat/locale-data/en.js'),
  () => import('@formatjs/intl-numberformat/locale-data/de.js'),
  () => import('@formatjs/intl-numberformat/locale-data/sr-Latn.js'),
  () => import('@formatjs/intl-numberformat/locale-data/sr.js'),
  () => import('@formatjs/intl-numberformat/locale-data/sq.js'),
  () => import('@formatjs/intl-numberformat/locale-data/mk.js'),
];
const dateTimeFormatData: Load[] = [
  () => import('@formatjs/intl-datetimeformat/locale-data/en.js'),
  () => import('@formatjs/intl-datetimeformat/locale-data/de.js'),
  () => import('@formatjs/intl-datetimeformat/locale-data/sr-Latn.js'),
  () => import('@formatjs/intl-datetimeformat/locale-data/sr.js'),
  () => import('@formatjs/intl-datetimeformat/locale-data/sq.js'),
  () => import('@formatjs/intl-datetimeformat/locale-data/mk.js'),
];
const relativeTimeFormatData: Load[] = [
  () => import('@formatjs/intl-relativetimeformat/locale-data/en.js'),
  () => import('@formatjs/intl-relativetimeformat/locale-data/de.js'),
  () => import('@formatjs/intl-relativetimeformat/locale-data/sr-Latn.js'),
  () => import('@formatjs/intl-relativetimeformat/locale-data/sr.js'),
  () => import('@formatjs/intl-relativetimeformat/locale-data/sq.js'),
  () => import('@formatjs/intl-relativetimeformat/locale-data/mk.js'),
];
const displayNamesData: Load[] = [
  () => import('@formatjs/intl-displaynames/locale-data/en.js'),
  () => import('@formatjs/intl-displaynames/locale-data/de.js'),
  () => import('@formatjs/intl-displaynames/locale-data/sr-Latn.js'),
  () => import('@formatjs/intl-displaynames/locale-data/sr.js'),
  () => import('@formatjs/intl-displaynames/locale-data/sq.js'),
  () => import('@formatjs/intl-displaynames/locale-data/mk.js'),
];

const codes = LANGUAGES.map((l) => l.code);
const missingFor = (check: (locale: string) => unknown) => codes.some((code) => Boolean(check(code)));

/** The Intl APIs that lack one of the console's languages, judged on the browser's own Intl before anything is replaced. */
export function missingIntl() {
  return {
    getCanonicalLocales: canonicalLocalesMissing(),
    locale: localeMissing(),
    pluralRules: missingFor(pluralRulesMissing),
    numberFormat: missingFor(numberFormatMissing),
    dateTimeFormat: missingFor(dateTimeFormatMissing),
    relativeTimeFormat: missingFor(relativeTimeFormatMissing),
    displayNames: missingFor(displayNamesMissing),
  };
}

/** Loads the polyfills the browser needs (in FormatJS's dependency order); resolves at once where none is. */
export async function loadIntlPolyfills(): Promise<void> {
  const missing = missingIntl();
  // The polyfill formats in UTC unless told the reader's zone: take it from the browser before replacing its Intl.
  const timeZone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  const withData = async (polyfill: Load, data: Load[]) => {
    await polyfill();
    await Promise.all(data.map((load) => load()));
  };
  if (missing.getCanonicalLocales) await import('@formatjs/intl-getcanonicallocales/polyfill-force.js');
  if (missing.locale) await import('@formatjs/intl-locale/polyfill-force.js');
  if (missing.pluralRules) await withData(() => import('@formatjs/intl-pluralrules/polyfill-force.js'), pluralRulesData);
  if (missing.numberFormat) await withData(() => import('@formatjs/intl-numberformat/polyfill-force.js'), numberFormatData);
  if (missing.dateTimeFormat) {
    await withData(() => import('@formatjs/intl-datetimeformat/polyfill-force.js'), dateTimeFormatData);
    await import('@formatjs/intl-datetimeformat/add-all-tz.js');
    const polyfilled = Intl.DateTimeFormat as typeof Intl.DateTimeFormat & { __setDefaultTimeZone?: (tz: string) => void };
    if (timeZone) polyfilled.__setDefaultTimeZone?.(timeZone);
  }
  if (missing.relativeTimeFormat) await withData(() => import('@formatjs/intl-relativetimeformat/polyfill-force.js'), relativeTimeFormatData);
  if (missing.displayNames) await withData(() => import('@formatjs/intl-displaynames/polyfill-force.js'), displayNamesData);
}
