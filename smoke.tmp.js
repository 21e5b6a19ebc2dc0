const { chromium } = require('playwright-core');
const fs = require('fs');
const acc = JSON.parse(fs.readFileSync('var/identity/AT.accounts.json','utf8'));
(async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update'] });
  const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
  const errs = [];
  p.on('console', m => errs.push(m.type() + ': ' + m.text()));
  p.on('pageerror', e => errs.push('pageerror: ' + e.message));
  await p.goto('http://127.0.0.1:3001/');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForLoadState('networkidle');
  await p.screenshot({ path: '/tmp/s1.png' });
  console.log('url', p.url());
  const list = Array.isArray(acc) ? acc : acc.accounts ?? Object.values(acc);
  const me = JSON.stringify(acc).includes('bmi-thb.coordination');
  const pw = (Array.isArray(list) ? list : []).find(a => a.login === 'bmi-thb.coordination')?.password;
  console.log(Object.keys(acc).slice(0,3), pw ? 'pw found' : JSON.stringify(acc).slice(0,200));
  await p.getByLabel(/user|login/i).fill('bmi-thb.coordination');
  await p.getByLabel(/password/i).fill(pw);
  await p.getByRole('button', { name: /sign in/i }).click();
  await p.waitForTimeout(3000);
  console.log('url', p.url());
  await p.screenshot({ path: '/tmp/s2.png' });
  for (const path of ['/cases', '/handovers/new', '/coordination', '/partners', '/directory']) {
    await p.getByRole('link', { name: { '/cases':'Cases','/handovers/new':'New handover','/coordination':'Overdue and alerts','/partners':'Partners','/directory':'Directory'}[path], exact: true }).click();
    await p.waitForTimeout(1500);
    await p.screenshot({ path: `/tmp/s${path.replace(/\//g,'_')}.png` });
  }
  await p.goto('http://127.0.0.1:3001/cases');
  await p.waitForTimeout(1500);
  const first = p.locator('table a').first();
  await first.click();
  await p.waitForTimeout(2000);
  await p.screenshot({ path: '/tmp/s_case.png', fullPage: true });
  console.log(errs.slice(0,20));
  await b.close();
})().catch(e => { console.error('ERR', e.message); process.exit(1); });
