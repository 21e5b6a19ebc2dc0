import { isKnownType, validateBody } from '.';
import { CLOSE_REASONS, DECLINE_REASONS, INFO_TOPICS, MISSED_ARRIVAL_REASONS, REINTEGRATION_STATUSES } from '../codes';
import { checkContent } from '../content';
import { Envelope, createEnvelope } from '../envelope';
import { MESSAGE_TYPES, MessageType } from '../profile';

type Plain = Record<string, any>;

/** A valid body of each case message type (SAMPLE DATA, coded only). */
const EXAMPLES = {
  'handover.accepted': () => ({ role: 'RS/cptv/intake', services: ['shelter', 'psychosocial', 'legal'] }),
  'handover.declined': () => ({ reason: 'no-capacity', redirectTo: 'RS/astra/return-support' }),
  'info.request': () => ({ topics: ['documents', 'medical-needs'], dueBy: '2026-11-27' }),
  'info.response': () => ({
    answers: [
      { topic: 'documents', status: 'provided' },
      { topic: 'medical-needs', status: 'not-applicable' },
    ],
    risk: { level: 'medium', assessedAt: '2026-11-24' },
    needs: ['shelter', 'documents'],
    documents: 'in-preparation',
  }),
  'return.scheduled': () => ({
    date: '2026-12-03',
    time: '09:40',
    transport: 'air',
    arrivalPoint: { kind: 'airport', code: 'BEG' },
    escort: true,
    metBy: 'RS/astra/return-support',
  }),
  'arrival.confirmed': () => ({ arrivedAt: '2026-12-03T11:05:00+01:00', metBy: 'RS/astra/return-support', immediateNeeds: ['shelter', 'medical'] }),
  'arrival.missed': () => ({ reason: 'travel-delayed' }),
  'followup.report': () => ({
    period: 1,
    status: 'in-shelter',
    services: ['shelter', 'psychosocial', 'legal'],
    risk: { level: 'low', assessedAt: '2027-02-25' },
    nextReportDue: '2027-05-31',
  }),
  'case.updated': () => ({ changes: { risk: { level: 'high', assessedAt: '2026-11-24' }, needs: ['shelter', 'security'] } }),
  'consent.withdrawn': () => ({ withdrawnAt: '2026-12-20T14:00:00Z', scope: ['share-sealed'] }),
  'purge.confirmed': () => ({ purgedAt: '2026-12-20T15:30:00Z', scope: ['share-sealed'] }),
  'case.closed': () => ({ reason: 'reintegrated' }),
} satisfies Partial<Record<MessageType, () => Plain>>;
type CaseType = keyof typeof EXAMPLES;
const CASE_TYPES = Object.keys(EXAMPLES) as CaseType[];

const validate = (type: CaseType, change: (b: Plain) => void = () => {}) => {
  const body: Plain = EXAMPLES[type]();
  change(body);
  return validateBody(type, body);
};
/** The distinct fields that have problems. */
const fieldsOf = (type: CaseType, change: (b: Plain) => void) => [...new Set(validate(type, change).map((p) => p.field))].sort();

describe('case message bodies', () => {
  it('knows every message type of section 7', () => {
    for (const type of MESSAGE_TYPES) expect(isKnownType(type)).toBe(true);
    expect(isKnownType('handover.maybe')).toBe(false);
  });

  it.each(CASE_TYPES)('accepts the example body of %s', (type) => {
    expect(validate(type)).toEqual([]);
  });

  it.each<[CaseType, string, (b: Plain) => void]>([
    ['handover.accepted', 'no services', (b) => delete b.services],
    ['handover.accepted', 'no services planned yet', (b) => void (b.services = [])],
    ['handover.declined', 'no redirectTo', (b) => delete b.redirectTo],
    ['handover.declined', 'a redirect to another node', (b) => void (b.redirectTo = 'HU/ngo/intake')],
    ...DECLINE_REASONS.map((r): [CaseType, string, (b: Plain) => void] => ['handover.declined', `reason ${r}`, (b) => void (b.reason = r)]),
    ['info.request', 'no dueBy', (b) => delete b.dueBy],
    ['info.request', 'every topic', (b) => void (b.topics = [...INFO_TOPICS])],
    [
      'info.response',
      'answers only',
      (b) => {
        delete b.risk;
        delete b.needs;
        delete b.documents;
      },
    ],
    ['info.response', 'an unavailable answer', (b) => void (b.answers = [{ topic: 'family-situation', status: 'unavailable' }])],
    ['info.response', 'empty needs', (b) => void (b.needs = [])],
    ['return.scheduled', 'no time', (b) => delete b.time],
    ['return.scheduled', 'midnight', (b) => void (b.time = '00:00')],
    ['return.scheduled', 'a minute to midnight', (b) => void (b.time = '23:59')],
    [
      'return.scheduled',
      'by road over a border crossing',
      (b) => {
        b.transport = 'road';
        b.arrivalPoint = { kind: 'border-crossing', code: 'BATROVCI' };
      },
    ],
    ['return.scheduled', 'a code with digits and hyphens', (b) => void (b.arrivalPoint = { kind: 'station', code: 'RS-BG-01' })],
    ['return.scheduled', 'no escort', (b) => void (b.escort = false)],
    ['arrival.confirmed', 'no immediateNeeds', (b) => delete b.immediateNeeds],
    ['arrival.confirmed', 'arrivedAt in UTC with fractions', (b) => void (b.arrivedAt = '2026-12-03T10:05:00.250Z')],
    ...MISSED_ARRIVAL_REASONS.map((r): [CaseType, string, (b: Plain) => void] => ['arrival.missed', `reason ${r}`, (b) => void (b.reason = r)]),
    ['followup.report', 'no services delivered', (b) => void (b.services = [])],
    [
      'followup.report',
      'neither risk nor nextReportDue',
      (b) => {
        delete b.risk;
        delete b.nextReportDue;
      },
    ],
    ['followup.report', 'a later period', (b) => void (b.period = 4)],
    ...REINTEGRATION_STATUSES.map((s): [CaseType, string, (b: Plain) => void] => ['followup.report', `status ${s}`, (b) => void (b.status = s)]),
    ['case.updated', 'only person', (b) => void (b.changes = { person: { ageGroup: 'child', sex: 'f', nationality: 'XK', languages: ['sq'] } })],
    ['case.updated', 'only exploitation', (b) => void (b.changes = { exploitation: ['labour', 'begging'] })],
    ['case.updated', 'only risk', (b) => void (b.changes = { risk: { level: 'low', assessedAt: '2026-11-30' } })],
    ['case.updated', 'only needs, emptied', (b) => void (b.changes = { needs: [] })],
    ['case.updated', 'only plannedReturn', (b) => void (b.changes = { plannedReturn: { date: '2026-12-10', escort: false } })],
    [
      'case.updated',
      'every field',
      (b) =>
        void (b.changes = {
          person: { ageGroup: 'adult', sex: 'unknown', nationality: 'unknown', languages: [] },
          exploitation: ['unknown'],
          risk: { level: 'medium', assessedAt: '2026-11-30' },
          needs: ['travel'],
          plannedReturn: { date: '2026-12-10', escort: true },
        }),
    ],
    ['consent.withdrawn', 'share-coded (the whole case)', (b) => void (b.scope = ['share-coded'])],
    ['consent.withdrawn', 'both scopes', (b) => void (b.scope = ['share-coded', 'share-sealed'])],
    ['purge.confirmed', 'both scopes', (b) => void (b.scope = ['share-sealed', 'share-coded'])],
    ...CLOSE_REASONS.map((r): [CaseType, string, (b: Plain) => void] => ['case.closed', `reason ${r}`, (b) => void (b.reason = r)]),
  ])('accepts %s with %s', (type, _label, change) => {
    expect(validate(type, change)).toEqual([]);
  });

  it.each<[CaseType, string, (b: Plain) => void, string[]]>([
    // handover.accepted
    ['handover.accepted', 'no role', (b) => delete b.role, ['body.role']],
    ['handover.accepted', 'a role that is not an address', (b) => void (b.role = 'cptv intake'), ['body.role']],
    ['handover.accepted', 'role null', (b) => void (b.role = null), ['body.role']],
    ['handover.accepted', 'an unknown service', (b) => void (b.services = ['shelter', 'housing']), ['body.services']],
    ['handover.accepted', 'a repeated service', (b) => void (b.services = ['legal', 'legal']), ['body.services']],
    ['handover.accepted', 'services null', (b) => void (b.services = null), ['body.services']],
    ['handover.accepted', 'services as a string', (b) => void (b.services = 'shelter'), ['body.services']],
    ['handover.accepted', 'a free-text note', (b) => void (b.note = 'x'), ['body.note']],
    // handover.declined
    ['handover.declined', 'no reason', (b) => delete b.reason, ['body.reason']],
    ['handover.declined', 'an unknown reason', (b) => void (b.reason = 'busy'), ['body.reason']],
    ['handover.declined', 'an uppercase reason', (b) => void (b.reason = 'NO-CAPACITY'), ['body.reason']],
    ['handover.declined', 'a redirectTo that is not an address', (b) => void (b.redirectTo = 'astra@example.org'), ['body.redirectTo']],
    ['handover.declined', 'redirectTo null', (b) => void (b.redirectTo = null), ['body.redirectTo']],
    ['handover.declined', 'a free-text comment', (b) => void (b.comment = 'x'), ['body.comment']],
    // info.request
    ['info.request', 'no topics', (b) => delete b.topics, ['body.topics']],
    ['info.request', 'an empty topic list', (b) => void (b.topics = []), ['body.topics']],
    ['info.request', 'an unknown topic', (b) => void (b.topics = ['documents', 'address']), ['body.topics']],
    ['info.request', 'a repeated topic', (b) => void (b.topics = ['consent', 'consent']), ['body.topics']],
    ['info.request', 'topics as a string', (b) => void (b.topics = 'documents'), ['body.topics']],
    ['info.request', 'an impossible dueBy', (b) => void (b.dueBy = '2026-02-30'), ['body.dueBy']],
    ['info.request', 'dueBy with a time', (b) => void (b.dueBy = '2026-11-27T12:00:00Z'), ['body.dueBy']],
    ['info.request', 'dueBy null', (b) => void (b.dueBy = null), ['body.dueBy']],
    ['info.request', 'a free-text question', (b) => void (b.question = 'x'), ['body.question']],
    // info.response
    ['info.response', 'no answers', (b) => delete b.answers, ['body.answers']],
    ['info.response', 'an empty answer list', (b) => void (b.answers = []), ['body.answers']],
    ['info.response', 'one answer given as an object', (b) => void (b.answers = { topic: 'documents', status: 'x' }), ['body.answers']],
    ['info.response', 'an unknown topic', (b) => void (b.answers[0].topic = 'address'), ['body.answers.0.topic']],
    ['info.response', 'an unknown status', (b) => void (b.answers[1].status = 'yes'), ['body.answers.1.status']],
    ['info.response', 'an answer without status', (b) => delete b.answers[1].status, ['body.answers.1.status']],
    ['info.response', 'a repeated topic', (b) => void (b.answers[1].topic = 'documents'), ['body.answers']],
    ['info.response', 'a free-text answer', (b) => void (b.answers[0].text = 'x'), ['body.answers.0.text']],
    ['info.response', 'an answer as a string', (b) => void (b.answers[1] = 'documents'), ['body.answers.1']],
    ['info.response', 'an answer as an array', (b) => void (b.answers[0] = [{ topic: 'x' }]), ['body.answers.0']],
    ['info.response', 'an answer null', (b) => void (b.answers[0] = null), ['body.answers.0']],
    ['info.response', 'an array of valid answers as an answer', (b) => void (b.answers = [b.answers]), ['body.answers.0']],
    ['info.response', 'an empty array as an answer', (b) => void (b.answers[1] = []), ['body.answers.1']],
    ['info.response', 'an unknown risk level', (b) => void (b.risk.level = 'extreme'), ['body.risk.level']],
    ['info.response', 'an unknown field in risk', (b) => void (b.risk.score = 3), ['body.risk.score']],
    ['info.response', 'risk null', (b) => void (b.risk = null), ['body.risk']],
    ['info.response', 'risk as an array', (b) => void (b.risk = [{ level: 'x' }]), ['body.risk']],
    ['info.response', 'an unknown need', (b) => void (b.needs = ['housing']), ['body.needs']],
    ['info.response', 'a repeated need', (b) => void (b.needs = ['legal', 'legal']), ['body.needs']],
    ['info.response', 'an unknown document status', (b) => void (b.documents = 'lost'), ['body.documents']],
    ['info.response', 'personal details in the body', (b) => void (b.givenName = 'x'), ['body.givenName']],
    // return.scheduled
    ['return.scheduled', 'no date', (b) => delete b.date, ['body.date']],
    ['return.scheduled', 'an impossible date', (b) => void (b.date = '2026-02-30'), ['body.date']],
    ['return.scheduled', 'a date with time', (b) => void (b.date = '2026-12-03T09:40:00Z'), ['body.date']],
    ['return.scheduled', 'time 24:00', (b) => void (b.time = '24:00'), ['body.time']],
    ['return.scheduled', 'a time without a leading zero', (b) => void (b.time = '9:40'), ['body.time']],
    ['return.scheduled', 'a time with seconds', (b) => void (b.time = '09:40:00'), ['body.time']],
    ['return.scheduled', 'minute 60', (b) => void (b.time = '09:60'), ['body.time']],
    ['return.scheduled', 'time null', (b) => void (b.time = null), ['body.time']],
    ['return.scheduled', 'an unknown transport', (b) => void (b.transport = 'bus'), ['body.transport']],
    ['return.scheduled', 'no transport', (b) => delete b.transport, ['body.transport']],
    ['return.scheduled', 'no arrivalPoint', (b) => delete b.arrivalPoint, ['body.arrivalPoint']],
    ['return.scheduled', 'arrivalPoint as a string', (b) => void (b.arrivalPoint = 'BEG'), ['body.arrivalPoint']],
    ['return.scheduled', 'arrivalPoint as an array', (b) => void (b.arrivalPoint = [{ kind: 'x', code: 'x' }]), ['body.arrivalPoint']],
    ['return.scheduled', 'an unknown arrival point kind', (b) => void (b.arrivalPoint.kind = 'harbour'), ['body.arrivalPoint.kind']],
    ['return.scheduled', 'a lowercase code', (b) => void (b.arrivalPoint.code = 'beg'), ['body.arrivalPoint.code']],
    ['return.scheduled', 'a one-character code', (b) => void (b.arrivalPoint.code = 'B'), ['body.arrivalPoint.code']],
    ['return.scheduled', 'a 17-character code', (b) => void (b.arrivalPoint.code = 'A'.repeat(17)), ['body.arrivalPoint.code']],
    ['return.scheduled', 'a code with a space', (b) => void (b.arrivalPoint.code = 'BEG 1'), ['body.arrivalPoint.code']],
    ['return.scheduled', 'a numeric code', (b) => void (b.arrivalPoint.code = 42), ['body.arrivalPoint.code']],
    ['return.scheduled', 'a name for the arrival point', (b) => void (b.arrivalPoint.name = 'x'), ['body.arrivalPoint.name']],
    ['return.scheduled', 'escort as a string', (b) => void (b.escort = 'yes'), ['body.escort']],
    ['return.scheduled', 'no escort', (b) => delete b.escort, ['body.escort']],
    ['return.scheduled', 'metBy that is not an address', (b) => void (b.metBy = 'the social worker'), ['body.metBy']],
    ['return.scheduled', 'a flight number', (b) => void (b.flight = 'OS 771'), ['body.flight']],
    // arrival.confirmed
    ['arrival.confirmed', 'no arrivedAt', (b) => delete b.arrivedAt, ['body.arrivedAt']],
    ['arrival.confirmed', 'arrivedAt as a date', (b) => void (b.arrivedAt = '2026-12-03'), ['body.arrivedAt']],
    ['arrival.confirmed', 'arrivedAt without a time zone', (b) => void (b.arrivedAt = '2026-12-03T11:05:00'), ['body.arrivedAt']],
    ['arrival.confirmed', 'no metBy', (b) => delete b.metBy, ['body.metBy']],
    ['arrival.confirmed', 'an unknown immediate need', (b) => void (b.immediateNeeds = ['food']), ['body.immediateNeeds']],
    ['arrival.confirmed', 'a repeated immediate need', (b) => void (b.immediateNeeds = ['medical', 'medical']), ['body.immediateNeeds']],
    ['arrival.confirmed', 'immediateNeeds null', (b) => void (b.immediateNeeds = null), ['body.immediateNeeds']],
    ['arrival.confirmed', 'a free-text condition', (b) => void (b.condition = 'x'), ['body.condition']],
    // arrival.missed
    ['arrival.missed', 'no reason', (b) => delete b.reason, ['body.reason']],
    ['arrival.missed', 'an unknown reason', (b) => void (b.reason = 'absconded'), ['body.reason']],
    ['arrival.missed', 'a free-text explanation', (b) => void (b.explanation = 'x'), ['body.explanation']],
    // followup.report
    ['followup.report', 'period 0', (b) => void (b.period = 0), ['body.period']],
    ['followup.report', 'a fractional period', (b) => void (b.period = 1.5), ['body.period']],
    ['followup.report', 'period as a string', (b) => void (b.period = '1'), ['body.period']],
    ['followup.report', 'no period', (b) => delete b.period, ['body.period']],
    ['followup.report', 'an unknown status', (b) => void (b.status = 'fine'), ['body.status']],
    ['followup.report', 'no status', (b) => delete b.status, ['body.status']],
    ['followup.report', 'no services', (b) => delete b.services, ['body.services']],
    ['followup.report', 'an unknown service', (b) => void (b.services = ['housing']), ['body.services']],
    ['followup.report', 'a repeated service', (b) => void (b.services = ['shelter', 'shelter']), ['body.services']],
    ['followup.report', 'an impossible risk date', (b) => void (b.risk.assessedAt = '2027-02-30'), ['body.risk.assessedAt']],
    ['followup.report', 'risk without level', (b) => delete b.risk.level, ['body.risk.level']],
    ['followup.report', 'a non-ISO nextReportDue', (b) => void (b.nextReportDue = '31.05.2027'), ['body.nextReportDue']],
    ['followup.report', 'nextReportDue null', (b) => void (b.nextReportDue = null), ['body.nextReportDue']],
    ['followup.report', 'free-text notes', (b) => void (b.notes = 'x'), ['body.notes']],
    // case.updated
    ['case.updated', 'no changes', (b) => delete b.changes, ['body.changes']],
    ['case.updated', 'changes null', (b) => void (b.changes = null), ['body.changes']],
    ['case.updated', 'empty changes', (b) => void (b.changes = {}), ['body.changes']],
    ['case.updated', 'changes as an array', (b) => void (b.changes = [{ needs: ['x'] }]), ['body.changes']],
    ['case.updated', 'only a field that cannot change', (b) => void (b.changes = { purpose: 'referral' }), ['body.changes', 'body.changes.purpose']],
    ['case.updated', 'consent among the changes', (b) => void (b.changes.consent = { given: true }), ['body.changes.consent']],
    ['case.updated', 'a field next to changes', (b) => void (b.reason = 'x'), ['body.reason']],
    [
      'case.updated',
      'a name in person',
      (b) => void (b.changes.person = { ageGroup: 'adult', sex: 'f', nationality: 'RS', languages: ['sr'], name: 'x' }),
      ['body.changes.person.name'],
    ],
    [
      'case.updated',
      'an incomplete person',
      (b) => void (b.changes.person = { ageGroup: 'adult' }),
      ['body.changes.person.languages', 'body.changes.person.nationality', 'body.changes.person.sex'],
    ],
    ['case.updated', 'person as an array', (b) => void (b.changes.person = [{ sex: 'x' }]), ['body.changes.person']],
    ['case.updated', 'person null', (b) => void (b.changes.person = null), ['body.changes.person']],
    ['case.updated', 'no exploitation form', (b) => void (b.changes.exploitation = []), ['body.changes.exploitation']],
    ['case.updated', 'an unknown exploitation form', (b) => void (b.changes.exploitation = ['slavery']), ['body.changes.exploitation']],
    ['case.updated', 'a repeated exploitation form', (b) => void (b.changes.exploitation = ['labour', 'labour']), ['body.changes.exploitation']],
    ['case.updated', 'an unknown risk level', (b) => void (b.changes.risk.level = 'extreme'), ['body.changes.risk.level']],
    ['case.updated', 'a repeated need', (b) => void (b.changes.needs = ['shelter', 'shelter']), ['body.changes.needs']],
    ['case.updated', 'plannedReturn without escort', (b) => void (b.changes.plannedReturn = { date: '2026-12-10' }), ['body.changes.plannedReturn.escort']],
    ['case.updated', 'plannedReturn null', (b) => void (b.changes.plannedReturn = null), ['body.changes.plannedReturn']],
    // consent.withdrawn
    ['consent.withdrawn', 'no withdrawnAt', (b) => delete b.withdrawnAt, ['body.withdrawnAt']],
    ['consent.withdrawn', 'withdrawnAt as a date', (b) => void (b.withdrawnAt = '2026-12-20'), ['body.withdrawnAt']],
    ['consent.withdrawn', 'no scope', (b) => delete b.scope, ['body.scope']],
    ['consent.withdrawn', 'an empty scope', (b) => void (b.scope = []), ['body.scope']],
    ['consent.withdrawn', 'an unknown scope', (b) => void (b.scope = ['share-all']), ['body.scope']],
    ['consent.withdrawn', 'a repeated scope', (b) => void (b.scope = ['share-sealed', 'share-sealed']), ['body.scope']],
    ['consent.withdrawn', 'a free-text reason', (b) => void (b.reason = 'x'), ['body.reason']],
    // purge.confirmed
    ['purge.confirmed', 'no purgedAt', (b) => delete b.purgedAt, ['body.purgedAt']],
    ['purge.confirmed', 'purgedAt on an impossible day', (b) => void (b.purgedAt = '2026-02-30T15:30:00Z'), ['body.purgedAt']],
    ['purge.confirmed', 'an empty scope', (b) => void (b.scope = []), ['body.scope']],
    ['purge.confirmed', 'scope as a string', (b) => void (b.scope = 'share-sealed'), ['body.scope']],
    ['purge.confirmed', 'an unknown field', (b) => void (b.records = 3), ['body.records']],
    // case.closed
    ['case.closed', 'no reason', (b) => delete b.reason, ['body.reason']],
    ['case.closed', 'an unknown reason', (b) => void (b.reason = 'done'), ['body.reason']],
    ['case.closed', 'a free-text summary', (b) => void (b.summary = 'x'), ['body.summary']],
  ])('refuses %s with %s', (type, _label, change, fields) => {
    expect(fieldsOf(type, change)).toEqual(fields);
  });

  it('reports every problem of a body at once', () => {
    const fields = fieldsOf('return.scheduled', (b) => {
      b.time = '25:00';
      b.arrivalPoint.code = 'beg';
      b.escort = 'no';
    });
    expect(fields).toEqual(['body.arrivalPoint.code', 'body.escort', 'body.time']);
  });

  it.each(CASE_TYPES)('refuses a %s body that is not a JSON object', (type) => {
    for (const body of [null, [], 'x', 7]) expect(validateBody(type, body)).toEqual([{ field: 'body', problem: 'must be a JSON object' }]);
  });

  describe('never quotes submitted values', () => {
    const SECRETS = ['Jovana', 'Petrović', '1994-03-17', 'SR1234567', 'Novi Sad'];
    const S = 'Jovana Petrović';
    const D = '1994-03-17 Novi Sad';
    const BAD: Record<CaseType, Plain> = {
      'handover.accepted': { role: S, services: ['SR1234567'] },
      'handover.declined': { reason: S, redirectTo: 'Novi Sad' },
      'info.request': { topics: [S], dueBy: D },
      'info.response': {
        answers: [{ topic: S, status: 'SR1234567', name: S }, 'Novi Sad'],
        risk: { level: S, assessedAt: D },
        needs: [S],
        documents: 'SR1234567',
      },
      'return.scheduled': { date: D, time: S, transport: S, arrivalPoint: { kind: S, code: 'Novi Sad' }, escort: S, metBy: S },
      'arrival.confirmed': { arrivedAt: D, metBy: S, immediateNeeds: [S] },
      'arrival.missed': { reason: S },
      'followup.report': { period: S, status: S, services: [S], risk: { level: S, assessedAt: D }, nextReportDue: D },
      'case.updated': {
        changes: {
          person: { ageGroup: S, sex: S, nationality: S, languages: [S], givenName: S },
          exploitation: [S],
          risk: { level: S, assessedAt: D },
          needs: [S],
          plannedReturn: { date: D, escort: S },
        },
      },
      'consent.withdrawn': { withdrawnAt: D, scope: [S] },
      'purge.confirmed': { purgedAt: D, scope: [S] },
      'case.closed': { reason: S },
    };
    it.each(CASE_TYPES)('%s', (type) => {
      const problems = validateBody(type, { ...BAD[type], note: S });
      expect(problems.length).toBeGreaterThanOrEqual(2);
      const text = JSON.stringify(problems);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    });
  });
});

describe('checkContent: case messages and their envelopes', () => {
  const REFERRING = { from: 'AT', to: 'RS', sender: 'AT/bmi-thb/coordination', recipient: 'RS/cptv/intake' };
  const RECEIVING = { from: 'RS', to: 'AT', sender: 'RS/cptv/intake', recipient: 'AT/bmi-thb/coordination' };
  const DIRECTION: Record<CaseType, typeof REFERRING> = {
    'handover.accepted': RECEIVING,
    'handover.declined': RECEIVING,
    'info.request': RECEIVING,
    'info.response': REFERRING,
    'return.scheduled': REFERRING,
    'arrival.confirmed': RECEIVING,
    'arrival.missed': RECEIVING,
    'followup.report': RECEIVING,
    'case.updated': REFERRING,
    'consent.withdrawn': REFERRING,
    'purge.confirmed': RECEIVING,
    'case.closed': RECEIVING,
  };
  const REPLY_TO = '0b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69';

  const message = (type: CaseType, changes: Plain = {}, body: Plain = EXAMPLES[type]()): Envelope => {
    const envelope = {
      ...createEnvelope({
        id: '3f9a6c1e-2b7d-4e8f-9a0b-1c2d3e4f5a6b',
        type,
        ...DIRECTION[type],
        caseRef: 'AT-2026-7F3K9QXA',
        inReplyTo: REPLY_TO,
        createdAt: '2026-11-23T09:00:00Z',
        body,
      }),
      ...changes,
    } as Plain;
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete envelope[key];
    return envelope as Envelope;
  };
  const problemsOf = (envelope: Envelope) => checkContent(envelope, []);
  const fieldsOf = async (envelope: Envelope) => [...new Set((await problemsOf(envelope)).map((p) => p.field))].sort();

  it.each(CASE_TYPES)('accepts the example %s in its envelope', async (type) => {
    expect(await problemsOf(message(type))).toEqual([]);
  });

  it.each(CASE_TYPES.filter((t) => t !== 'info.response' && t !== 'purge.confirmed'))('accepts %s without inReplyTo', async (type) => {
    expect(await problemsOf(message(type, { inReplyTo: null }))).toEqual([]);
    expect(await problemsOf(message(type, { inReplyTo: undefined }))).toEqual([]);
  });

  it.each<[CaseType, Plain]>([
    ['info.response', { inReplyTo: null }],
    ['info.response', { inReplyTo: undefined }],
    ['purge.confirmed', { inReplyTo: null }],
    ['purge.confirmed', { inReplyTo: undefined }],
  ])('refuses %s without inReplyTo (%j)', async (type, changes) => {
    expect(await problemsOf(message(type, changes))).toEqual([{ field: 'inReplyTo', problem: `is required for ${type}` }]);
  });

  it('refuses an inReplyTo that is not a UUID once, as the envelope rule does', async () => {
    expect(await problemsOf(message('purge.confirmed', { inReplyTo: 'msg-1' }))).toEqual([{ field: 'inReplyTo', problem: 'must be a UUID or null' }]);
  });

  it.each<[CaseType, string, Plain, string]>([
    ['handover.accepted', 'a role of the referring node', { role: 'AT/bmi-thb/coordination' }, 'body.role'],
    ['handover.accepted', 'a role of a third node', { role: 'HU/ngo/intake' }, 'body.role'],
    ['handover.accepted', 'a role of a node whose id extends from', { role: 'RS-ASTRA/astra/intake' }, 'body.role'],
    ['arrival.confirmed', 'metBy of the referring node', { metBy: 'AT/bmi-thb/coordination' }, 'body.metBy'],
    ['return.scheduled', 'metBy of the referring node', { metBy: 'AT/bmi-thb/coordination' }, 'body.metBy'],
    ['return.scheduled', 'metBy of a third node', { metBy: 'HU/ngo/escort' }, 'body.metBy'],
  ])('refuses %s with %s', async (type, _label, change, field) => {
    const problems = await problemsOf(message(type, {}, { ...EXAMPLES[type](), ...change }));
    const node = type === 'return.scheduled' ? 'to' : 'from';
    expect(problems).toEqual([{ field, problem: `must be an address of the node in "${node}"` }]);
  });

  it('accepts a role other than the sender, of the same node', async () => {
    expect(await problemsOf(message('handover.accepted', {}, { role: 'RS/astra/return-support' }))).toEqual([]);
  });

  it('accepts a redirect to another node: only the listed addresses are tied to a node', async () => {
    expect(await problemsOf(message('handover.declined', {}, { reason: 'not-competent', redirectTo: 'HU/ngo/intake' }))).toEqual([]);
  });

  it('reports a malformed address once, as a body problem, not again as of the wrong node', async () => {
    expect(await fieldsOf(message('arrival.confirmed', {}, { ...EXAMPLES['arrival.confirmed'](), metBy: 'AT' }))).toEqual(['body.metBy']);
  });

  it.each<[CaseType]>([['handover.accepted'], ['arrival.confirmed'], ['return.scheduled'], ['info.response']])(
    'does not fail on a %s body that is not an object',
    async (type) => {
      expect(await fieldsOf(message(type, {}, null as unknown as Plain))).toEqual(['body']);
    },
  );

  it('reports envelope and body problems together', async () => {
    const body = { ...EXAMPLES['return.scheduled'](), metBy: 'AT/bmi-thb/coordination', time: '7' };
    expect(await fieldsOf(message('return.scheduled', { caseRef: 'x' }, body))).toEqual(['body.metBy', 'body.time', 'caseRef']);
  });
});
