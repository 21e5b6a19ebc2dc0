import { randomInt, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Directory, addressOf } from '../../../gateway/src/config/directory';
import { sampleStaffId, sampleStaffName } from '../../../gateway/src/registry/sample-staff';
import type { AppRole } from '../../../gateway/src/http/principal';

/** A sign-in of the node's default identity provider: sample staff of the directory, its auditor and administrators. */
export interface Account {
  /** What the person types, e.g. `bmi-thb.coordination`, `auditor`, `astra.admin`. */
  login: string;
  password: string;
  /** The token's `sub`: for staff, their person id in the node's registry. */
  sub: string;
  name: string;
  roles: AppRole[];
  /** An organisation's administrator looks after that organisation only. */
  organisation?: string;
  /** The role address a sample member of staff holds. */
  holds?: string;
}

export interface AccountsFile {
  node: string;
  accounts: Account[];
}

/**
 * The accounts the directory implies: per active role `<org>.<role>` (its sample member of staff, a caseworker, and
 * the coordinator too for the directory's coordinator role), `auditor`, `admin` (the whole node) and `<org>.admin`.
 */
export function accountsOf(directory: Directory): Omit<Account, 'password'>[] {
  const node = directory.node;
  const out: Omit<Account, 'password'>[] = [];
  for (const org of directory.organisations) {
    for (const role of org.roles) {
      if (role.status !== 'active') continue;
      const address = addressOf(node, org.slug, role.slug);
      out.push({
        login: `${org.slug}.${role.slug}`,
        sub: sampleStaffId(address),
        name: sampleStaffName(address),
        roles: address === directory.coordinator ? ['caseworker', 'coordinator'] : ['caseworker'],
        holds: address,
      });
    }
  }
  out.push({ login: 'auditor', sub: `sample-auditor-${node}`, name: `Sample auditor, ${node} (fictional)`, roles: ['auditor'] });
  out.push({ login: 'admin', sub: `sample-admin-${node}`, name: `Sample administrator, ${node} (fictional)`, roles: ['administrator'] });
  for (const org of directory.organisations) {
    out.push({
      login: `${org.slug}.admin`,
      sub: `sample-admin-${node}-${org.slug}`,
      name: `Sample administrator, ${node}/${org.slug} (fictional)`,
      roles: ['administrator'],
      organisation: org.slug,
    });
  }
  return out;
}

/** No 0/O, 1/l/I: read aloud or copied from a terminal without mistakes. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Three groups of five, e.g. `k7mxq-3fp9z-h2tra` (about 75 bits). */
export function readablePassword(): string {
  const group = () => Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return [group(), group(), group()].join('-');
}

/**
 * The directory's accounts with their passwords from `file`, where each login keeps the password it was given first;
 * new logins get a new one, and the file is written again (mode 0600, its folder 0700) when anything changed.
 */
export function ensureAccounts(directory: Directory, file: string): AccountsFile {
  const known = new Map<string, string>();
  if (existsSync(file)) {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as Partial<AccountsFile>;
    for (const a of previous.accounts ?? []) if (typeof a.login === 'string' && typeof a.password === 'string') known.set(a.login, a.password);
  }
  const accounts = accountsOf(directory).map((a) => ({ ...a, password: known.get(a.login) ?? readablePassword() }));
  const result: AccountsFile = { node: directory.node, accounts };
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, text, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return result;
}

/** Compares without revealing through timing how much of the password was right. */
export function samePassword(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(b, b), false);
}
