/**
 * What the identity provider's own pages say, in the console's languages (i18next codes). Translations other than
 * English are to be reviewed by native speakers, as the console's (apps/console/src/i18n/REVIEW.md).
 */
export const LANGUAGES = ['en', 'de', 'sr-Latn', 'sr-Cyrl', 'sq', 'mk'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Strings {
  signInTitle: string;
  intro: string;
  login: string;
  password: string;
  submit: string;
  /** The same for an unknown login and a wrong password. */
  wrong: string;
  throttled: string;
  emptyLogin: string;
  emptyPassword: string;
  expired: string;
  signOutTitle: string;
  signOutText: string;
  signOutButton: string;
  signedOut: string;
  errorTitle: string;
  errorText: string;
  details: string;
}

export const STRINGS: Record<Language, Strings> = {
  en: {
    signInTitle: 'Sign in',
    intro: 'TRM Gateway {node}. Sign in with the login name and password you were given.',
    login: 'Login name',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'The login name or the password is not right. Check both and try again.',
    throttled: 'Too many failed attempts for this login name. Wait 15 minutes, then try again.',
    emptyLogin: 'Enter your login name.',
    emptyPassword: 'Enter your password.',
    expired: 'This sign-in page has expired. Go back to the console and sign in again.',
    signOutTitle: 'Sign out',
    signOutText: 'Sign out of TRM Gateway {node}?',
    signOutButton: 'Sign out',
    signedOut: 'You are signed out.',
    errorTitle: 'Sign-in did not work',
    errorText: 'Something went wrong during sign-in. Go back to the console and try again.',
    details: 'Details',
  },
  de: {
    signInTitle: 'Anmelden',
    intro: 'TRM Gateway {node}. Melden Sie sich mit dem Anmeldenamen und dem Passwort an, die Sie erhalten haben.',
    login: 'Anmeldename',
    password: 'Passwort',
    submit: 'Anmelden',
    wrong: 'Anmeldename oder Passwort ist nicht richtig. Prüfen Sie beides und versuchen Sie es erneut.',
    throttled: 'Zu viele fehlgeschlagene Versuche für diesen Anmeldenamen. Warten Sie 15 Minuten und versuchen Sie es dann erneut.',
    emptyLogin: 'Geben Sie Ihren Anmeldenamen ein.',
    emptyPassword: 'Geben Sie Ihr Passwort ein.',
    expired: 'Diese Anmeldeseite ist abgelaufen. Gehen Sie zurück zur Konsole und melden Sie sich erneut an.',
    signOutTitle: 'Abmelden',
    signOutText: 'Von TRM Gateway {node} abmelden?',
    signOutButton: 'Abmelden',
    signedOut: 'Sie sind abgemeldet.',
    errorTitle: 'Die Anmeldung hat nicht funktioniert',
    errorText: 'Bei der Anmeldung ist ein Fehler aufgetreten. Gehen Sie zurück zur Konsole und versuchen Sie es erneut.',
    details: 'Einzelheiten',
  },
  'sr-Latn': {
    signInTitle: 'Prijava',
    intro: 'TRM Gateway {node}. Prijavite se korisničkim imenom i lozinkom koje ste dobili.',
    login: 'Korisničko ime',
    password: 'Lozinka',
    submit: 'Prijavi se',
    wrong: 'Korisničko ime ili lozinka nisu ispravni. Proverite oba i pokušajte ponovo.',
    throttled: 'Previše neuspelih pokušaja za ovo korisničko ime. Sačekajte 15 minuta, pa pokušajte ponovo.',
    emptyLogin: 'Unesite korisničko ime.',
    emptyPassword: 'Unesite lozinku.',
    expired: 'Ova stranica za prijavu je istekla. Vratite se u konzolu i ponovo se prijavite.',
    signOutTitle: 'Odjava',
    signOutText: 'Odjaviti se sa TRM Gateway {node}?',
    signOutButton: 'Odjavi se',
    signedOut: 'Odjavljeni ste.',
    errorTitle: 'Prijava nije uspela',
    errorText: 'Došlo je do greške pri prijavi. Vratite se u konzolu i pokušajte ponovo.',
    details: 'Detalji',
  },
  'sr-Cyrl': {
    signInTitle: 'Пријава',
    intro: 'TRM Gateway {node}. Пријавите се корисничким именом и лозинком које сте добили.',
    login: 'Корисничко име',
    password: 'Лозинка',
    submit: 'Пријави се',
    wrong: 'Корисничко име или лозинка нису исправни. Проверите оба и покушајте поново.',
    throttled: 'Превише неуспелих покушаја за ово корисничко име. Сачекајте 15 минута, па покушајте поново.',
    emptyLogin: 'Унесите корисничко име.',
    emptyPassword: 'Унесите лозинку.',
    expired: 'Ова страница за пријаву је истекла. Вратите се у конзолу и поново се пријавите.',
    signOutTitle: 'Одјава',
    signOutText: 'Одјавити се са TRM Gateway {node}?',
    signOutButton: 'Одјави се',
    signedOut: 'Одјављени сте.',
    errorTitle: 'Пријава није успела',
    errorText: 'Дошло је до грешке при пријави. Вратите се у конзолу и покушајте поново.',
    details: 'Детаљи',
  },
  sq: {
    signInTitle: 'Identifikimi',
    intro: 'TRM Gateway {node}. Identifikohuni me emrin e përdoruesit dhe fjalëkalimin që ju janë dhënë.',
    login: 'Emri i përdoruesit',
    password: 'Fjalëkalimi',
    submit: 'Identifikohu',
    wrong: 'Emri i përdoruesit ose fjalëkalimi nuk është i saktë. Kontrolloni të dyja dhe provoni përsëri.',
    throttled: 'Shumë përpjekje të dështuara për këtë emër përdoruesi. Prisni 15 minuta, pastaj provoni përsëri.',
    emptyLogin: 'Shkruani emrin e përdoruesit.',
    emptyPassword: 'Shkruani fjalëkalimin.',
    expired: 'Kjo faqe identifikimi ka skaduar. Kthehuni te konsola dhe identifikohuni përsëri.',
    signOutTitle: 'Dalja',
    signOutText: 'Të dilni nga TRM Gateway {node}?',
    signOutButton: 'Dil',
    signedOut: 'Keni dalë.',
    errorTitle: 'Identifikimi nuk funksionoi',
    errorText: 'Ndodhi një gabim gjatë identifikimit. Kthehuni te konsola dhe provoni përsëri.',
    details: 'Hollësi',
  },
  mk: {
    signInTitle: 'Најава',
    intro: 'TRM Gateway {node}. Најавете се со корисничкото име и лозинката што ги добивте.',
    login: 'Корисничко име',
    password: 'Лозинка',
    submit: 'Најави се',
    wrong: 'Корисничкото име или лозинката не се точни. Проверете ги двете и обидете се повторно.',
    throttled: 'Премногу неуспешни обиди за ова корисничко име. Почекајте 15 минути, а потоа обидете се повторно.',
    emptyLogin: 'Внесете го корисничкото име.',
    emptyPassword: 'Внесете ја лозинката.',
    expired: 'Оваа страница за најава истече. Вратете се во конзолата и најавете се повторно.',
    signOutTitle: 'Одјава',
    signOutText: 'Да се одјавите од TRM Gateway {node}?',
    signOutButton: 'Одјави се',
    signedOut: 'Одјавени сте.',
    errorTitle: 'Најавата не успеа',
    errorText: 'Настана грешка при најавата. Вратете се во конзолата и обидете се повторно.',
    details: 'Детали',
  },
};

/**
 * The first of the reader's languages we have: `ui_locales` (what the console passes, space-separated) before the
 * browser's Accept-Language; `sr` without a script is Cyrillic (CLDR's default), regional variants fall back to the
 * language (`de-AT` is `de`).
 */
export function chooseLanguage(uiLocales: unknown, acceptLanguage: string | undefined): Language {
  const wanted = [
    ...(typeof uiLocales === 'string' ? uiLocales.split(/\s+/) : []),
    ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0].trim()),
  ].filter(Boolean);
  for (const tag of wanted) {
    const lower = tag.toLowerCase();
    const exact = LANGUAGES.find((l) => l.toLowerCase() === lower);
    if (exact) return exact;
    const [language, ...rest] = lower.split(/[-_]/);
    if (language === 'sr') return rest.includes('latn') ? 'sr-Latn' : 'sr-Cyrl';
    const base = LANGUAGES.find((l) => l === language);
    if (base) return base;
  }
  return 'en';
}

export const format = (text: string, values: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
