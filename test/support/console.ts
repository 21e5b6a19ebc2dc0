import { Browser, BrowserContext, Locator, Page, chromium } from 'playwright-core';
import type { NodeConfig } from '../../apps/gateway/src/config/node-config';
import type { AppRole } from '../../apps/gateway/src/http/principal';
import { mintToken } from '../../apps/trmctl/src/tokens';
import type { Account } from '../../apps/trmctl/src/identity';
import { useToken } from './http';
import { IdentityNetwork } from './identity';

/** Debian's chromium, as `.ci/run` installs it; no browser download. */
export const CHROMIUM = {
  executablePath: process.env.TRM_TEST_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
};

/**
 * Browser tests of the console (test/console-*.e2e-spec.ts): nodes AT and RS, each gateway serving the build's console
 * (npm test builds first) and trusting its own identity provider process, and one headless chromium. Each person gets
 * a browser context of their own (`as`), so nobody shares another's session storage or cookies.
 */
export class ConsoleHarness {
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    readonly identity: IdentityNetwork,
    readonly browser: Browser,
  ) {}

  static async start(options: { tune?: (config: NodeConfig) => void } = {}): Promise<ConsoleHarness> {
    const identity = await IdentityNetwork.start(['AT', 'RS'], options);
    try {
      return new ConsoleHarness(identity, await chromium.launch(CHROMIUM));
    } catch (err) {
      await identity.close();
      throw err;
    }
  }

  /** The node's console: its gateway's URL. */
  url(node: string): string {
    return this.identity.node(node).node.url;
  }

  providerUrl(node: string): string {
    return this.identity.node(node).provider.url;
  }

  /**
   * A token node `node` trusts, for a test's setup and checks through the API (never for a step the test walks in the
   * browser): signed with the network's issuer key under the name of the node's identity provider, which the gateways
   * here trust instead of the scratch network's issuer.
   */
  token(node: string, roles: AppRole[], subject = `test-${roles.join('-')}`): Promise<string> {
    return mintToken({ ...this.identity.network.issuer, issuer: this.providerUrl(node) }, { subject, roles, node });
  }

  /** Makes each node's operator (coordinator and administrator) the default caller of `call` and the support helpers. */
  async useOperatorTokens(nodes = ['AT', 'RS']): Promise<void> {
    for (const node of nodes) useToken(this.url(node), await this.token(node, ['coordinator', 'administrator'], 'svc-console-test'));
  }

  /** A sample account, e.g. account('AT', 'bmi-thb.coordination'), account('RS', 'auditor'). */
  account(node: string, login: string): Account {
    return this.identity.account(node, login);
  }

  /** A fresh browser for one person; `locale` is what the browser says it prefers (Accept-Language). */
  async newPage(options: { locale?: string; timezoneId?: string } = {}): Promise<Page> {
    const context = await this.browser.newContext({ locale: options.locale ?? 'en-GB', timezoneId: options.timezoneId ?? 'Europe/Vienna' });
    this.contexts.push(context);
    return context.newPage();
  }

  /** A new page signed in on `node` as its sample account `login`. */
  async as(node: string, login: string, options: { locale?: string } = {}): Promise<Page> {
    const page = await this.newPage(options);
    const { password } = this.account(node, login);
    await signIn(page, this.url(node), login, password);
    return page;
  }

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.identity.close();
  }
}

/** The console's sign-in screen: its one primary button (whatever the language). */
export const signInButton = (page: Page) => page.locator('.trm-sign-in button.pf-m-primary');
/** Who the masthead says is signed in. */
export const signedInAs = (page: Page) => page.getByTestId('signed-in-as');

/**
 * Signs in as a person would: the console's sign-in button, the identity provider's form, back to the console until
 * the masthead names the person. Fails with the provider's error text when the form refuses the login.
 */
export async function signIn(page: Page, nodeUrl: string, login: string, password: string): Promise<void> {
  if (!page.url().startsWith(nodeUrl)) await page.goto(`${nodeUrl}/`);
  await signInButton(page).click();
  await page.locator('form input#login').waitFor();
  await page.locator('input#login').fill(login);
  await page.locator('input#password').fill(password);
  await page.locator('form button[type="submit"]').click();
  const refused = page.locator('p.error');
  await Promise.race([signedInAs(page).waitFor(), refused.waitFor()]);
  if (await refused.isVisible()) throw new Error(`the identity provider refused ${login}: ${await refused.innerText()}`);
}

/** The console's sign-out, and the identity provider's one button, back to the console's sign-in screen. */
export async function signOut(page: Page): Promise<void> {
  await page.locator('.pf-v6-c-masthead button.pf-m-secondary').click();
  await page.locator('button[form="op.logoutForm"]').click();
  await signInButton(page).waitFor();
}

/** The access token the console keeps in the tab's session storage (oidc-client-ts's user): to ask the API what this person may do. */
export const tokenOf = (page: Page): Promise<string> =>
  page.evaluate<string>(
    `(() => { const k = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:')); return JSON.parse(sessionStorage.getItem(k)).access_token; })()`,
  );

/** The texts a control's aria-describedby points at: its error next to it. */
export const describedBy = async (control: Locator): Promise<string> => {
  const ids = (await control.getAttribute('aria-describedby'))?.split(/\s+/).filter(Boolean) ?? [];
  const texts = await Promise.all(ids.map((id) => control.page().locator(`[id="${id}"]`).innerText()));
  return texts.join(' ');
};
