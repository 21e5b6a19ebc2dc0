import { validateBody } from '.';

/** The example body of section 7 of the contract, verbatim. */
const example = () => ({
  purpose: 'return',
  person: { ageGroup: 'adult', sex: 'f', nationality: 'RS', languages: ['sr'] },
  exploitation: ['sexual'],
  risk: { level: 'medium', assessedAt: '2026-11-20' },
  needs: ['shelter', 'psychosocial', 'legal'],
  consent: { given: true, by: 'person', recordedAt: '2026-11-19T09:00:00Z', scope: ['share-coded', 'share-sealed'] },
  plannedReturn: { date: '2026-12-03', escort: true },
});
type Body = ReturnType<typeof example> & Record<string, unknown>;

const validate = (change: (b: Body) => void = () => {}) => {
  const body = example() as Body;
  change(body);
  return validateBody('handover.request', body);
};
/** The distinct fields that have problems. */
const fieldsOf = (change: (b: Body) => void) => [...new Set(validate(change).map((p) => p.field))].sort();

describe('validateBody("handover.request")', () => {
  it('accepts the example body of section 7', () => {
    expect(validate()).toEqual([]);
  });

  it.each<[string, (b: Body) => void]>([
    [
      'a referral without plannedReturn',
      (b) => {
        b.purpose = 'referral';
        delete (b as Partial<Body>).plannedReturn;
      },
    ],
    [
      'assistance without plannedReturn',
      (b) => {
        b.purpose = 'assistance';
        delete (b as Partial<Body>).plannedReturn;
      },
    ],
    [
      'a child with consent by a guardian',
      (b) => {
        b.person.ageGroup = 'child';
        b.consent.by = 'guardian';
      },
    ],
    ['an unknown age group with consent by the person', (b) => void (b.person.ageGroup = 'unknown')],
    ['nationality XK (Kosovo)', (b) => void (b.person.nationality = 'XK')],
    ['nationality "unknown"', (b) => void (b.person.nationality = 'unknown')],
    ['several languages', (b) => void (b.person.languages = ['sq', 'sr', 'en'])],
    ['scope share-coded only (no sealed part)', (b) => void (b.consent.scope = ['share-coded'])],
    [
      'every exploitation form',
      (b) =>
        void (b.exploitation = [
          'sexual',
          'labour',
          'begging',
          'forced-marriage',
          'criminality',
          'domestic-servitude',
          'organ-removal',
          'illegal-adoption',
          'other',
          'unknown',
        ]),
    ],
    ['a leap day', (b) => void (b.risk.assessedAt = '2024-02-29')],
    ['recordedAt with an offset and fractions', (b) => void (b.consent.recordedAt = '2026-11-19T10:00:00.123+01:00')],
    ['no escort', (b) => void (b.plannedReturn.escort = false)],
  ])('accepts %s', (_label, change) => {
    expect(validate(change)).toEqual([]);
  });

  it.each<[string, (b: Body) => void, string[]]>([
    // unknown fields, at every level
    ['an unknown top-level field', (b) => void (b.note = 'x'), ['body.note']],
    ['a name in person', (b) => void ((b.person as Record<string, unknown>).name = 'x'), ['body.person.name']],
    ['an unknown field in risk', (b) => void ((b.risk as Record<string, unknown>).score = 3), ['body.risk.score']],
    ['an unknown field in consent', (b) => void ((b.consent as Record<string, unknown>).witness = 'x'), ['body.consent.witness']],
    ['an unknown field in plannedReturn', (b) => void ((b.plannedReturn as Record<string, unknown>).flight = 'x'), ['body.plannedReturn.flight']],
    // consent
    ['consent not given', (b) => void ((b.consent as Record<string, unknown>).given = false), ['body.consent.given']],
    ['consent given as the string "true"', (b) => void ((b.consent as Record<string, unknown>).given = 'true'), ['body.consent.given']],
    ['consent without given', (b) => void delete (b.consent as Partial<Body['consent']>).given, ['body.consent.given']],
    ['a child with consent by the person', (b) => void (b.person.ageGroup = 'child'), ['body.consent']],
    ['consent by someone else', (b) => void (b.consent.by = 'mother'), ['body.consent.by']],
    ['scope without share-coded', (b) => void (b.consent.scope = ['share-sealed']), ['body.consent.scope']],
    ['an empty scope', (b) => void (b.consent.scope = []), ['body.consent.scope']],
    ['an unknown scope', (b) => void (b.consent.scope = ['share-coded', 'share-all']), ['body.consent.scope']],
    ['a repeated scope', (b) => void (b.consent.scope = ['share-coded', 'share-coded']), ['body.consent.scope']],
    ['recordedAt without a time zone', (b) => void (b.consent.recordedAt = '2026-11-19T09:00:00'), ['body.consent.recordedAt']],
    ['recordedAt as a date only', (b) => void (b.consent.recordedAt = '2026-11-19'), ['body.consent.recordedAt']],
    ['recordedAt on an impossible day', (b) => void (b.consent.recordedAt = '2026-02-30T09:00:00Z'), ['body.consent.recordedAt']],
    ['no consent', (b) => void delete (b as Partial<Body>).consent, ['body.consent']],
    // purpose and plannedReturn
    [
      'an unknown purpose',
      (b) => {
        b.purpose = 'deportation';
        delete (b as Partial<Body>).plannedReturn;
      },
      ['body.purpose'],
    ],
    ['a return without plannedReturn', (b) => void delete (b as Partial<Body>).plannedReturn, ['body.plannedReturn']],
    ['a return with plannedReturn null', (b) => void ((b as Record<string, unknown>).plannedReturn = null), ['body.plannedReturn']],
    ['a referral with plannedReturn', (b) => void (b.purpose = 'referral'), ['body.plannedReturn']],
    ['assistance with plannedReturn', (b) => void (b.purpose = 'assistance'), ['body.plannedReturn']],
    ['an impossible return date', (b) => void (b.plannedReturn.date = '2026-02-30'), ['body.plannedReturn.date']],
    ['a return date with time', (b) => void (b.plannedReturn.date = '2026-12-03T08:00:00Z'), ['body.plannedReturn.date']],
    ['escort as a string', (b) => void ((b.plannedReturn as Record<string, unknown>).escort = 'yes'), ['body.plannedReturn.escort']],
    // person
    ['an unknown age group', (b) => void (b.person.ageGroup = 'teen'), ['body.person.ageGroup']],
    ['an unknown sex code', (b) => void (b.person.sex = 'female'), ['body.person.sex']],
    ['an uppercase sex code', (b) => void (b.person.sex = 'F'), ['body.person.sex']],
    ['nationality XX', (b) => void (b.person.nationality = 'XX'), ['body.person.nationality']],
    ['a lowercase nationality', (b) => void (b.person.nationality = 'rs'), ['body.person.nationality']],
    ['an alpha-3 nationality', (b) => void (b.person.nationality = 'SRB'), ['body.person.nationality']],
    ['language xx', (b) => void (b.person.languages = ['sr', 'xx']), ['body.person.languages']],
    ['an uppercase language', (b) => void (b.person.languages = ['SR']), ['body.person.languages']],
    ['a repeated language', (b) => void (b.person.languages = ['sr', 'sr']), ['body.person.languages']],
    ['languages as a string', (b) => void ((b.person as Record<string, unknown>).languages = 'sr'), ['body.person.languages']],
    ['person as a string', (b) => void ((b as Record<string, unknown>).person = 'adult'), ['body.person']],
    ['person as an array', (b) => void ((b as Record<string, unknown>).person = [{ ageGroup: 'teen' }]), ['body.person']],
    ['no person', (b) => void delete (b as Partial<Body>).person, ['body.person']],
    // exploitation, risk, needs
    ['no exploitation form', (b) => void (b.exploitation = []), ['body.exploitation']],
    ['an unknown exploitation form', (b) => void (b.exploitation = ['sexual', 'slavery']), ['body.exploitation']],
    ['a repeated exploitation form', (b) => void (b.exploitation = ['sexual', 'labour', 'sexual']), ['body.exploitation']],
    ['an unknown risk level', (b) => void (b.risk.level = 'extreme'), ['body.risk.level']],
    ['an impossible assessment date', (b) => void (b.risk.assessedAt = '2026-02-30'), ['body.risk.assessedAt']],
    ['a non-ISO assessment date', (b) => void (b.risk.assessedAt = '20.11.2026'), ['body.risk.assessedAt']],
    ['no risk', (b) => void delete (b as Partial<Body>).risk, ['body.risk']],
    ['risk as an array', (b) => void ((b as Record<string, unknown>).risk = [{ level: 'extreme' }]), ['body.risk']],
    ['consent as an array', (b) => void ((b as Record<string, unknown>).consent = [b.consent]), ['body.consent']],
    ['an unknown need', (b) => void (b.needs = ['shelter', 'housing']), ['body.needs']],
    ['a repeated need', (b) => void (b.needs = ['legal', 'shelter', 'legal']), ['body.needs']],
    ['needs null', (b) => void ((b as Record<string, unknown>).needs = null), ['body.needs']],
  ])('refuses %s', (_label, change, fields) => {
    expect(fieldsOf(change)).toEqual(fields);
  });

  it('reports only "must be an object" for an array given for an object, nothing below it', () => {
    expect(validate((b) => void ((b as Record<string, unknown>).person = [{ ageGroup: 'teen' }]))).toEqual([
      { field: 'body.person', problem: 'must be an object' },
    ]);
  });

  it('reports every problem of a body at once', () => {
    const fields = fieldsOf((b) => {
      b.person.sex = 'female';
      b.needs = ['housing'];
      (b.consent as Record<string, unknown>).given = false;
    });
    expect(fields).toEqual(['body.consent.given', 'body.needs', 'body.person.sex']);
  });

  it.each([null, [], 'return', 42])('refuses a body that is not a JSON object (%j)', (body) => {
    expect(validateBody('handover.request', body)).toEqual([{ field: 'body', problem: expect.any(String) }]);
  });

  it('refuses a type it has no body rules for, as a problem of "type"', () => {
    expect(validateBody('handover.maybe', example())).toEqual([{ field: 'type', problem: expect.any(String) }]);
  });

  it('never quotes submitted values in problems', () => {
    const secrets = ['Jovana', 'Petrović', '1994-03-17', 'Novi Sad', 'SR1234567'];
    const problems = validate((b) => {
      (b.person as Record<string, unknown>).name = 'Jovana Petrović';
      (b.person as Record<string, unknown>).nationality = 'Petrović';
      b.person.languages = ['Jovana'];
      b.person.sex = 'Jovana';
      b.exploitation = ['Novi Sad'];
      b.needs = ['SR1234567'];
      b.risk.assessedAt = '1994-03-17 Novi Sad';
      b.consent.by = 'Jovana Petrović';
      b.consent.scope = ['SR1234567'];
      (b.plannedReturn as Record<string, unknown>).escort = 'Jovana';
      b.note = '1994-03-17';
    });
    expect(problems.length).toBeGreaterThanOrEqual(10);
    const text = JSON.stringify(problems);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
