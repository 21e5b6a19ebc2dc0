import { Page } from 'playwright-core';
import { CaseSteps, handDeadlines } from './support/cases';
import type { ManualClock } from './support/clock';
import { ConsoleHarness, describedBy } from './support/console';
import { directoryApi } from './support/directory';
import { eventually } from './support/http';

/** A tab of the page by its label, selected. */
const tab = async (page: Page, name: string) => {
  await page.getByRole('tab', { name }).click();
};

describe('operations in the console (browser): overdue and alerts, administration, audit, partners, directory', () => {
  let h: ConsoleHarness;
  let steps: CaseSteps;
  /** A case on both nodes whose acceptance deadline passed (and was escalated) unanswered: open with RS's intake. */
  let late: string;

  beforeAll(async () => {
    h = await ConsoleHarness.start({
      tune: (config) => {
        handDeadlines(config); // the deadline watch runs when the test says so (runOnce)
        for (const partner of config.partners) partner.agreement.acceptanceMs = 1_000;
      },
    });
    await h.useOperatorTokens();
    steps = new CaseSteps(h.identity.network, { now: () => new Date() } as ManualClock);
    late = (await steps.open()).caseRef;
    // Once the second has passed, each node escalates the deadline: AT alerts its coordinator and copies the request to RS's fallback.
    for (const node of ['AT', 'RS']) await eventually(async () => ((await steps.runOnce(node)) > 0 ? true : undefined), 20_000, `${node} to escalate`);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it("shows AT's coordinator the missed acceptance deadline and the alert, each with a link to the case", async () => {
    const at = await h.as('AT', 'bmi-thb.coordination');
    await at.getByRole('link', { name: 'Overdue and alerts' }).click();
    await at.getByRole('heading', { name: 'Overdue and alerts', level: 1 }).waitFor();
    const overdue = at.getByRole('grid', { name: 'Overdue deadlines, the longest overdue first' });
    const row = overdue.getByRole('row').filter({ has: at.getByRole('link', { name: late }) });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Reply to the handover\s+the partner/);
    expect(await row.innerText()).toContain('AT/bmi-thb/coordination'); // alerted
    expect(await row.innerText()).toContain('RS/cptv/duty'); // the request copied to the fallback

    await tab(at, 'Alerts');
    const alert = at
      .getByRole('grid', { name: 'Alerts, newest first' })
      .getByRole('row')
      .filter({ has: at.getByRole('link', { name: late }) });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Reply to the handover');
    await alert.getByRole('link', { name: late }).click();
    await at.getByRole('heading', { name: `Case ${late}`, level: 1 }).waitFor();
  });

  it("lets RS's administrator hand a role over to a new person (listing its open cases), retire a role with a successor and confirm an entry; the attention list shows a vacant role", async () => {
    const dir = directoryApi(h.url('RS'));
    await dir.createRole('RS/cptv/night-desk', { title: 'Night desk' });
    const admin = await h.as('RS', 'cptv.admin');
    await admin.getByRole('link', { name: 'Administration' }).click();
    await admin.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();

    // Staff turnover at the intake: a new person takes the role over, with the late case.
    await admin.getByRole('button', { name: 'Manage RS/cptv/intake' }).click();
    const handover = admin.getByRole('form', { name: 'Hand the role over' });
    await handover.getByRole('radio', { name: 'A new member of staff' }).check();
    await handover.getByRole('textbox', { name: 'Name' }).fill('Mira Test-Person');
    await handover.getByRole('button', { name: 'Hand over' }).click();
    const confirmHandover = admin.getByRole('dialog', { name: 'Hand the role over?' });
    expect(await confirmHandover.innerText()).toContain('Everyone who holds RS/cptv/intake now stops holding it');
    await confirmHandover.getByRole('button', { name: 'Hand over' }).click();
    const inherited = handover.getByTestId('inherited');
    await inherited.waitFor();
    expect(await inherited.innerText()).toContain('RS/cptv/intake was handed over. The new holder inherits:');
    await admin.getByRole('list', { name: 'Open cases' }).getByRole('link', { name: late }).waitFor();
    await admin.getByRole('grid', { name: 'Current holders' }).getByRole('gridcell', { name: 'Mira Test-Person', exact: true }).waitFor();

    // The new holder's entry confirmed by the administrator on her behalf.
    const confirmEntry = admin.getByRole('form', { name: 'Confirm the entry' });
    await confirmEntry.getByLabel('On behalf of').selectOption({ label: 'Mira Test-Person' });
    await confirmEntry.getByRole('button', { name: 'Confirm the entry' }).click();
    await confirmEntry.getByText('The entry is confirmed.').waitFor();

    // The night desk retires; its successor is the intake. A successor that is no role is refused next to the field.
    await admin.getByRole('button', { name: 'Manage RS/cptv/night-desk' }).click();
    const retire = admin.getByRole('form', { name: 'Retire the role' });
    const successor = retire.getByRole('textbox', { name: 'Successor role' });
    await successor.fill('RS/cptv/no-such-role');
    await retire.getByRole('button', { name: 'Retire the role' }).click();
    await admin.getByRole('dialog', { name: 'Retire the role?' }).getByRole('button', { name: 'Retire the role' }).click();
    await eventually(async () => ((await successor.getAttribute('aria-invalid')) === 'true' ? true : undefined), 10_000, 'the successor to be refused');
    // A translated sentence, the node's words after it.
    expect(await describedBy(successor)).toMatch(/^This answer is not accepted\. The node says: must be another active role of node RS/);
    await successor.fill('RS/cptv/intake');
    await retire.getByRole('button', { name: 'Retire the role' }).click();
    const confirmRetire = admin.getByRole('dialog', { name: 'Retire the role?' });
    expect(await confirmRetire.innerText()).toContain(
      'RS/cptv/night-desk will no longer take messages; its cases and what waits there pass to RS/cptv/intake.',
    );
    await confirmRetire.getByRole('button', { name: 'Retire the role' }).click();
    await retire.getByTestId('inherited').getByText('The role is retired. RS/cptv/intake inherits:').waitFor();

    await tab(admin, 'Needs attention');
    const vacant = admin.getByRole('heading', { name: /^Roles nobody holds \(\d+\)$/ });
    await vacant.waitFor();
    await admin.getByRole('listitem').filter({ hasText: 'Urgent shelter (emergency accommodation) (RS/cptv/urgent-shelter)' }).waitFor();
  });

  it("shows RS's auditor the chain verified and the log without case contents", async () => {
    const auditor = await h.as('RS', 'auditor');
    await auditor.getByRole('link', { name: 'Audit log' }).click();
    await auditor.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const verified = auditor.getByTestId('audit-verification');
    await verified.waitFor();
    expect(await verified.innerText()).toMatch(/The chain is intact: \d+ entries verified\./);
    const log = auditor.getByRole('grid', { name: 'Audit log entries, oldest first' });
    await log.getByRole('row').filter({ hasText: 'message received' }).filter({ hasText: late }).first().waitFor();
    const text = await auditor.locator('main').innerText();
    // Coded facts and wording of the case are contents: none of them in the log.
    for (const content of ['sexual', 'psychosocial', 'shelter', 'Sexual exploitation', 'Safe accommodation']) expect(text).not.toContain(content);
    expect(await auditor.getByRole('button', { name: 'Show personal details' }).count()).toBe(0);
  });

  it("shows RS's coordinator the link to AT up with its last receipt", async () => {
    const rs = await h.as('RS', 'cptv.intake');
    await rs.getByRole('link', { name: 'Partners' }).click();
    const row = rs
      .getByRole('grid', { name: 'Partner nodes' })
      .getByRole('row')
      .filter({ has: rs.getByRole('gridcell', { name: 'AT', exact: true }) });
    await row.waitFor();
    const cells = await row.getByRole('gridcell').allInnerTexts();
    expect(cells[1]).toMatch(/^up/);
    expect(cells[2]).not.toBe('none yet');
    expect(cells[2]).toMatch(/\d{4}/); // a date and time
    expect(cells[4]).toMatch(/^version \d+$/);
  });

  it("finds RS/cptv/intake in AT's directory for the return of an adult speaking Serbian, with its grounds worded", async () => {
    const at = await h.as('AT', 'bmi-thb.coordination');
    await at.getByRole('link', { name: 'Directory' }).click();
    const form = at.getByRole('form', { name: 'Search the directory' });
    await form.getByLabel('Country').selectOption({ label: 'Serbia' });
    await form.getByLabel('Purpose').selectOption({ label: 'Return to the home country' });
    await form.getByLabel('Age group').selectOption({ label: 'Adult (18 or over)' });
    await form.getByLabel('Language').selectOption({ label: 'Serbian' });
    await form.getByRole('button', { name: 'Search' }).click();
    const row = at
      .getByRole('grid', { name: 'Roles that fit, the best first' })
      .getByRole('row')
      .filter({ has: at.locator('code', { hasText: /^RS\/cptv\/intake$/ }) });
    await row.waitFor();
    const grounds = await row.getByRole('list', { name: 'Why' }).getByRole('listitem').allInnerTexts();
    expect(grounds).toEqual(['handles Return to the home country', 'handles age group Adult (18 or over)', 'works in Serbian', 'staffed']);
  });
});
