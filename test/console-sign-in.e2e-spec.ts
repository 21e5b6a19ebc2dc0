import AxeBuilder from '@axe-core/playwright';
import { Page } from 'playwright-core';
import { ConsoleHarness, signIn, signInButton, signOut, signedInAs } from './support/console';

/** Everything the page keeps in local storage, and in session storage, as text (run in the page, which has them). */
const storage = async (page: Page) =>
  JSON.parse(await page.evaluate<string>('JSON.stringify({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) })')) as {
    local: string;
    session: string;
  };

const seriousViolations = async (page: Page) =>
  (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);

describe('signing in to the console (browser)', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it("signs AT's coordinator in through the node's identity provider, keeps no token in local storage, and signs out", async () => {
    const page = await h.newPage();
    const { password } = h.account('AT', 'bmi-thb.coordination');
    await signIn(page, h.url('AT'), 'bmi-thb.coordination', password);
    await expect(signedInAs(page).innerText()).resolves.toBe('Sample staff, AT/bmi-thb/coordination (fictional)');
    expect(page.url().startsWith(`${h.url('AT')}/`)).toBe(true);
    const kept = await storage(page);
    expect(kept.local).not.toMatch(/eyJ|access_token|id_token/);
    expect(kept.session).toContain('access_token'); // in the tab's session storage only

    await signOut(page);
    expect(page.url()).toBe(`${h.url('AT')}/`);
    expect((await storage(page)).session).not.toContain('access_token');
    // Signed out at the provider too: the next sign-in asks for the password again.
    await signInButton(page).click();
    await page.locator('input#password').waitFor();
    expect(page.url().startsWith(`${h.providerUrl('AT')}/interaction/`)).toBe(true);
  });

  it("shows the provider's page in the console's language, accessible, with the error next to the password", async () => {
    const page = await h.newPage();
    await page.goto(`${h.url('RS')}/`);
    await page.locator('.trm-language select').selectOption('sr-Cyrl');
    await signInButton(page).click();
    await page.locator('input#login').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('sr-Cyrl');
    expect(await page.locator('label[for="login"]').innerText()).toBe('Корисничко име');
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator('input#login').fill('cptv.intake');
    await page.locator('input#password').fill('not-the-password');
    await page.locator('form button[type="submit"]').click();
    await page.locator('#password-error').waitFor();
    expect(await page.locator('input#password').getAttribute('aria-describedby')).toBe('password-error');
    expect(await page.locator('#password-error').innerText()).toBe('Корисничко име или лозинка нису исправни. Проверите оба и покушајте поново.');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('ends the session when the access token expires: the console asks to sign in again and forgets the token', async () => {
    const page = await h.newPage();
    await page.clock.install(); // the page's own clock, running on from now, so that an hour can pass at once
    const { password } = h.account('RS', 'astra.return-support');
    await signIn(page, h.url('RS'), 'astra.return-support', password);
    expect((await storage(page)).session).toContain('access_token');

    await page.clock.fastForward('01:01:00'); // past the provider's one-hour token
    await signInButton(page).waitFor();
    expect(await page.locator('.trm-sign-in .pf-v6-c-alert__title').innerText()).toContain('Your session has ended');
    expect((await storage(page)).session).not.toContain('access_token');
  });
});
