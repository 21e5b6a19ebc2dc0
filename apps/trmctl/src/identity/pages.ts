import { Language, STRINGS, Strings, format } from './strings';

/** The provider's only stylesheet, served from its own origin (the pages' CSP allows no inline style or script). */
export const STYLESHEET_PATH = '/assets/identity.css';

export const STYLESHEET = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:"Red Hat Text","Segoe UI",system-ui,-apple-system,sans-serif;font-size:100%;line-height:1.5;color:#151515;background:#f2f2f2}
body{margin:0;padding:2rem 1rem}
main{max-width:26rem;margin:0 auto;background:#fff;border:1px solid #c7c7c7;border-radius:4px;padding:1.5rem 1.5rem 2rem}
h1{font-size:1.75rem;line-height:1.25;margin:0 0 .5rem}
p{margin:0 0 1rem}
.field{margin:0 0 1.25rem}
label{display:block;font-weight:700;margin:0 0 .25rem}
input{display:block;width:100%;font:inherit;padding:.5rem .625rem;border:2px solid #4f4f4f;border-radius:3px;color:#151515;background:#fff}
input[aria-invalid="true"]{border-color:#a30000}
.error{color:#a30000;font-weight:700;margin:.25rem 0 0}
button{font:inherit;font-weight:700;padding:.625rem 1.25rem;border:2px solid #0066cc;border-radius:3px;background:#0066cc;color:#fff;cursor:pointer}
button:hover{background:#004080;border-color:#004080}
:focus-visible{outline:3px solid #151515;outline-offset:3px}
input:focus-visible{outline:3px solid #151515;outline-offset:1px}
.details{color:#4f4f4f;font-size:.875rem}
`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

export function page(lang: Language, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface LoginForm {
  node: string;
  lang: Language;
  /** Where the form posts: /interaction/<uid>/login. */
  action: string;
  login?: string;
  /** Which message to show, and next to which field. */
  problem?: 'wrong' | 'throttled' | 'empty';
  emptyLogin?: boolean;
  emptyPassword?: boolean;
}

/** The sign-in form: labelled fields, each error next to its field and named by its aria-describedby. */
export function loginPage(form: LoginForm): string {
  const t: Strings = STRINGS[form.lang];
  const loginError = form.problem === 'empty' && form.emptyLogin ? t.emptyLogin : form.problem === 'throttled' ? t.throttled : undefined;
  const passwordError = form.problem === 'wrong' ? t.wrong : form.problem === 'empty' && form.emptyPassword ? t.emptyPassword : undefined;
  // The first field with an error gets the focus; without errors the first empty one.
  const focusLogin = loginError !== undefined || (!passwordError && !form.login);
  const field = (name: 'login' | 'password', label: string, error: string | undefined, attributes: string, focus: boolean) =>
    `<div class="field">
<label for="${name}">${escapeHtml(label)}</label>
<input id="${name}" name="${name}" ${attributes}${error ? ` aria-invalid="true" aria-describedby="${name}-error"` : ''}${focus ? ' autofocus' : ''}>
${error ? `<p class="error" id="${name}-error">${escapeHtml(error)}</p>` : ''}
</div>`;
  return page(
    form.lang,
    `${t.signInTitle} – TRM ${form.node}`,
    `<h1>${escapeHtml(t.signInTitle)}</h1>
<p>${escapeHtml(format(t.intro, { node: form.node }))}</p>
<form method="post" action="${escapeHtml(form.action)}" novalidate>
${field('login', t.login, loginError, `type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(form.login ?? '')}"`, focusLogin)}
${field('password', t.password, passwordError, 'type="password" autocomplete="current-password" required', !focusLogin)}
<button type="submit">${escapeHtml(t.submit)}</button>
</form>`,
  );
}

/** A message page: a sign-in that expired, an error, the end of a sign-out without a way back. */
export function messagePage(lang: Language, title: string, text: string, details?: string): string {
  const t = STRINGS[lang];
  return page(
    lang,
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
${details ? `<p class="details">${escapeHtml(t.details)}: ${escapeHtml(details)}</p>` : ''}`,
  );
}

/** RP-initiated logout: the provider's confirmation form (hidden xsrf field) and one clear button. */
export function signOutPage(lang: Language, node: string, form: string): string {
  const t = STRINGS[lang];
  return page(
    lang,
    `${t.signOutTitle} – TRM ${node}`,
    `<h1>${escapeHtml(t.signOutTitle)}</h1>
<p>${escapeHtml(format(t.signOutText, { node }))}</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>${escapeHtml(t.signOutButton)}</button>`,
  );
}
