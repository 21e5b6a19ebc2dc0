import { de } from './de';
import { en } from './en';
import { MailTexts } from './mail-texts';
import { mk } from './mk';
import { sq } from './sq';
import { sr } from './sr';

/** The languages a mail can be written in, by their ISO 639-1 codes (the directory's), Serbian in Latin script. */
export const MAIL_TEXTS = { en, de, sr, sq, mk } satisfies Record<string, MailTexts>;
export type MailLanguage = keyof typeof MAIL_TEXTS;

/** A mail has at most this many languages, so the first ones stay in view. */
const MAX_LANGUAGES = 3;

const isMailLanguage = (code: string): code is MailLanguage => Object.hasOwn(MAIL_TEXTS, code);

/** The languages of `codes` (a role's working languages, in its order) a mail is written in; English if none. */
export function mailLanguages(codes: string[]): MailLanguage[] {
  const languages = [...new Set(codes)].filter(isMailLanguage).slice(0, MAX_LANGUAGES);
  return languages.length ? languages : ['en'];
}
