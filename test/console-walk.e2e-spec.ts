import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { sampleReturnHandover } from '../apps/trmctl/src/demo/sample-handover';
import { STRINGS as PROVIDER_STRINGS } from '../apps/trmctl/src/identity/strings';
import type { AppRole } from '../apps/gateway/src/http/principal';
import { ConsoleHarness, signIn, signInButton, signedInAs } from './support/console';
import { auditLog, call, eventually } from './support/http';

/**
 * The walk through both consoles, in the browser only: AT's coordinator sends a return handover through the
 * form, RS's intake worker (in Serbian) opens it, its sealed details and accepts it, tells ASTRA, AT schedules the
 * return, ASTRA's caseworker (in Serbian Cyrillic) confirms the arrival, and AT's case page, left open, follows each
 * step. The API is used only to check what the browser did (and, once, to set up a second case: see below).
 *
 * TRM_SCREENSHOTS=1 also writes the README's screenshots to docs/screenshots/ (not in CI: they are tracked files).
 */

const LOCALES = join(__dirname, '../apps/console/src/i18n/locales');
const SHOTS = process.env.TRM_SCREENSHOTS === '1';
const SHOT_DIR = join(__dirname, '../docs/screenshots');

/** A string of the console's translations (the files the console ships), with simple `{name}` placeholders filled. */
function tr(lng: string, ns: string, key: string, values: Record<string, string> = {}): string {
  let node: unknown = JSON.parse(readFileSync(join(LOCALES, lng, `${ns}.json`), 'utf8'));
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'string') throw new Error(`no string ${lng}/${ns}:${key}`);
  return node.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? `{${name}}`);
}

/** The sealed details AT's coordinator enters: fictional, and each one must never show up outside the sealed panel. */
const SEALED = {
  givenName: 'Kanarinka',
  familyName: 'Canaryfield-Q7',
  placeOfBirth: 'Canaryville-Q7',
  documentNumber: 'CNRY4471Q7',
  phone: '+381 60 4471 777',
};
const CANARIES = Object.values(SEALED);

/** Today and a moment a little earlier, as the browser's inputs take them (the contexts' time zone, Europe/Vienna). */
const local = (at: Date) => {
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Vienna',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  const [day, time] = parts.split(' ');
  return { day, time, dateTime: `${day}T${time}` };
};

/** Everything a browser page showed of itself that must stay free of personal data, collected as the walk goes. */
interface Watched {
  who: string;
  page: Page;
  urls: string[];
  titles: string[];
  storage: string[];
  console: string[];
  /** Full page loads (a reload would be one; the console's own navigation is not). */
  loads: number;
}

const storageOf = (page: Page) => page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })');

describe('the walk through both consoles (browser)', () => {
  let h: ConsoleHarness;
  const watched: Watched[] = [];
  let caseRef = '';
  let otherCaseRef = '';
  let at: Watched;
  let intake: Watched;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  /** A call to a node's API to CHECK an outcome (h.token: a token the node trusts). */
  async function check(node: string, method: string, path: string, body?: unknown, roles: AppRole[] = ['coordinator']) {
    return call(h.url(node), method, path, body, await h.token(node, roles, `walk-${roles.join('-')}`));
  }

  /** A fresh browser for one person, watched from its first request on. */
  async function person(who: string, options: { locale?: string } = {}): Promise<Watched> {
    const page = await h.newPage(options);
    const w: Watched = { who, page, urls: [], titles: [], storage: [], console: [], loads: 0 };
    page.on('load', () => void w.loads++);
    page.on('framenavigated', (f) => w.urls.push(f.url()));
    page.on('request', (r) => w.urls.push(r.url()));
    page.on('console', (m) => w.console.push(m.text()));
    page.on('pageerror', (e) => w.console.push(String(e)));
    watched.push(w);
    return w;
  }

  /** What the page shows now of itself: its title, and (on the console's origin) its browser storage. */
  async function look(w: Watched): Promise<void> {
    w.titles.push(await w.page.title());
    if (w.page.url().startsWith('http://127.0.0.1') && !w.page.url().includes('/interaction/')) w.storage.push(await storageOf(w.page));
  }

  async function signedIn(node: string, login: string, options: { locale?: string } = {}): Promise<Watched> {
    const w = await person(`${node} ${login}`, options);
    await signIn(w.page, h.url(node), login, h.account(node, login).password);
    return w;
  }

  /** The console's sign-in screen with a language chosen first; the provider's page follows it. */
  async function signedInWithLanguage(node: string, login: string, lng: string): Promise<Watched> {
    const w = await person(`${node} ${login} (${lng})`);
    const { page } = w;
    await page.goto(`${h.url(node)}/`);
    await page.locator('.trm-language select').selectOption(lng);
    await page.getByRole('button', { name: tr(lng, 'common', 'signIn.button') }).waitFor();
    await signInButton(page).click();
    await page.locator('input#login').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe(lng);
    const loginLabel = PROVIDER_STRINGS[lng as keyof typeof PROVIDER_STRINGS].login;
    expect(loginLabel).not.toBe(PROVIDER_STRINGS.en.login);
    expect(await page.locator('label[for="login"]').innerText()).toBe(loginLabel);
    await look(w);
    await page.locator('input#login').fill(login);
    await page.locator('input#password').fill(h.account(node, login).password);
    await page.locator('form button[type="submit"]').click();
    await signedInAs(page).waitFor();
    return w;
  }

  const nav = (w: Watched, lng: string, key: string) =>
    w.page
      .getByRole('navigation')
      .getByRole('link', { name: tr(lng, 'common', key), exact: true })
      .click();

  /** The case page's state, as its facts card labels it. */
  const stateOf = (page: Page, lng: string) =>
    page
      .locator('.pf-v6-c-description-list__group')
      .filter({ has: page.locator('dt', { hasText: tr(lng, 'cases', 'fact.state') }) })
      .locator('.pf-v6-c-label');
  const waitForState = (page: Page, lng: string, state: string) =>
    stateOf(page, lng)
      .getByText(tr(lng, 'codes', `state.${state}`), { exact: true })
      .waitFor();

  /** Chooses a case action in the case page's "what you can do now" form. */
  const chooseAction = (page: Page, lng: string, action: string) => page.getByLabel(tr(lng, 'caseActions', 'chooseAction')).selectOption(action);

  /** The new-handover form, filled as far as the recipient step (the directory's ranked roles shown). */
  async function handoverUntilRecipient(page: Page, returnDay: string): Promise<void> {
    const next = () => page.locator('form button[type="submit"]').click();
    await page.locator('#hf-body-purpose-return').check();
    await page.locator('[id="hf-sender-AT/bmi-thb/coordination"]').check();
    await next();
    await page.locator('#hf-body-person-ageGroup-adult').check();
    await page.locator('#hf-body-person-sex-f').check();
    await page.locator('#hf-body-person-nationality').selectOption('RS');
    await page.locator('#hf-body-person-languages-sr').check();
    await page.locator('#hf-body-exploitation-sexual').check();
    await page.locator('#hf-body-risk-level-medium').check();
    await page.locator('#hf-body-needs-shelter').check();
    await page.locator('#hf-body-needs-psychosocial').check();
    await page.locator('#hf-body-plannedReturn-date').fill(returnDay);
    await page.locator('#hf-body-plannedReturn-escort-no').check();
    await next();
    await page.locator('#hf-body-consent-by-person').check();
    await page.locator('#hf-body-consent-scope-sealed').check();
    await page.locator('#hf-body-consent-given').check();
    await next();
    // The destination follows the nationality; the lookup ranks RS's roles for these facts.
    await page.locator('[id="hf-recipient-RS/cptv/intake"]').waitFor();
  }

  it('walks a return handover from AT to RS and ASTRA, each step seen on both sides, nothing sealed leaking', async () => {
    const today = local(new Date()).day;

    // AT's coordinator sends the handover through the form.
    at = await signedIn('AT', 'bmi-thb.coordination');
    await nav(at, 'en', 'nav.newHandover');
    await handoverUntilRecipient(at.page, today);
    const intakeChoice = at.page.locator('.pf-v6-c-radio').filter({ has: at.page.locator('[id="hf-recipient-RS/cptv/intake"]') });
    expect(await intakeChoice.locator('li').count()).toBeGreaterThan(0); // the lookup's ranking reasons
    await at.page.locator('[id="hf-recipient-RS/cptv/intake"]').check();
    await at.page.locator('form button[type="submit"]').click();
    await at.page.locator('#hf-sealed-givenName').fill(SEALED.givenName);
    await at.page.locator('#hf-sealed-familyName').fill(SEALED.familyName);
    await at.page.locator('#hf-sealed-placeOfBirth').fill(SEALED.placeOfBirth);
    await at.page.locator('#hf-sealed-travelDocument-type').fill('passport');
    await at.page.locator('#hf-sealed-travelDocument-number').fill(SEALED.documentNumber);
    await at.page.locator('#hf-sealed-phone').fill(SEALED.phone);
    await look(at);
    await at.page.locator('form button[type="submit"]').click();
    await at.page.getByRole('heading', { name: tr('en', 'handover', 'step.review') }).waitFor();
    await at.page.getByRole('button', { name: tr('en', 'handover', 'send'), exact: true }).click();
    await at.page.locator('[data-status="delivered"]').waitFor(); // the signed receipt is in
    const openCase = at.page.getByRole('link', { name: /^Open case / });
    caseRef = decodeURIComponent((await openCase.getAttribute('href'))!.replace('/cases/', ''));
    const atCase = await check('AT', 'GET', `/v1/cases/${encodeURIComponent(caseRef)}`);
    expect(atCase.body.timeline.map((e: { event: string }) => e.event)).toContain('receipt delivered for handover.request');
    await look(at);

    // AT keeps its case page open from here on: every later step must appear on it without a reload.
    await openCase.click();
    await waitForState(at.page, 'en', 'referred');
    const atLoads = at.loads;
    await look(at);

    // Setup only, through AT's API: a second case for another RS role (ATINA's transition house), so that ASTRA's
    // list below has something it must leave out. Sending it is not part of the walk under test.
    const other = sampleReturnHandover(new Date());
    const sent = await check('AT', 'POST', '/v1/handovers', { ...other, recipient: 'RS/atina/transition-house' });
    expect(sent.status).toBe(202);
    otherCaseRef = sent.body.caseRef;
    await eventually(async () => ((await check('RS', 'GET', `/v1/cases/${encodeURIComponent(otherCaseRef)}`)).status === 200 ? true : undefined));

    // RS's intake worker, in Serbian (Latin script) from the sign-in screen on.
    const sr = 'sr-Latn';
    intake = await signedInWithLanguage('RS', 'cptv.intake', sr);
    await intake.page.getByRole('heading', { name: tr(sr, 'inbox', 'title'), level: 1 }).waitFor();
    const row = intake.page.locator('tr', { has: intake.page.getByRole('link', { name: caseRef, exact: true }) });
    await row.waitFor();
    expect(await row.innerText()).toContain(tr(sr, 'codes', 'messageType.handover-request'));
    expect(await row.innerText()).toContain(tr(sr, 'inbox', 'waiting'));
    // The acceptance deadline, still ahead: "rok <when>" (due.in), the exact time in Serbian in its title.
    const waitingItem = (await check('RS', 'GET', '/v1/inbox?limit=100')).body.items.find((i: { caseRef: string }) => i.caseRef === caseRef);
    expect(waitingItem.dueAt).toEqual(expect.any(String));
    const due = row.locator(`td[data-label="${tr(sr, 'inbox', 'column.due')}"] span[title]`);
    expect(await due.innerText()).toMatch(/^rok /);
    expect(await due.getAttribute('title')).toBe(
      new Intl.DateTimeFormat(sr, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Vienna' }).format(new Date(waitingItem.dueAt)),
    );
    await look(intake);
    await row.getByRole('link', { name: caseRef, exact: true }).click();
    await intake.page.getByRole('heading', { name: tr(sr, 'cases', 'case.title', { caseRef }), level: 1 }).waitFor();
    await waitForState(intake.page, sr, 'referred');

    // The sealed details, on an explicit press; the opening is in RS's audit log.
    await intake.page.getByRole('button', { name: tr(sr, 'cases', 'sealed.show'), exact: true }).click();
    await intake.page.getByText(tr(sr, 'cases', 'sealed.audited')).waitFor();
    for (const value of [SEALED.givenName, SEALED.familyName, SEALED.documentNumber]) await intake.page.getByText(value, { exact: true }).waitFor();
    await look(intake); // while the details are on screen
    const auditor = await h.token('RS', ['auditor'], 'walk-auditor');
    const openings = (await auditLog(h.url('RS'), auditor)).filter((e) => e.action === 'sealed.opened' && e.caseRef === caseRef);
    expect(openings.map((e) => e.actor)).toEqual([h.account('RS', 'cptv.intake').sub]);
    await intake.page.getByRole('button', { name: tr(sr, 'cases', 'sealed.hide'), exact: true }).click();
    await intake.page.getByText(SEALED.givenName).waitFor({ state: 'detached' });

    // Accepts it; AT's open page turns to "Accepted".
    await chooseAction(intake.page, sr, 'handover.accepted');
    await intake.page.getByRole('button', { name: tr(sr, 'caseActions', 'submit.handover-accepted'), exact: true }).click();
    await waitForState(intake.page, sr, 'accepted');
    await waitForState(at.page, 'en', 'accepted');

    // Tells ASTRA: its return-support role takes part in the case at RS.
    await chooseAction(intake.page, sr, 'addParticipant');
    await intake.page.getByLabel(tr(sr, 'caseActions', 'participant.role')).selectOption('RS/astra/return-support');
    await intake.page.getByRole('button', { name: tr(sr, 'caseActions', 'participant.submit'), exact: true }).click();
    await intake.page.getByText(tr(sr, 'caseActions', 'participant.added', { role: 'RS/astra/return-support' })).waitFor();
    expect((await check('RS', 'GET', `/v1/cases/${encodeURIComponent(caseRef)}`)).body.participants).toEqual(['RS/astra/return-support']);
    await look(intake);

    // AT's coordinator schedules the return on the page left open.
    await chooseAction(at.page, 'en', 'return.scheduled');
    await at.page.getByLabel(tr('en', 'caseActions', 'return.date'), { exact: true }).fill(today); // a PatternFly date picker
    await at.page.getByLabel(tr('en', 'codes', 'transportMode.air'), { exact: true }).check();
    await at.page.getByLabel(tr('en', 'caseActions', 'return.arrivalKind')).selectOption('airport');
    await at.page.getByLabel(tr('en', 'caseActions', 'return.arrivalCode')).fill('BEG');
    await at.page.getByRole('button', { name: tr('en', 'caseActions', 'submit.return-scheduled'), exact: true }).click();
    await waitForState(at.page, 'en', 'return-scheduled');

    // ASTRA's caseworker, in Serbian Cyrillic: her list holds this case and not the one for ATINA's role.
    const cy = 'sr-Cyrl';
    const astra = await signedInWithLanguage('RS', 'astra.return-support', cy);
    await nav(astra, cy, 'nav.cases');
    await astra.page.getByRole('heading', { name: tr(cy, 'cases', 'list.title'), level: 1 }).waitFor();
    const mine = astra.page.getByRole('link', { name: caseRef, exact: true });
    await mine.waitFor();
    expect(await astra.page.getByRole('link', { name: otherCaseRef, exact: true }).count()).toBe(0);
    await mine.click();
    await waitForState(astra.page, cy, 'return-scheduled');
    await chooseAction(astra.page, cy, 'arrival.confirmed');
    // A PatternFly date picker and time picker (no native inputs): a day and a 24-hour time, as a Serbian reader writes it.
    const arrived = local(new Date(Date.now() - 10 * 60_000));
    await astra.page.getByLabel(tr(cy, 'caseActions', 'arrival.arrivedAt'), { exact: true }).fill(arrived.day);
    await astra.page.getByLabel(tr(cy, 'caseActions', 'arrivedAt.time'), { exact: true }).fill(arrived.time);
    // She acts as ASTRA's return-support role: it is who met the person, without choosing.
    expect(await astra.page.getByLabel(tr(cy, 'caseActions', 'arrival.metBy')).inputValue()).toBe('RS/astra/return-support');
    await astra.page.getByRole('button', { name: tr(cy, 'caseActions', 'submit.arrival-confirmed'), exact: true }).click();
    await waitForState(astra.page, cy, 'arrived');
    await waitForState(at.page, 'en', 'arrived');
    expect(at.loads).toBe(atLoads); // AT's page followed accepted, return-scheduled and arrived without a reload
    await look(astra);
    await look(at);

    // RS's auditor: the case's metadata, no sealed button and no actions.
    const audit = await signedIn('RS', 'auditor');
    await audit.page.goto(`${h.url('RS')}/cases/${encodeURIComponent(caseRef)}`);
    await waitForState(audit.page, 'en', 'arrived');
    await audit.page.getByText(tr('en', 'codes', 'purpose.return'), { exact: true }).waitFor();
    expect(await audit.page.getByRole('button', { name: tr('en', 'cases', 'sealed.show') }).count()).toBe(0);
    expect(await audit.page.getByRole('heading', { name: tr('en', 'cases', 'case.actions') }).count()).toBe(0);
    await look(audit);

    // A caseworker with no part in the case reaches its URL and gets "no access", nothing of the case.
    const hotline = await signedIn('RS', 'astra.sos-hotline');
    await hotline.page.goto(`${h.url('RS')}/cases/${encodeURIComponent(caseRef)}`);
    await hotline.page.getByText(tr('en', 'cases', 'case.noAccess')).waitFor();
    const shown = await hotline.page.locator('main').innerText();
    for (const fact of ['RS/cptv/intake', 'AT/bmi-thb/coordination', tr('en', 'codes', 'purpose.return'), tr('en', 'cases', 'fact.state')])
      expect(shown).not.toContain(fact);
    await look(hotline);

    // Nothing sealed in any URL, title, browser storage or console message of anyone's browser.
    for (const w of watched) await look(w);
    const leaks = watched.flatMap((w) =>
      (['urls', 'titles', 'storage', 'console'] as const).flatMap((where) =>
        w[where].filter((text) => CANARIES.some((c) => text.includes(c) || text.includes(encodeURIComponent(c)))).map((text) => `${w.who} ${where}: ${text}`),
      ),
    );
    expect(leaks).toEqual([]);
    expect(watched.every((w) => w.urls.length > 0 && w.titles.length > 0 && w.storage.length > 0)).toBe(true);
  }, 300_000);

  (SHOTS ? it : it.skip)(
    'takes the README screenshots: inbox, case page and new handover, in English, Serbian and German',
    async () => {
      expect(caseRef).not.toBe('');
      mkdirSync(SHOT_DIR, { recursive: true });
      for (const w of [at, intake]) await w.page.setViewportSize({ width: 1280, height: 800 });
      const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOT_DIR, name), animations: 'disabled' });
      for (const lng of ['en', 'sr-Latn', 'de']) {
        const { page } = intake;
        await page.locator('.pf-v6-c-masthead .trm-language select').selectOption(lng);
        await nav(intake, lng, 'nav.inbox');
        await page.getByRole('link', { name: caseRef, exact: true }).first().waitFor();
        await shot(page, `inbox.${lng}.png`);
        await page.getByRole('link', { name: caseRef, exact: true }).first().click();
        await waitForState(page, lng, 'arrived');
        await shot(page, `case.${lng}.png`);

        await at.page.locator('.pf-v6-c-masthead .trm-language select').selectOption(lng);
        await nav(at, lng, 'nav.newHandover');
        await handoverUntilRecipient(at.page, local(new Date(Date.now() + 10 * 86_400_000)).day);
        await at.page.locator('[id="hf-recipient-RS/cptv/intake"]').check();
        await at.page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded(); // the step's heading, not the chosen role
        await shot(at.page, `new-handover.${lng}.png`);
        await nav(at, lng, 'nav.inbox');
      }
    },
    300_000,
  );
});
