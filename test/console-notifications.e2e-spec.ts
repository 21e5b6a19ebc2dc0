import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Locator, Page } from 'playwright-core';
import type { NodeConfig } from '../apps/gateway/src/config/node-config';
import { CaseSteps, HOUR_MS } from './support/cases';
import type { ManualClock } from './support/clock';
import { ConsoleHarness, describedBy } from './support/console';
import { directoryApi, ok, rolePath } from './support/directory';
import { SmtpCatcher, WebhookReceiver, catcherSmtp, webhookSecret } from './support/mailboxes';

/**
 * Issue 13's notices in the console, with a real SMTP server and a real webhook receiver behind node RS: RS's
 * coordinator sees the mail to RS/cptv/intake's mailbox sent and the webhook call delivered; a call the receiver
 * refused for good (410) is failed until RS's administrator sends it again; a caseworker of another role sees only
 * her role's notices; the page has no serious accessibility problem.
 *
 * TRM_SCREENSHOTS=1 also writes the page as the administrator sees it to <tmpdir>/trm-screenshots/notifications.en.png.
 */
const INTAKE_MAILBOX = 'intake@cptv.example';
const ASTRA = 'RS/astra/return-support';
/** A role created without channels, so without a mailbox. */
const NIGHT_DESK = 'RS/cptv/night-desk';
const SHOTS = process.env.TRM_SCREENSHOTS === '1';

const mailTable = (page: Page) => page.getByRole('grid', { name: 'E-mail notices, newest first' });
const webhookTable = (page: Page) => page.getByRole('grid', { name: 'Webhook calls, newest first' });
/** The row of `table` about case `caseRef`. */
const rowOf = (table: Locator, caseRef: string) => table.getByRole('row').filter({ has: table.page().getByRole('link', { name: caseRef, exact: true }) });
/** The texts of a row's cells by their column heading. */
const cellsOf = async (table: Locator, row: Locator): Promise<Record<string, string>> => {
  const headings = await table.getByRole('columnheader').allInnerTexts();
  const cells = await row.getByRole('gridcell').allInnerTexts();
  return Object.fromEntries(cells.map((text, i) => [headings[i] || 'Actions', text.replace(/\s+/g, ' ').trim()]));
};

describe('notifications in the console (browser): e-mail notices and webhook calls', () => {
  let h: ConsoleHarness;
  let steps: CaseSteps;
  let smtp: SmtpCatcher;
  let receiver: WebhookReceiver;
  const secret = webhookSecret();
  /** Cases AT handed over: to RS's intake, to ASTRA, and to the intake while the receiver refused its calls. */
  const cases: Record<'intake' | 'astra' | 'refused', string> = { intake: '', astra: '', refused: '' };

  const openNotifications = async (login: string) => {
    const page = await h.as('RS', login);
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    return page;
  };

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    receiver = await WebhookReceiver.start(secret);
    h = await ConsoleHarness.start({
      tune: (config: NodeConfig) => {
        config.notifications = {
          ...config.notifications,
          smtp: catcherSmtp(smtp.port, 30, `TRM ${config.node} <trm@${config.node.toLowerCase()}.example>`),
          digests: config.node === 'RS' ? { 'RS/atina/reintegration': 4 * HOUR_MS } : {},
          webhooks: config.node === 'RS' ? [{ url: receiver.url, events: ['message.arrived', 'deadline.missed'], secret }] : [],
        };
      },
    });
    await h.useOperatorTokens();
    steps = new CaseSteps(h.identity.network, { now: () => new Date() } as ManualClock);
    cases.intake = (await steps.open()).caseRef;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await smtp?.down();
    await receiver?.close();
  });

  it("shows RS's coordinator how notices are sent, the mail to RS/cptv/intake's mailbox sent and the webhook call delivered", async () => {
    const page = await openNotifications('cptv.intake');
    const settings = page.getByTestId('notification-settings');
    await settings.waitFor();
    const summary = (await settings.innerText()).replace(/\s+/g, ' ');
    expect(summary).toContain(`Sent through the mail server 127.0.0.1:${smtp.port}, from TRM RS <trm@rs.example>.`);
    expect(summary).toContain('The connection is not encrypted. The node does not sign in to the mail server.');
    expect(summary).toContain('RS/atina/reintegration: one e-mail every 4 hours');
    expect(summary).toContain('12 hours before it is due');
    expect(summary).toContain(`${receiver.url} Sent for: Message arrived, Deadline missed`);

    const mails = mailTable(page);
    const mail = rowOf(mails, cases.intake).filter({ hasText: 'Sent' });
    await mail.waitFor();
    expect(await cellsOf(mails, mail)).toMatchObject({
      // With the deadline it starts: the acceptance of the handover.
      'What happened': expect.stringMatching(/^Message arrived Reply to the handover due .*\d{4}/),
      'Role and mailbox': `RS/cptv/intake ${INTAKE_MAILBOX}`,
      'Why this role': 'Addressed to this role',
      Case: cases.intake,
      Message: 'Handover request',
      State: expect.stringMatching(/^Sent on .*\d{4}.* 1 try$/),
    });
    // The mail the page calls sent is in the mailbox.
    expect(smtp.to(INTAKE_MAILBOX).filter((m) => m.subject.includes(cases.intake))).toHaveLength(1);

    const calls = webhookTable(page);
    const call = rowOf(calls, cases.intake).filter({ hasText: 'Delivered' });
    await call.waitFor();
    const cells = await cellsOf(calls, call);
    expect(cells).toMatchObject({ 'What happened': 'Message arrived', 'Sent to': receiver.url, 'Last answer': 'answered 200', Tries: '1 try' });
    expect([...receiver.byId().keys()]).toContain(cells['Webhook ID']);
    // Sending again is for administrators of the whole node only.
    expect(await page.getByRole('button', { name: 'Send again' }).count()).toBe(0);
  });

  it("shows a caseworker of another role her role's notices only: not RS/cptv/intake's, no webhook calls, no settings", async () => {
    cases.astra = (await steps.open({ recipient: ASTRA })).caseRef;
    const page = await openNotifications('astra.return-support');
    const mails = mailTable(page);
    await rowOf(mails, cases.astra).filter({ hasText: 'return@astra.example' }).waitFor();
    expect(await mails.getByRole('row').count()).toBe(2); // the heading and her one notice
    expect(await page.locator('main').innerText()).not.toContain(INTAKE_MAILBOX);
    expect(await rowOf(mails, cases.intake).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Webhook calls' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'How notices are sent' }).count()).toBe(0);
    expect(await page.getByLabel('Role', { exact: true }).locator('option').allInnerTexts()).toEqual(['All roles', ASTRA]);
  });

  it("lets RS's coordinator filter the e-mail notices by role and by state", async () => {
    const page = await openNotifications('cptv.intake');
    const mails = mailTable(page);
    await rowOf(mails, cases.astra).waitFor();
    await rowOf(mails, cases.intake).waitFor();
    await page.getByLabel('Role', { exact: true }).selectOption(ASTRA);
    await rowOf(mails, cases.intake).waitFor({ state: 'detached' });
    await rowOf(mails, cases.astra).waitFor();
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'All roles' });
    await rowOf(mails, cases.intake).waitFor();
    await page.getByRole('region', { name: 'E-mail notices' }).getByLabel('State', { exact: true }).selectOption({ label: 'Failed' });
    await page.getByRole('heading', { name: 'No e-mail notices', level: 3 }).waitFor();
  });

  it("shows a webhook call the receiver refused for good as failed, and RS's administrator sends it again", async () => {
    receiver.status = () => 410;
    cases.refused = (await steps.open()).caseRef;
    const page = await openNotifications('admin');
    const calls = webhookTable(page);
    const failed = rowOf(calls, cases.refused).filter({ hasText: 'Failed' });
    await failed.waitFor();
    const cells = await cellsOf(calls, failed);
    expect(cells).toMatchObject({ State: 'Failed', 'Last answer': 'answered 410', Tries: '1 try' });
    const webhookId = cells['Webhook ID'];

    // The receiver is back; the administrator sends the call again, with the same webhook-id (its tries counted anew).
    receiver.status = () => 200;
    await failed.getByRole('button', { name: 'Send again' }).click();
    const delivered = rowOf(calls, cases.refused).filter({ hasText: 'Delivered' });
    await delivered.waitFor();
    expect(await cellsOf(calls, delivered)).toMatchObject({ 'Last answer': 'answered 200', Tries: '1 try', 'Webhook ID': webhookId });
    expect(
      receiver
        .byId()
        .get(webhookId)
        ?.map((c) => c.verified),
    ).toEqual([true, true]);
    // The counts of the summary follow.
    await page.getByTestId('notification-settings').getByText('0 waiting, 3 delivered, 0 failed').waitFor();
  });

  it("shows a notice to a role without a mailbox as failed; sending it again is refused with the node's reason next to it", async () => {
    const dir = directoryApi(h.url('RS'));
    await dir.createRole(NIGHT_DESK); // no channels: no mailbox
    await ok(h.url('RS'), 'POST', rolePath(NIGHT_DESK, '/handover'), { to: await dir.person('Night Test-Person') });
    const page = await openNotifications('admin');
    const mails = mailTable(page);
    const failed = mails.getByRole('row').filter({ hasText: NIGHT_DESK });
    await failed.waitFor();
    expect(await cellsOf(mails, failed)).toMatchObject({
      'What happened': 'Role handed over',
      'Role and mailbox': `${NIGHT_DESK} no mailbox in the directory`,
      'Why this role': 'Role handed over',
      Case: 'none',
      Message: 'none',
      State: 'Failed not tried yet Last problem: the role has no mailbox (one address) in the directory',
    });
    await failed.getByRole('button', { name: 'Send again' }).click();
    const refusal = `Not sent again. The node says: ${NIGHT_DESK} still has no mailbox in the directory; add one, then try again`;
    await failed.getByText(refusal).waitFor();
    expect(await describedBy(failed.getByRole('button', { name: 'Send again' }))).toBe(refusal);
    await page
      .getByTestId('notification-settings')
      .getByText(/^\d+ waiting, \d+ sent, 1 failed$/)
      .waitFor();
    if (SHOTS) {
      // Tall enough for the whole page (the console scrolls inside its main area, which fullPage misses), the tables from their start.
      await page.setViewportSize({ width: 1280, height: 2600 });
      await page.evaluate("document.querySelectorAll('.pf-v6-c-scroll-inner-wrapper').forEach((e) => (e.scrollLeft = 0))");
      mkdirSync(join(tmpdir(), 'trm-screenshots'), { recursive: true });
      await page.screenshot({ path: join(tmpdir(), 'trm-screenshots', 'notifications.en.png'), animations: 'disabled' });
    }
  });

  it('shows no serious or critical axe-core violation on the page, for the administrator, the coordinator and a caseworker', async () => {
    const violations: string[] = [];
    for (const login of ['admin', 'cptv.intake', 'astra.return-support']) {
      const page = await openNotifications(login);
      await mailTable(page).getByRole('row').nth(1).waitFor();
      await page.locator('main .pf-v6-c-spinner').first().waitFor({ state: 'detached' });
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
        for (const node of v.nodes) violations.push(`${login}: ${v.id} at ${node.target.join(' ')}: ${v.help}`);
    }
    expect(violations).toEqual([]);
  });
});
