import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleDirectory } from '../local/scratch-network';
import { sampleStaffId } from '../../../gateway/src/registry/sample-staff';
import { accountsOf, ensureAccounts } from './accounts';

describe('the sample accounts of a directory', () => {
  it('has a login per active role, the coordinator role coordinating, an auditor and administrators', () => {
    const accounts = accountsOf(sampleDirectory('AT'));
    const byLogin = new Map(accounts.map((a) => [a.login, a]));
    expect(byLogin.get('bmi-thb.coordination')).toMatchObject({ sub: sampleStaffId('AT/bmi-thb/coordination'), roles: ['caseworker', 'coordinator'] });
    expect(byLogin.get('bmi-thb.intake')?.roles).toEqual(['caseworker']);
    expect(byLogin.has('youth-welfare.child-protection')).toBe(false); // vacant: nobody to sign in
    expect(byLogin.get('auditor')?.roles).toEqual(['auditor']);
    expect(byLogin.get('admin')).toMatchObject({ roles: ['administrator'] });
    expect(byLogin.get('admin')?.organisation).toBeUndefined();
    expect(byLogin.get('lefoe-ibf.admin')).toMatchObject({ roles: ['administrator'], organisation: 'lefoe-ibf' });
    expect(new Set(accounts.map((a) => a.sub)).size).toBe(accounts.length);
  });

  it('keeps each password once given, in a file only its owner reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trm-accounts-'));
    try {
      const file = join(dir, 'identity', 'RS.accounts.json');
      const first = ensureAccounts(sampleDirectory('RS'), file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'identity')).mode & 0o777).toBe(0o700);
      expect(first.accounts.every((a) => /^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/.test(a.password))).toBe(true);
      expect(new Set(first.accounts.map((a) => a.password)).size).toBe(first.accounts.length);
      const again = ensureAccounts(sampleDirectory('RS'), file);
      expect(again).toEqual(first);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
