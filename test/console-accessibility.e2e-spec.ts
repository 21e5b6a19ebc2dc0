import AxeBuilder from '@axe-core/playwright';
import { Page } from 'playwright-core';
import { sampleReturnHandover } from '../apps/trmctl/src/demo/sample-handover';
import { withSealedConsent } from './support/cases';
import { ConsoleHarness, signIn, signInButton } from './support/console';
import { call, eventually } from './support/http';
import { OidcBrowser } from './support/oidc-flow';

/**
 * Issue 12, point 5 in a real browser: axe-core finds no serious or critical violation on any page each sample person
 * reaches (their navigation, the case page, each step of the new-handover form, the admin tabs, an open action form,
 * the sign-in screen and the identity provider's page); skip link, navigation and an action form work with the keyboard
 * alone; the Content-Security-Policy holds (no violation, no console error); no personal data in the URL, the title,
 * browser storage or the console after the sealed details were opened; and point 4's dates, time zone and plurals.
 */

const PERSON = {
  givenName: 'Ljiljana',
  familyName: 'Canary-A11y',
  dateOfBirth: '1994-07-14',
  placeOfBirth: 'Canaryville',
  travelDocument: { type: 'passport', number: 'CANARY-PASS-0815', issuer: 'RS', expires: '2031-07-14' },
  phone: '+381 64 999 0815',
};
const CANARIES = ['Ljiljana', 'Canary-A11y', 'CANARY-PASS-0815', '999 0815', 'Canaryville', '1994-07-14'];
type AppRole = 'coordinator' | 'caseworker' | 'auditor' | 'administrator';
const ASTRA = 'RS/astra/return-support';

const COORDINATOR_NAV = ['/inbox', '/cases', '/handovers/new', '/coordination', '/directory', '/partners', '/notifications'];

interface Person {
  node: 'AT' | 'RS';
  login: string;
  roles: AppRole[];
  /** What apps/console/src/shell/navigation.ts offers these roles, in its order. */
  nav: string[];
  /** Sees the case page (holds its role, takes part in it, or audits). */
  seesCase: boolean;
}
const PEOPLE: Person[] = [
  { node: 'AT', login: 'bmi-thb.coordination', roles: ['caseworker', 'coordinator'], nav: COORDINATOR_NAV, seesCase: true },
  { node: 'RS', login: 'cptv.intake', roles: ['caseworker', 'coordinator'], nav: COORDINATOR_NAV, seesCase: true },
  {
    node: 'RS',
    login: 'astra.return-support',
    roles: ['caseworker'],
    nav: ['/inbox', '/cases', '/handovers/new', '/directory', '/notifications'],
    seesCase: true,
  },
  { node: 'RS', login: 'auditor', roles: ['auditor'], nav: ['/cases', '/directory', '/partners', '/notifications', '/audit'], seesCase: true },
  { node: 'RS', login: 'admin', roles: ['administrator'], nav: ['/directory', '/partners', '/notifications', '/admin'], seesCase: false },
];
const mayOpen = (p: Person) => p.roles.some((r) => r === 'caseworker' || r === 'coordinator');

interface Finding {
  where: string;
  what: string;
}

describe('the console is accessible and safe (browser)', () => {
  let h: ConsoleHarness;
  let caseRef: string;
  const pages = new Map<string, Page>();
  const violations: Finding[] = [];
  /** Where axe-core ran. */
  const visited: string[] = [];
  const cspViolations: Finding[] = [];
  const consoleErrors: Finding[] = [];
  const consoleTexts: Array<Promise<string>> = [];

  /** A fresh browser for `who`, reporting CSP violations and console messages of every document it loads. */
  const instrumentedPage = async (who: string, options: { locale?: string; timezoneId?: string } = {}) => {
    const page = await h.newPage(options);
    await page.exposeBinding('__trmCspViolation', (_source, text: string) => cspViolations.push({ where: `${who} ${page.url()}`, what: text }));
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => window.__trmCspViolation(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline')))",
    );
    page.on('console', (m) => {
      // The text and every argument as logged: an object's fields too, not just "Object".
      consoleTexts.push(Promise.all(m.args().map((a) => a.jsonValue().catch(() => null))).then((args) => `${m.text()} ${JSON.stringify(args)}`));
      if (m.type() === 'error') consoleErrors.push({ where: `${who} ${page.url()}`, what: m.text() });
    });
    page.on('pageerror', (err) => consoleErrors.push({ where: `${who} ${page.url()}`, what: String(err) }));
    return page;
  };

  /** Runs axe-core on the page as it is now and keeps each serious or critical violation. */
  const axe = async (page: Page, where: string) => {
    // Colours are measured as shown at rest: PatternFly fades error texts in.
    await page.evaluate(
      'Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity).map((a) => a.finished.catch(() => 0)))',
    );
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
      for (const node of v.nodes)
        violations.push({ where, what: `${v.id} (${v.impact}) at ${node.target.join(' ')}: ${[...node.any, ...node.all][0]?.message ?? v.help}` });
    visited.push(where);
  };

  /** Until the page's heading is there and nothing in the main content is loading any more. */
  const settled = async (page: Page) => {
    await page.locator('main h1').first().waitFor();
    await page.locator('main .pf-v6-c-spinner').first().waitFor({ state: 'detached' });
  };

  const openSignedIn = async (person: Person, options: { locale?: string; timezoneId?: string } = {}) => {
    const page = await instrumentedPage(`${person.node}/${person.login}`, options);
    await signIn(page, h.url(person.node), person.login, h.account(person.node, person.login).password);
    return page;
  };

  /** Fills the new-handover form step by step with the keyboard's ids (whatever the language), calling `atStep` on each. */
  const walkHandoverForm = async (page: Page, destination: string, atStep: (step: string) => Promise<void>) => {
    const next = async (step: string) => {
      await atStep(step);
      await page.locator('main form button[type="submit"]').click();
    };
    const day = async (id: string, value: string) => {
      await page.locator(`#${id}`).fill(value);
      await page.locator(`#${id}`).blur();
    };
    await page.locator('#hf-body-purpose-return').waitFor();
    // The first step's errors, before any answer: the summary and each field's message.
    await page.locator('main form button[type="submit"]').click();
    await page.locator('main .pf-v6-c-alert.pf-m-danger').waitFor();
    await atStep('purpose, unanswered');
    await page.locator('#hf-body-purpose-return').check();
    await page.locator('input[id^="hf-sender-"]').first().check();
    await next('purpose');
    await page.locator('#hf-body-person-ageGroup-adult').check();
    await page.locator('#hf-body-person-sex-f').check();
    await page.locator('#hf-body-person-nationality').selectOption('RS');
    await page.locator('#hf-body-exploitation-sexual').check();
    await page.locator('#hf-body-risk-level-medium').check();
    await day('hf-body-risk-assessedAt', new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10));
    await day('hf-body-plannedReturn-date', new Date(Date.now() + 11 * 86_400_000).toISOString().slice(0, 10));
    await page.locator('#hf-body-plannedReturn-escort-yes').check();
    await next('facts');
    await page.locator('#hf-body-consent-by-person').check();
    await page.locator('#hf-body-consent-scope-sealed').check();
    await day('hf-body-consent-recordedAt', new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    await page.locator('#hf-body-consent-recordedAt-time').fill('10:00');
    await page.locator('#hf-body-consent-given').check();
    await next('consent');
    await page.locator('#hf-destination').selectOption(destination);
    await page.locator('input[id^="hf-recipient-"]').first().check();
    await next('recipient');
    await page.locator('#hf-sealed-givenName').fill('Ljiljana');
    await next('sealed');
    await page.locator('.trm-back').waitFor(); // the review step
    await atStep('review');
  };

  /** A sample person's access token, through their node's identity provider (as the console gets it). */
  const tokenOf = async (node: string, login: string) => {
    const oidc = new OidcBrowser(h.providerUrl(node), `trm-console-${node}`, `${h.url(node)}/signed-in`);
    return String((await oidc.signIn(login, h.account(node, login).password)).access_token);
  };
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    tokens.AT = await tokenOf('AT', 'bmi-thb.coordination');
    tokens.RS = await tokenOf('RS', 'cptv.intake');
    const sample = sampleReturnHandover();
    const sent = await call(h.url('AT'), 'POST', '/v1/handovers', { ...sample, body: withSealedConsent(sample.body), sealed: PERSON }, tokens.AT);
    if (sent.status !== 202) throw new Error(`POST /v1/handovers answered ${sent.status}: ${JSON.stringify(sent.body)}`);
    caseRef = sent.body.caseRef;
    await eventually(
      async () => ((await call(h.url('AT'), 'GET', `/v1/handovers/${sent.body.id}`, undefined, tokens.AT)).body?.status === 'delivered' ? true : undefined),
      30_000,
      'the handover to be delivered',
    );
    // ASTRA's caseworker takes part, so her case page is there to check too.
    const told = await call(h.url('RS'), 'POST', `/v1/cases/${caseRef}/participants`, { role: ASTRA }, tokens.RS);
    if (told.status >= 300) throw new Error(`POST participants answered ${told.status}: ${JSON.stringify(told.body)}`);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('answers / with the headers that keep the console safe', async () => {
    const res = await fetch(`${h.url('AT')}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .find(([n]) => n === name)
        ?.slice(1);
    const scripts = directive('script-src') ?? directive('default-src');
    expect({ scripts, frameAncestors: directive('frame-ancestors'), objects: directive('object-src') }).toEqual({
      scripts: ["'self'"],
      frameAncestors: ["'none'"],
      objects: ["'none'"],
    });
    expect(directive('style-src')).not.toContain("'unsafe-inline'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']).toContain(res.headers.get('referrer-policy'));
  });

  it('shows no serious or critical axe-core violation on any page a sample person reaches', async () => {
    // The sign-in screen and the identity provider's page, once.
    const first = PEOPLE[0];
    const page = await instrumentedPage(`${first.node}/${first.login}`);
    await page.goto(`${h.url(first.node)}/`);
    await signInButton(page).waitFor();
    await axe(page, 'sign-in screen');
    await signInButton(page).click();
    await page.locator('form input#login').waitFor();
    await axe(page, "identity provider's sign-in page");
    await signIn(page, h.url(first.node), first.login, h.account(first.node, first.login).password);
    pages.set(first.login, page);

    for (const person of PEOPLE) {
      const who = `${person.node}/${person.login}`;
      const p = pages.get(person.login) ?? (await openSignedIn(person));
      pages.set(person.login, p);
      await settled(p);
      // Every page the navigation offers (and exactly those the roles should see).
      const offered = await p.locator('nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
      expect({ who, offered }).toEqual({ who, offered: person.nav });
      for (const path of offered) {
        await p.locator(`nav a[href="${path}"]`).click();
        await p.waitForURL(`**${path}`);
        await settled(p);
        if (path === '/handovers/new') await walkHandoverForm(p, person.node === 'AT' ? 'RS' : 'AT', (step) => axe(p, `${who} new handover: ${step}`));
        else await axe(p, `${who} ${path}`);
        if (path === '/admin')
          for (const tab of await p.locator('main [role="tab"]').all()) {
            await tab.click();
            await settled(p);
            await axe(p, `${who} /admin tab ${await tab.innerText()}`);
          }
      }
      if (!person.seesCase) continue;
      await p.goto(`${h.url(person.node)}/cases/${caseRef}`);
      await settled(p);
      await p.locator('main h2').first().waitFor();
      await axe(p, `${who} case page`);
      const choose = p.locator('main select:has(option[value^="handover."], option[value^="info."])');
      if ((await choose.count()) > 0) {
        const first = (await choose.locator('option:not([value=""])').first().getAttribute('value')) ?? '';
        await choose.selectOption(first);
        await p.locator('main section.trm-action form').waitFor();
        await axe(p, `${who} case page, action ${first}`);
      }
      const sealedButton = p.locator('main button.pf-m-secondary', { hasText: /personal details|show/i });
      if (!mayOpen(person)) expect({ who, sealedButtons: await sealedButton.count() }).toEqual({ who, sealedButtons: 0 });
      else if ((await sealedButton.count()) > 0) {
        await sealedButton.click();
        await p.locator('main', { hasText: PERSON.familyName }).waitFor();
        await axe(p, `${who} case page, sealed details open`);
      }
    }
    const steps = ['purpose, unanswered', 'purpose', 'facts', 'consent', 'recipient', 'sealed', 'review'];
    const expected = PEOPLE.flatMap((p) => {
      const who = `${p.node}/${p.login}`;
      return [
        ...p.nav.flatMap((path) => (path === '/handovers/new' ? steps.map((s) => `${who} new handover: ${s}`) : [`${who} ${path}`])),
        ...(p.seesCase ? [`${who} case page`] : []),
      ];
    });
    expect(visited).toEqual(
      expect.arrayContaining([...expected, 'RS/cptv.intake case page, action handover.accepted', 'RS/cptv.intake case page, sealed details open']),
    );
    expect(visited.filter((v) => v.startsWith('RS/admin /admin tab'))).toHaveLength(3);
    expect(violations).toEqual([]);
  }, 600_000);

  it('keeps the personal data it showed out of URLs, titles, browser storage and the console', async () => {
    // RS's intake opened the sealed details above; they must have been shown (else this proves nothing).
    const intake = pages.get('cptv.intake')!;
    await expect(intake.locator('main').innerText()).resolves.toContain(PERSON.travelDocument.number);
    for (const [login, page] of pages) {
      const kept = await page.evaluate<{ url: string; title: string; local: string; session: string }>(
        '({ url: location.href, title: document.title, local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) })',
      );
      const text = [kept.url, kept.title, kept.local, kept.session].join('\n').toLowerCase();
      for (const canary of CANARIES) expect({ login, canary, found: text.includes(canary.toLowerCase()) }).toEqual({ login, canary, found: false });
    }
    const logged = (await Promise.all(consoleTexts)).join('\n').toLowerCase();
    for (const canary of CANARIES) expect({ canary, inConsole: logged.includes(canary.toLowerCase()) }).toEqual({ canary, inConsole: false });
  });

  it('can be used with the keyboard alone: skip link, navigation, and the accept form', async () => {
    const page = pages.get('cptv.intake')!;
    const focused = () =>
      page.evaluate<{ tag?: string; id?: string; text?: string; href?: string | null; type?: string | null; inMain: boolean }>(
        `(() => { const e = document.activeElement;
          return { tag: e?.tagName.toLowerCase(), id: e?.id, text: e?.innerText?.trim(), href: e?.getAttribute('href'), type: e?.getAttribute('type'), inMain: !!e?.closest('main') }; })()`,
      );
    const tabUntil = async (what: string, found: (f: Awaited<ReturnType<typeof focused>>) => boolean) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        if (found(await focused())) return;
      }
      throw new Error(`Tab never reached ${what}`);
    };

    await page.goto(`${h.url('RS')}/inbox`);
    await settled(page);
    await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ tag: 'a', text: 'Skip to content', href: '#main-content' });
    await page.keyboard.press('Enter');
    expect(await focused()).toMatchObject({ id: 'main-content' });

    // The navigation: back to the top, then Tab to "Cases" and Enter.
    await page.goto(`${h.url('RS')}/inbox`);
    await settled(page);
    await tabUntil('the navigation link to /cases', (f) => f.tag === 'a' && f.href === '/cases');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/cases');
    await settled(page);

    // The accept form on the case page: choose the action, tick a service, send.
    await page.goto(`${h.url('RS')}/cases/${caseRef}`);
    await settled(page);
    const choose = page.locator('main select:has(option[value="handover.accepted"])');
    const chooseId = await choose.getAttribute('id');
    await tabUntil('the action choice', (f) => f.id === chooseId);
    for (let i = 0; i < 20 && (await choose.inputValue()) !== 'handover.accepted'; i++) await page.keyboard.press('ArrowDown');
    expect(await choose.inputValue()).toBe('handover.accepted');
    await tabUntil('a service to offer', (f) => f.tag === 'input' && !!f.id?.endsWith('-shelter'));
    await page.keyboard.press('Space');
    await tabUntil('the send button', (f) => f.tag === 'button' && f.inMain && f.type === 'submit');
    await page.keyboard.press('Enter');
    const accepted = await eventually(
      async () => {
        const view = (await call(h.url('RS'), 'GET', `/v1/cases/${caseRef}`, undefined, tokens.RS)).body;
        return view?.state === 'accepted' ? view : undefined;
      },
      30_000,
      'the case to be accepted',
    );
    expect(accepted.state).toBe('accepted');
    await page.locator('main [aria-live="polite"]').first().waitFor();
  }, 120_000);

  it("shows dates in a German reader's format and in the browser's time zone", async () => {
    const reader = await openSignedIn(PEOPLE[0], { locale: 'de-AT', timezoneId: 'Pacific/Auckland' });
    pages.set('AT/de', reader);
    await reader.goto(`${h.url('AT')}/cases/${caseRef}`);
    await settled(reader);
    expect(await reader.locator('html').getAttribute('lang')).toBe('de');
    // The state's time, as the API has it now, in German and in Auckland's time (never UTC's or Vienna's).
    await eventually(
      async () => {
        const view = (await call(h.url('AT'), 'GET', `/v1/cases/${caseRef}`, undefined, tokens.AT)).body;
        const at = new Date(view.stateChangedAt);
        const inAuckland = new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Pacific/Auckland' }).format(at);
        const inUtc = new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(at);
        expect(inAuckland).not.toBe(inUtc);
        expect(inAuckland).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
        const text = await reader.locator('main').innerText();
        return text.includes(`seit ${inAuckland}`) && !text.includes(`seit ${inUtc}`) ? true : undefined;
      },
      15_000,
      'the state time in German, in Auckland time',
    );
  });

  it('counts by the CLDR plural rules of Serbian (one, few, other)', async () => {
    // Serbian (Latin): the review step counts the sealed details entered: 1, 2 and 5.
    const serbian = await openSignedIn(PEOPLE[1], { locale: 'sr-Latn-RS' });
    pages.set('RS/sr', serbian);
    expect(await serbian.locator('html').getAttribute('lang')).toBe('sr-Latn');
    await serbian.locator('nav a[href="/handovers/new"]').click();
    await settled(serbian);
    const counted = () => serbian.locator('main').innerText();
    await walkHandoverForm(serbian, 'AT', async () => undefined);
    await expect(counted()).resolves.toContain('1 podatak, poslat zapečaćen');
    const again = async (fill: () => Promise<void>) => {
      await serbian.locator('.trm-back').click();
      await serbian.locator('#hf-sealed-givenName').waitFor();
      await fill();
      await serbian.locator('main form button[type="submit"]').click();
      await serbian.locator('.trm-back').waitFor();
    };
    await again(() => serbian.locator('#hf-sealed-familyName').fill('Canary-A11y'));
    await expect(counted()).resolves.toContain('2 podatka, poslata zapečaćena');
    await again(async () => {
      await serbian.locator('#hf-sealed-placeOfBirth').fill('Canaryville');
      await serbian.locator('#hf-sealed-phone').fill('+381 64 999 0815');
      await serbian.locator('#hf-sealed-travelDocument-number').fill('CANARY-PASS-0815');
    });
    await expect(counted()).resolves.toContain('5 podataka, poslatih zapečaćeno');
  }, 120_000);

  // Chromium's ICU has no Albanian or Macedonian data (nor has Chrome's): the console brings FormatJS's.
  it.each([
    { lng: 'sq', locale: 'sq-AL', person: PEOPLE[0], december: 'dhjetor', serbia: 'Serbi' },
    { lng: 'mk', locale: 'mk-MK', person: PEOPLE[1], december: 'декември', serbia: 'Србија' },
  ])(
    'names months and countries in $lng, in the reader’s time zone',
    async ({ lng, locale, person, december, serbia }) => {
      const page = await openSignedIn(person, { locale, timezoneId: 'Pacific/Auckland' });
      expect(await page.locator('html').getAttribute('lang')).toBe(lng);
      // The polyfilled Intl formats in the browser's zone, not in UTC (the polyfill's default).
      await expect(page.evaluate(() => new Intl.DateTimeFormat().resolvedOptions().timeZone)).resolves.toBe('Pacific/Auckland');
      await page.locator('nav a[href="/handovers/new"]').click();
      await settled(page);
      await page.locator('#hf-body-purpose-return').check();
      await page.locator('input[id^="hf-sender-"]').first().check();
      await page.locator('main form button[type="submit"]').click();
      // The facts step: Serbia in the nationality list, and December in the planned return's calendar.
      const nationality = page.locator('#hf-body-person-nationality');
      await nationality.waitFor();
      await expect(nationality.locator('option[value="RS"]').innerText()).resolves.toBe(serbia);
      await page.locator('#hf-body-plannedReturn-date').fill('2030-12-16');
      await page.locator('#hf-body-plannedReturn-date').blur();
      await page
        .locator('.pf-v6-c-date-picker', { has: page.locator('#hf-body-plannedReturn-date') })
        .locator('button')
        .click();
      const calendar = page.locator('.pf-v6-c-calendar-month');
      await calendar.waitFor();
      await expect(calendar.innerText()).resolves.toContain(december);
      await page.keyboard.press('Escape');
    },
    60_000,
  );

  it('met no Content-Security-Policy violation and logged no console error on any of these pages', () => {
    expect(cspViolations).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
