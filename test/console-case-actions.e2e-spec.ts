import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { CaseSteps, bodies, isoDay } from './support/cases';
import type { ManualClock } from './support/clock';
import { ConsoleHarness, describedBy, tokenOf } from './support/console';
import { call } from './support/http';

/** The English labels of the actions (caseActions.json), as the action choice lists them. */
const ACTION_LABELS = (
  JSON.parse(readFileSync(join(__dirname, '../apps/console/src/i18n/locales/en/caseActions.json'), 'utf8')) as { action: Record<string, string> }
).action;
const actionLabel = (action: string) => ACTION_LABELS[action.replace('.', '-')];
/** A string of a console namespace in a language, by its dotted key (the files the console reads). */
const text = (lng: string, ns: string, key: string, values: Record<string, string> = {}): string => {
  const file = JSON.parse(readFileSync(join(__dirname, `../apps/console/src/i18n/locales/${lng}/${ns}.json`), 'utf8')) as Record<string, unknown>;
  const found = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], file) as string;
  return Object.entries(values).reduce((t, [k, v]) => t.replace(`{${k}}`, v), found);
};

/** The facts card of the case page. */
const facts = (page: Page) => page.locator('.pf-v6-c-card').filter({ has: page.getByRole('heading', { name: 'The case', exact: true }) });
const actionChoice = (page: Page) => page.getByLabel('What do you want to do?');
/** Polls `probe` until it returns `want` (by deep equality), then asserts, so a mismatch fails with both values. */
async function settles<T>(probe: () => Promise<T>, want: () => Promise<T>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [got, wanted] = await Promise.all([probe(), want()]);
    if (JSON.stringify(got) === JSON.stringify(wanted) || Date.now() > until) return expect(got).toEqual(wanted);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('case actions in the console (browser)', () => {
  let h: ConsoleHarness;
  let steps: CaseSteps;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    steps = new CaseSteps(h.identity.network, { now: () => new Date() } as ManualClock);
    await h.useOperatorTokens();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  const open = async (page: Page, node: string, caseRef: string) => {
    await page.goto(`${h.url(node)}/cases/${caseRef}`);
    await page.getByRole('heading', { name: `Case ${caseRef}`, level: 1 }).waitFor();
    await facts(page).getByRole('definition').first().waitFor();
  };

  /** The action choice lists exactly CaseView.actions for this person (openSealed has its own button), now. */
  const offersWhatTheApiAllows = async (page: Page, node: string, caseRef: string) => {
    const token = await tokenOf(page);
    await settles(
      async () => (await actionChoice(page).locator('option').allInnerTexts()).filter((o) => o !== 'Choose…').sort(),
      async () => {
        const r = await call<{ actions: string[] }>(h.url(node), 'GET', `/v1/cases/${caseRef}`, undefined, token);
        return r.body.actions
          .filter((a) => a !== 'openSealed')
          .map(actionLabel)
          .sort();
      },
    );
  };

  /** Chooses an action, fills its form with `fill`, sends it with `submit` and waits for the partner's receipt. */
  const act = async (page: Page, action: string, submit: string, fill: () => Promise<unknown> = async () => undefined) => {
    await actionChoice(page).selectOption({ label: actionLabel(action) });
    await fill();
    await page.getByRole('button', { name: submit, exact: true }).click();
    await page.locator('.pf-v6-c-alert').filter({ hasText: 'Your message:' }).getByText('Delivered', { exact: true }).waitFor();
  };

  const showsState = (page: Page, state: string) => facts(page).getByText(state, { exact: true }).waitFor();

  it('RS declines with a coded reason (a missing reason is shown next to its field); the case shows declined on both nodes', async () => {
    const { caseRef } = await steps.open();
    const rs = await h.as('RS', 'cptv.intake');
    await open(rs, 'RS', caseRef);
    await offersWhatTheApiAllows(rs, 'RS', caseRef);

    await actionChoice(rs).selectOption({ label: actionLabel('handover.declined') });
    await rs.getByRole('button', { name: 'Decline', exact: true }).click();
    const reason = rs.getByLabel('Why do you decline?');
    await rs.getByText('Some answers need a change').waitFor();
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(reason)).toBe('Choose why you decline');

    await act(rs, 'handover.declined', 'Decline', () => reason.selectOption({ label: 'No capacity at the moment' }));
    await showsState(rs, 'Declined');
    await offersWhatTheApiAllows(rs, 'RS', caseRef);
    const at = await h.as('AT', 'bmi-thb.coordination');
    await open(at, 'AT', caseRef);
    await showsState(at, 'Declined');
    // What RS said: the reason's label under the decline in AT's timeline.
    const decline = at.getByRole('row').filter({ hasText: 'Handover declined' });
    await decline.getByRole('definition').filter({ hasText: 'No capacity at the moment' }).waitFor();
    await offersWhatTheApiAllows(at, 'AT', caseRef);
    expect(await steps.states(caseRef)).toEqual({ AT: 'declined', RS: 'declined' });
  });

  it('checks the required choices in the browser, in the reader’s language, before sending anything; a day is a PatternFly date picker in that language', async () => {
    const { caseRef } = await steps.open();
    const rs = await h.as('RS', 'cptv.intake', { locale: 'mk' });
    const posts: string[] = [];
    rs.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/v1/cases/')) posts.push(r.url());
    });
    await rs.goto(`${h.url('RS')}/cases/${caseRef}`);
    await rs.locator('.trm-language select').selectOption('mk');
    await rs.getByRole('heading', { level: 1 }).filter({ hasText: caseRef }).waitFor();
    await rs.getByLabel(text('mk', 'caseActions', 'chooseAction')).selectOption({ label: text('mk', 'caseActions', 'action.handover-declined') });
    await rs.getByRole('button', { name: text('mk', 'caseActions', 'submit.handover-declined'), exact: true }).click();
    const reason = rs.getByLabel(text('mk', 'caseActions', 'decline.reason'));
    const said = text('mk', 'caseActions', 'check.declineReason');
    // Next to the field, and in the summary as a link to it.
    await rs.getByRole('link', { name: said }).waitFor();
    expect(await describedBy(reason)).toBe(said);
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    await rs.getByRole('link', { name: said }).click();
    expect(await rs.evaluate('document.activeElement?.id')).toBe(await reason.getAttribute('id'));
    expect(posts).toEqual([]);

    // German, whose calendar names this Chromium knows itself (Albanian's and Macedonian's come with the locale polyfills).
    const at = await h.as('AT', 'bmi-thb.coordination', { locale: 'de-AT' });
    await at.goto(`${h.url('AT')}/cases/${caseRef}`);
    await at.locator('.trm-language select').selectOption('de');
    await at.getByRole('heading', { level: 1 }).filter({ hasText: caseRef }).waitFor();
    await at.getByLabel(text('de', 'caseActions', 'chooseAction')).selectOption({ label: text('de', 'caseActions', 'action.info-request') });
    const dueBy = at.getByLabel(text('de', 'caseActions', 'infoRequest.dueBy'), { exact: true });
    expect(await dueBy.getAttribute('type')).toBe('text'); // not the browser's own date input, which ignores the page's language
    expect(await dueBy.getAttribute('placeholder')).toBe(text('de', 'common', 'form.dayPlaceholder'));
    await at
      .locator('.pf-v6-c-date-picker')
      .getByRole('button', { name: text('de', 'common', 'form.openCalendar', { label: text('de', 'caseActions', 'infoRequest.dueBy') }) })
      .click();
    const month = new Intl.DateTimeFormat('de', { month: 'long' }).format(new Date());
    await at.locator('.pf-v6-c-calendar-month').getByText(month, { exact: true }).first().waitFor();
  });

  it('AT asks for information and RS answers it; AT corrects the case; RS reports a missed arrival and a follow-up (a refused value next to its field); AT closes it', async () => {
    const { caseRef } = await steps.open();
    const at = await h.as('AT', 'bmi-thb.coordination');
    const rs = await h.as('RS', 'cptv.intake');
    await open(at, 'AT', caseRef);
    await open(rs, 'RS', caseRef);
    await offersWhatTheApiAllows(at, 'AT', caseRef);

    await act(at, 'info.request', 'Ask', async () => {
      await at.getByRole('checkbox', { name: 'Documents', exact: true }).check();
      await at.getByRole('checkbox', { name: 'Travel arrangements', exact: true }).check();
    });
    // RS's page learns of the question without a reload: the answer is offered.
    await actionChoice(rs)
      .locator('option', { hasText: actionLabel('info.response') })
      .waitFor({ state: 'attached' });
    await offersWhatTheApiAllows(rs, 'RS', caseRef);
    // The answer form asks about exactly the two topics AT asked about.
    await actionChoice(rs).selectOption({ label: actionLabel('info.response') });
    await rs.getByLabel('Answer on: Documents').waitFor();
    expect(
      (
        await rs
          .locator('label')
          .filter({ hasText: /^Answer on: / })
          .allInnerTexts()
      )
        .map((l) => l.trim())
        .sort(),
    ).toEqual(['Answer on: Documents', 'Answer on: Travel arrangements']);
    await act(rs, 'info.response', 'Send the answers', async () => {
      await rs.getByLabel('Answer on: Documents').selectOption({ label: 'Answered' });
      await rs.getByLabel('Answer on: Travel arrangements').selectOption({ label: 'Does not apply' });
      await rs.getByLabel('Travel documents', { exact: true }).selectOption({ label: 'Valid' });
    });
    await rs.getByText(/^answers Request for information of /).waitFor();
    await at.getByText(/^answers Request for information of /).waitFor();
    expect((await steps.received('AT', caseRef)).map((m) => m.type)).toEqual(['info.response']);

    await act(at, 'case.updated', 'Send the correction', async () => {
      await at.getByRole('radio', { name: 'Needs', exact: true }).check();
      await at.getByRole('checkbox', { name: 'Safe accommodation' }).check();
      await at.getByRole('checkbox', { name: 'Identity and travel documents' }).check();
    });
    await rs.getByRole('row').filter({ hasText: 'Case facts corrected' }).filter({ hasText: 'from AT/bmi-thb/coordination' }).waitFor();

    // Accepted and scheduled through the API; the missed arrival through RS's console.
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(new Date(), 3)));
    await showsState(rs, 'Return planned');
    await offersWhatTheApiAllows(rs, 'RS', caseRef);
    await act(rs, 'arrival.missed', 'Report the missed arrival', () => rs.getByRole('radio', { name: 'The journey was delayed' }).check());
    await showsState(rs, 'Arrival did not happen');
    await showsState(at, 'Arrival did not happen');

    await steps.deliver('RS', caseRef, 'arrival.confirmed', bodies.arrived(new Date()));
    await showsState(rs, 'Arrival confirmed');
    await offersWhatTheApiAllows(rs, 'RS', caseRef);
    await actionChoice(rs).selectOption({ label: actionLabel('followup.report') });
    const period = rs.getByLabel('Report number');
    await period.fill('0');
    await rs.getByLabel('Situation at the end of the period').selectOption({ label: 'Living with family' });
    await rs.getByRole('button', { name: 'Send the report', exact: true }).click();
    await rs.getByText('Some answers need a change').waitFor();
    expect(await period.getAttribute('aria-invalid')).toBe('true');
    // What only the node knows: a translated sentence, the node's words after it.
    expect(await describedBy(period)).toMatch(/^This answer is not accepted\. The node says: must not be less than 1/);
    await act(rs, 'followup.report', 'Send the report', () => period.fill('1'));
    await showsState(rs, 'In follow-up');

    await showsState(at, 'In follow-up');
    await offersWhatTheApiAllows(at, 'AT', caseRef);
    await act(at, 'case.closed', 'Close the case', () => at.getByLabel('Why do you close the case?').selectOption({ label: 'Reintegration achieved' }));
    await showsState(at, 'Closed');
    await showsState(rs, 'Closed');
    await offersWhatTheApiAllows(at, 'AT', caseRef);
    await offersWhatTheApiAllows(rs, 'RS', caseRef);
    expect(await steps.states(caseRef)).toEqual({ AT: 'closed', RS: 'closed' });
  });

  it('AT withdraws consent after confirming it; RS, whose acceptance was on its way, is told in an inline alert that it cannot be sent now (409)', async () => {
    const { caseRef } = await steps.open();
    const rs = await h.as('RS', 'cptv.intake');
    await open(rs, 'RS', caseRef);
    await actionChoice(rs).selectOption({ label: actionLabel('handover.accepted') });

    const at = await h.as('AT', 'bmi-thb.coordination');
    await open(at, 'AT', caseRef);
    await actionChoice(at).selectOption({ label: actionLabel('consent.withdrawn') });
    await at.getByRole('radio', { name: 'Share the case facts (without personal details)' }).check();
    await at.getByRole('button', { name: 'Withdraw consent', exact: true }).click();
    const confirm = at.getByRole('dialog', { name: 'Withdraw consent?' });
    await confirm.getByText(/Everything shared in this case is erased on both nodes/).waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect((await steps.view('AT', caseRef)).state).toBe('referred'); // cancelled: nothing sent
    await at.getByRole('button', { name: 'Withdraw consent', exact: true }).click();
    await confirm.getByRole('button', { name: 'Yes, withdraw' }).click();
    await at.locator('.pf-v6-c-alert').filter({ hasText: 'Your message:' }).getByText('Delivered', { exact: true }).waitFor();
    await showsState(at, 'Consent withdrawn');
    await showsState(rs, 'Consent withdrawn');
    expect(await steps.states(caseRef)).toEqual({ AT: 'withdrawn', RS: 'withdrawn' });

    // RS's form was open before AT acted: sending it now is refused, and the console says so in the form.
    await rs.getByRole('button', { name: 'Accept', exact: true }).click();
    const alert = rs.locator('.pf-v6-c-alert.pf-m-danger.pf-m-inline').filter({ hasText: 'This cannot be sent now' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('the case has ended (withdrawn)');
    await offersWhatTheApiAllows(rs, 'RS', caseRef);
    await offersWhatTheApiAllows(at, 'AT', caseRef);
  });
});
