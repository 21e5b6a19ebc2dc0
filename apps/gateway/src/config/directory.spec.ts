import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { Directory, RoleEntry, directoryProblems, duplicateAddresses, fallbackChainProblems, rolesOf, unknownFallbacks } from './directory';

/**
 * The sample directories in config/directory/*.yaml. Each check below is a function that returns its problems, so the
 * same function is run on the shipped files (no problems expected) and on broken fixtures (problems expected): that
 * shows every assertion can fail.
 */
const DIRECTORY_DIR = join(__dirname, '../../../../config/directory');
const files = readdirSync(DIRECTORY_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const loaded = files.map((file) => ({
  file,
  node: basename(file, '.yaml'),
  doc: parse(readFileSync(join(DIRECTORY_DIR, file), 'utf8')) as Directory,
}));

/** Vacant roles without a fallback. */
function vacantWithoutFallback(d: Directory): string[] {
  return rolesOf(d)
    .filter(({ role }) => role.status === 'vacant' && !role.fallback)
    .map(({ address }) => address);
}

/** Contact values that could be real: phones need ` 000 ` or a `(sample)` suffix, mailboxes a `.example` domain. */
function contactProblems(d: Directory): string[] {
  const problems: string[] = [];
  for (const { address, role } of rolesOf(d)) {
    const channels = (role.channels ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(channels)) {
      if (key === 'phone') {
        if (typeof value !== 'string' || !(value.includes(' 000 ') || value.endsWith('(sample)'))) problems.push(`${address} phone ${String(value)}`);
      } else if (key === 'mailbox') {
        if (typeof value !== 'string' || !value.endsWith('.example')) problems.push(`${address} mailbox ${String(value)}`);
      } else {
        problems.push(`${address} has an unexpected channel ${key}`);
      }
    }
  }
  return problems;
}

/** Roles in any of `nodes` that serve an age group in a language (what a directory lookup would return). */
function lookup(directories: Directory[], nodes: string[], ageGroup: string, language: string): string[] {
  return directories
    .filter((d) => nodes.includes(d.node))
    .flatMap((d) => rolesOf(d))
    .filter(({ role }) => role.ageGroups.includes(ageGroup as RoleEntry['ageGroups'][number]) && role.languages.includes(language))
    .map(({ address }) => address);
}

describe('config/directory', () => {
  it('has a sample directory for each node of the scenario', () => {
    expect(loaded.map((l) => l.node)).toEqual(expect.arrayContaining(['AT', 'RS', 'AL', 'BA', 'ME', 'MK', 'XK']));
  });

  it('keeps the addresses other code and tests use', () => {
    const all = new Set(loaded.flatMap((l) => rolesOf(l.doc).map((r) => r.address)));
    for (const address of [
      'AT/bmi-thb/coordination',
      'AT/bmi-thb/duty',
      'AT/lefoe-ibf/return-support',
      'RS/cptv/intake',
      'RS/cptv/duty',
      'RS/astra/return-support',
    ]) {
      expect(all.has(address) ? address : `missing ${address}`).toBe(address);
    }
  });

  it('finds a role for children in Albanian in Kosovo or Albania', () => {
    expect(
      lookup(
        loaded.map((l) => l.doc),
        ['XK', 'AL'],
        'child',
        'sq',
      ),
    ).not.toEqual([]);
  });

  describe.each(loaded)('$file', ({ node, doc }) => {
    it('passes directoryProblems for its node (the file name)', () => {
      expect(directoryProblems(doc, node)).toEqual([]);
    });

    it('publishes each address once', () => {
      expect(rolesOf(doc).length).toBeGreaterThan(0);
      expect(duplicateAddresses(doc)).toEqual([]);
    });

    it('names only existing roles of the node as fallbacks', () => {
      expect(unknownFallbacks(doc)).toEqual([]);
    });

    it('reaches an active role from every role by following fallbacks, without a loop', () => {
      expect(fallbackChainProblems(doc)).toEqual([]);
    });

    it('gives every vacant role a fallback, and has at least one vacant role', () => {
      expect(vacantWithoutFallback(doc)).toEqual([]);
      expect(rolesOf(doc).filter(({ role }) => role.status === 'vacant').length).toBeGreaterThan(0);
    });

    it('has only invented contact data', () => {
      expect(contactProblems(doc)).toEqual([]);
    });
  });
});

describe('the directory checks on broken fixtures', () => {
  const role = (slug: string, extra: Partial<RoleEntry> = {}): RoleEntry => ({
    slug,
    title: slug,
    purposes: ['return'],
    ageGroups: ['adult'],
    languages: ['en'],
    status: 'active',
    channels: { phone: '+43 1 000 0001 (sample)', mailbox: `${slug}@org.example` },
    ...extra,
  });
  const dir = (...roles: RoleEntry[]): Directory => ({
    node: 'XX',
    coordinator: 'XX/org/a',
    organisations: [{ slug: 'org', name: 'Org', kind: 'ngo', roles }],
  });

  it('finds no problem in a sound fixture', () => {
    const d = dir(role('a'), role('b', { status: 'vacant', fallback: 'XX/org/a' }));
    expect(directoryProblems(d, 'XX')).toEqual([]);
    expect(duplicateAddresses(d)).toEqual([]);
    expect(unknownFallbacks(d)).toEqual([]);
    expect(fallbackChainProblems(d)).toEqual([]);
    expect(vacantWithoutFallback(d)).toEqual([]);
    expect(contactProblems(d)).toEqual([]);
  });

  it('directoryProblems reports a directory filed under another node', () => {
    expect(directoryProblems(dir(role('a')), 'YY')).not.toEqual([]);
  });

  it('directoryProblems refuses a role a partner would refuse, naming the field', () => {
    expect(directoryProblems(dir(role('a', { purposes: [] })), 'XX')).toEqual([expect.stringMatching(/^organisations\[0\]\.roles\[0\]\.purposes /)]);
    expect(directoryProblems(dir(role('a', { ageGroups: ['adult', 'adult'] })), 'XX')).toEqual([
      expect.stringMatching(/^organisations\[0\]\.roles\[0\]\.ageGroups /),
    ]);
    const badChannel = role('a', { channels: { mailbox: 'no-at-sign' } });
    expect(directoryProblems(dir(badChannel), 'XX')).toEqual([expect.stringMatching(/^organisations\[0\]\.roles\[0\]\.channels\.mailbox /)]);
    const unknownField = { ...role('a'), email: 'a@org.example' } as RoleEntry;
    expect(directoryProblems(dir(unknownField), 'XX')).toEqual(['organisations[0].roles[0].email is not a known field']);
  });

  it('directoryProblems reports duplicate addresses, unknown fallbacks and broken fallback chains', () => {
    expect(directoryProblems(dir(role('a'), role('a')), 'XX')).toEqual([expect.stringContaining('XX/org/a')]);
    expect(directoryProblems(dir(role('a'), role('b', { fallback: 'XX/org/nobody' })), 'XX')).toEqual([
      expect.stringContaining('XX/org/b -> XX/org/nobody'),
      expect.stringContaining('unknown address: XX/org/b -> XX/org/nobody'),
    ]);
    expect(directoryProblems(dir(role('a', { fallback: 'XX/org/a' })), 'XX')).toEqual([expect.stringContaining('loop: XX/org/a -> XX/org/a')]);
  });

  it('reports duplicate addresses, including the receipts address', () => {
    expect(duplicateAddresses(dir(role('a'), role('a')))).toEqual(['XX/org/a']);
    const receipts: Directory = {
      node: 'XX',
      coordinator: 'XX/gateway/receipts',
      organisations: [{ slug: 'gateway', name: 'G', kind: 'government', roles: [role('receipts')] }],
    };
    expect(duplicateAddresses(receipts)).toEqual(['XX/gateway/receipts']);
  });

  it('reports a fallback that names no role of the node', () => {
    expect(unknownFallbacks(dir(role('a', { fallback: 'XX/org/nobody' })))).toEqual(['XX/org/a -> XX/org/nobody']);
    expect(unknownFallbacks(dir(role('a', { fallback: 'XX/gateway/receipts' })))).not.toEqual([]);
  });

  it('reports fallback loops, chains into unknown addresses and chains ending at a vacant role', () => {
    expect(fallbackChainProblems(dir(role('a', { fallback: 'XX/org/b' }), role('b', { fallback: 'XX/org/a' })))).toHaveLength(2);
    expect(fallbackChainProblems(dir(role('a', { fallback: 'XX/org/a' })))).toEqual(['loop: XX/org/a -> XX/org/a']);
    expect(fallbackChainProblems(dir(role('a', { fallback: 'XX/org/z' })))).toEqual(['unknown address: XX/org/a -> XX/org/z']);
    expect(fallbackChainProblems(dir(role('a', { status: 'vacant', fallback: 'XX/org/b' }), role('b', { status: 'vacant' })))).toEqual([
      'ends at a vacant role: XX/org/a -> XX/org/b',
      'ends at a vacant role: XX/org/b',
    ]);
  });

  it('reports a vacant role without a fallback', () => {
    expect(vacantWithoutFallback(dir(role('a', { status: 'vacant' })))).toEqual(['XX/org/a']);
  });

  it('reports contact data that could be real', () => {
    expect(contactProblems(dir(role('a', { channels: { phone: '+43 1 234 5678' } })))).toEqual(['XX/org/a phone +43 1 234 5678']);
    expect(contactProblems(dir(role('a', { channels: { mailbox: 'office@example.com' } })))).toEqual(['XX/org/a mailbox office@example.com']);
    const extra = role('a', { channels: { email: 'x@y.com' } as RoleEntry['channels'] });
    expect(contactProblems(dir(extra))).toEqual(['XX/org/a has an unexpected channel email']);
  });

  it('lookup finds nothing for a language no role lists', () => {
    expect(
      lookup(
        loaded.map((l) => l.doc),
        ['XK', 'AL'],
        'child',
        'zu',
      ),
    ).toEqual([]);
  });
});
