import { getMetadataStorage } from 'class-validator';
import { BODY_CLASSES, validateBody } from './bodies';
import { AGE_GROUPS, CONSENT_SCOPES, EXPLOITATION_FORMS, INFO_TOPICS, LANGUAGES, NEEDS, PURPOSES } from './codes';
import { generateNodeKeys } from './keys';
import { MAX_CASE_MESSAGE_ITEMS, MAX_JSON_DEPTH, MAX_REGISTRY_ITEMS } from './profile';
import { SealedPersonalData } from './sealed';
import { Problem, jsonTextDeeperThan, nestedDeeperThan, validatePlain } from './validation';

// The limits of revision 2 (end of section 5) on message bodies; the envelope's nesting is in jws.spec.ts, the sealed
// plaintext's in sealed.spec.ts.

const request = () => ({
  purpose: 'referral',
  person: { ageGroup: 'adult', sex: 'f', nationality: 'RS', languages: ['sr'] },
  exploitation: ['sexual'],
  risk: { level: 'medium', assessedAt: '2026-11-20' },
  needs: ['shelter'],
  consent: { given: true, by: 'person', recordedAt: '2026-11-19T09:00:00Z', scope: ['share-coded'] },
});

const registryUpdate = (organisations: unknown[] = [], keys: unknown[] = generateNodeKeys('RS').publicJwks.keys) => ({
  node: 'RS',
  version: 1,
  issuedAt: '2026-11-22T10:00:00Z',
  endpoint: { amqp: 'amqps://broker.rs.example:5671/trm-rs' },
  keys: { keys },
  organisations,
});
const role = (address: string) => ({ address, title: 'Intake', purposes: ['return'], ageGroups: ['adult'], languages: ['sr'], status: 'active' });

/** JSON text with `key` in `body.person`: in an object literal, `__proto__` would set the prototype, not add a key. */
const withPersonKey = (key: string, value: unknown) =>
  JSON.parse(JSON.stringify(request()).replace('"languages"', `${JSON.stringify(key)}:${JSON.stringify(value)},"languages"`));

const PROTOTYPE_NAMES = [
  'valueOf',
  'toString',
  'hasOwnProperty',
  'constructor',
  '__proto__',
  'isPrototypeOf',
  'toLocaleString',
  'propertyIsEnumerable',
  '__defineGetter__',
];

describe('keys named like Object.prototype members', () => {
  it.each(PROTOTYPE_NAMES)('%s in body.person is not a known field, and its value is not quoted', (key) => {
    const problems = validateBody('handover.request', withPersonKey(key, 'Jovana Petrović 1994-03-17'));
    expect(problems).toEqual([{ field: `body.person.${key}`, problem: 'is not a known field' }]);
  });

  it.each(PROTOTYPE_NAMES)('%s is not a known field at the top of a body or in an array item', (key) => {
    const answers = `[{"topic":"documents","status":"provided",${JSON.stringify(key)}:{"name":"Jovana"}}]`;
    expect(validateBody('info.response', JSON.parse(`{"answers":${answers},${JSON.stringify(key)}:1}`))).toEqual([
      { field: `body.answers.0.${key}`, problem: 'is not a known field' },
      { field: `body.${key}`, problem: 'is not a known field' },
    ]);
  });

  it('names the first 64 unknown fields and counts the rest', () => {
    const body = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i]));
    const problems = validateBody('case.closed', { ...body, reason: 'reintegrated' });
    expect(problems).toHaveLength(65);
    expect(problems[63]).toEqual({ field: 'body.k63', problem: 'is not a known field' });
    expect(problems[64]).toEqual({ field: 'body', problem: 'has 59936 more fields that are not known' });
  });

  it('is reported next to the other problems of the body', () => {
    const body = withPersonKey('valueOf', 'Jovana');
    body.person.sex = 'other';
    expect(
      validateBody('handover.request', body)
        .map((p: Problem) => p.field)
        .sort(),
    ).toEqual(['body.person.sex', 'body.person.valueOf']);
  });

  it.each([
    ['an array of codes', (b: ReturnType<typeof request>) => void (b.needs = [{ constructor: 'Jovana' }] as never)],
    ['a nested object', (b: ReturnType<typeof request>) => void (b.risk = { constructor: { name: 'Jovana' } } as never)],
  ])('in JSON without a class of its own (%s) is a problem, not an exception', (_label, change) => {
    const body = request();
    change(body);
    expect(validateBody('handover.request', body).length).toBeGreaterThan(0);
  });

  it('in a JWKS of a registry.update is refused', () => {
    const [sig, enc] = generateNodeKeys('RS').publicJwks.keys;
    const problems = validateBody('registry.update', registryUpdate([], [{ ...sig, constructor: 'x' }, enc]));
    expect(problems.map((p) => p.field)).toEqual(['body.keys']);
  });
});

describe('nesting deeper than 32 levels', () => {
  const nested = (levels: number) => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
    return value;
  };

  it('counts the value itself as level 1, arrays like objects', () => {
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestedDeeperThan('text', 0)).toBe(false);
  });

  it('is measured the same on JSON text, brackets in strings not counted, naming the top-level key', () => {
    const text = (json: string) => Buffer.from(json);
    const deep = JSON.stringify({ sender: 'a"[{b', body: nested(MAX_JSON_DEPTH - 1) });
    expect(jsonTextDeeperThan(text(deep), MAX_JSON_DEPTH)).toBeNull();
    expect(jsonTextDeeperThan(text(JSON.stringify({ 'x\\"': '[[[[', body: nested(MAX_JSON_DEPTH) })), MAX_JSON_DEPTH)).toBe('body');
    expect(jsonTextDeeperThan(text(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), MAX_JSON_DEPTH)).toBe('(root)');
  });

  it('is a problem of the field it is under, found without exhausting the stack', () => {
    const body = request() as Record<string, unknown>;
    (body.person as Record<string, unknown>).extra = nested(10_000);
    expect(validateBody('handover.request', body)).toEqual([{ field: 'body.person', problem: `must not be nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  });

  it('applies to any class validated from plain JSON', () => {
    expect(validatePlain(SealedPersonalData, { travelDocument: nested(MAX_JSON_DEPTH) })).toEqual([
      { field: 'travelDocument', problem: `must not be nested deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  });
});

describe('array limits', () => {
  const codes = (list: Iterable<string>) => [...list];

  it.each<[string, string, string[]]>([
    ['handover.request', 'needs', codes(NEEDS)],
    ['handover.request', 'exploitation', codes(EXPLOITATION_FORMS)],
    ['handover.request', 'person.languages', codes(LANGUAGES)],
    ['handover.request', 'consent.scope', codes(CONSENT_SCOPES)],
  ])('%s: body.%s may hold every code once, not one item more', (type, path, all) => {
    const set = (items: string[]) => {
      const body = request() as Record<string, any>;
      const [head, tail] = path.split('.');
      if (tail) body[head][tail] = items;
      else body[head] = items;
      return validateBody(type, body);
    };
    expect(set(all)).toEqual([]);
    expect(set([...all, all[0]])).toEqual([{ field: `body.${path}`, problem: `must not hold more than ${all.length} items` }]);
  });

  it('refuses an oversized array with that problem alone, before looking at any of its items', () => {
    const body = request();
    body.needs = Array.from({ length: 140_000 }, (_, i) => `need-${i}`);
    body.person.sex = 'other';
    expect(validateBody('handover.request', body)).toEqual([{ field: 'body.needs', problem: `must not hold more than ${NEEDS.length} items` }]);
  });

  it(`refuses more than ${MAX_CASE_MESSAGE_ITEMS} items in an array of a case message that holds no codes`, () => {
    const answers = (n: number) => Array.from({ length: n }, () => ({ topic: 'documents', status: 'provided' }));
    expect(validateBody('info.response', { answers: answers(MAX_CASE_MESSAGE_ITEMS + 1) })).toEqual([
      { field: 'body.answers', problem: `must not hold more than ${MAX_CASE_MESSAGE_ITEMS} items` },
    ]);
    expect(validateBody('info.request', { topics: [...INFO_TOPICS, INFO_TOPICS[0]] })).toEqual([
      { field: 'body.topics', problem: `must not hold more than ${INFO_TOPICS.length} items` },
    ]);
  });

  it(`refuses more than ${MAX_REGISTRY_ITEMS} organisations, roles or keys in a registry.update`, () => {
    const orgs = (n: number) => Array.from({ length: n }, (_, i) => ({ slug: `org-${i}`, name: 'Org', kind: 'ngo', roles: [] }));
    expect(validateBody('registry.update', registryUpdate(orgs(MAX_REGISTRY_ITEMS + 1)))).toEqual([
      { field: 'body.organisations', problem: `must not hold more than ${MAX_REGISTRY_ITEMS} items` },
    ]);
    const roles = Array.from({ length: MAX_REGISTRY_ITEMS + 1 }, (_, i) => role(`RS/cptv/role-${i}`));
    expect(validateBody('registry.update', registryUpdate([{ slug: 'cptv', name: 'CPTV', kind: 'government', roles }]))).toEqual([
      { field: 'body.organisations.0.roles', problem: `must not hold more than ${MAX_REGISTRY_ITEMS} items` },
    ]);
    const keys = Array.from({ length: MAX_REGISTRY_ITEMS + 1 }, () => ({}));
    expect(validateBody('registry.update', registryUpdate([], keys))).toEqual([
      { field: 'body.keys', problem: `keys must not hold more than ${MAX_REGISTRY_ITEMS} keys` },
    ]);
  });

  it('accepts a registry.update whose code lists hold every code', () => {
    const all = { ...role('RS/cptv/intake'), purposes: codes(PURPOSES), ageGroups: codes(AGE_GROUPS), exploitation: codes(EXPLOITATION_FORMS) };
    expect(validateBody('registry.update', registryUpdate([{ slug: 'cptv', name: 'CPTV', kind: 'government', roles: [all] }]))).toEqual([]);
  });

  it('gives every array of every body and of the sealed plaintext a limit', () => {
    const unlimited: string[] = [];
    const seen = new Set<Class>();
    const visit = (cls: Class) => {
      if (seen.has(cls)) return;
      seen.add(cls);
      const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false);
      const names = new Set(metadata.map((m) => m.propertyName));
      for (const name of names) {
        const own = metadata.filter((m) => m.propertyName === name);
        if (own.some((m) => m.name === 'isArray') && !own.some((m) => m.name === 'arrayMaxSize')) unlimited.push(`${cls.name}.${name}`);
      }
      for (const m of metadata) if (m.type === 'nestedValidation') nestedOf(cls, m.propertyName).forEach(visit);
    };
    [...Object.values(BODY_CLASSES), SealedPersonalData].forEach(visit);
    expect(seen.size).toBeGreaterThan(Object.keys(BODY_CLASSES).length);
    expect(unlimited).toEqual([]);
  });
});

/** A class whose decorators are read. */
type Class = abstract new (...args: never[]) => unknown;

/** The class `@Type` names for a property, if any. */
function nestedOf(cls: Class, property: string): Class[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- class-transformer's storage is not exported
  const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');
  const type = defaultMetadataStorage.findTypeMetadata(cls, property);
  return type ? [type.typeFunction() as Class] : [];
}
