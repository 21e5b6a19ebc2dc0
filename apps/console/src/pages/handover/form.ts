import type { Schemas } from '../../api/client';
import type { AgeGroup, ConsentScope, ExploitationForm, Need, Purpose, RiskLevel, Sex } from '@trm/wire/codes';

/** The steps of the form, in order; `sealed` is skipped unless the consent covers sharing personal details. */
export const STEPS = ['purpose', 'facts', 'consent', 'recipient', 'sealed', 'review'] as const;
export type Step = (typeof STEPS)[number];

/** Everything the person entered; kept in React state only (never in the URL or browser storage). */
export interface HandoverForm {
  purpose: Purpose | '';
  sender: string;
  ageGroup: AgeGroup | '';
  sex: Sex | '';
  nationality: string;
  languages: string[];
  exploitation: ExploitationForm[];
  riskLevel: RiskLevel | '';
  riskAssessedAt: string;
  needs: Need[];
  returnDate: string;
  escort: 'yes' | 'no' | '';
  consentGiven: boolean;
  consentBy: 'person' | 'guardian' | '';
  consentDate: string;
  consentTime: string;
  /** `share-coded` is always part of it; the choice is whether personal details may travel too. */
  shareSealed: boolean | null;
  destination: string;
  recipient: string;
  /** The chosen role's title, for the review. */
  recipientTitle: string;
  sealed: SealedForm;
}

export interface SealedForm {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  placeOfBirth: string;
  documentType: string;
  documentNumber: string;
  documentIssuer: string;
  documentExpires: string;
  phone: string;
}

export const EMPTY_SEALED: SealedForm = {
  givenName: '',
  familyName: '',
  dateOfBirth: '',
  placeOfBirth: '',
  documentType: '',
  documentNumber: '',
  documentIssuer: '',
  documentExpires: '',
  phone: '',
};

const pad = (n: number) => String(n).padStart(2, '0');
/** Today as YYYY-MM-DD and the time as HH:MM, in the reader's time zone. */
export function localNow(now = new Date()): { day: string; time: string } {
  return { day: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`, time: `${pad(now.getHours())}:${pad(now.getMinutes())}` };
}

export function emptyForm(): HandoverForm {
  const { day, time } = localNow();
  return {
    purpose: '',
    sender: '',
    ageGroup: '',
    sex: '',
    nationality: '',
    languages: [],
    exploitation: [],
    riskLevel: '',
    riskAssessedAt: day,
    needs: [],
    returnDate: '',
    escort: '',
    consentGiven: false,
    consentBy: '',
    consentDate: day,
    consentTime: time,
    shareSealed: null,
    destination: '',
    recipient: '',
    recipientTitle: '',
    sealed: { ...EMPTY_SEALED },
  };
}

/** The steps this form goes through (the sealed step only with consent to share personal details). */
export const stepsOf = (form: HandoverForm): Step[] => STEPS.filter((s) => s !== 'sealed' || form.shareSealed === true);

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
export const isDay = (v: string): boolean => {
  if (!ISO_DAY.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};
const isTime = (v: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v);

/** The consent's moment as RFC 3339 (UTC), from the day and time entered in the reader's time zone. */
export function recordedAt(form: HandoverForm): string | null {
  if (!isDay(form.consentDate) || !isTime(form.consentTime)) return null;
  const d = new Date(`${form.consentDate}T${form.consentTime}:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * A problem of the form: keyed by the API's field path (`body.person.ageGroup`, `recipient`, `sealed.givenName`), so
 * that the checks here and the API's 400 problems land next to the same field. The value is an i18n key of the
 * `handover` namespace (checks here) or the API's own words (prefixed `api:`).
 */
export type Problems = Record<string, string>;

/** Which step a field path belongs to. */
export function stepOfField(field: string): Step {
  if (field === 'sender' || field === 'body.purpose') return 'purpose';
  if (field.startsWith('body.consent')) return 'consent';
  if (field === 'recipient' || field === 'destination') return 'recipient';
  if (field === 'sealed' || field.startsWith('sealed.')) return 'sealed';
  if (/^body\.(person|exploitation|risk|needs|plannedReturn)/.test(field)) return 'facts';
  return 'review';
}

/** The checks a step can make before the API sees anything: required choices and the wire profile's limits. */
export function checkStep(step: Step, form: HandoverForm): Problems {
  const p: Problems = {};
  switch (step) {
    case 'purpose':
      if (!form.purpose) p['body.purpose'] = 'error.purpose';
      if (!form.sender) p['sender'] = 'error.sender';
      break;
    case 'facts':
      if (!form.ageGroup) p['body.person.ageGroup'] = 'error.ageGroup';
      if (!form.sex) p['body.person.sex'] = 'error.sex';
      if (!form.nationality) p['body.person.nationality'] = 'error.nationality';
      if (!form.exploitation.length) p['body.exploitation'] = 'error.exploitation';
      if (!form.riskLevel) p['body.risk.level'] = 'error.riskLevel';
      if (!isDay(form.riskAssessedAt)) p['body.risk.assessedAt'] = 'error.day';
      if (form.purpose === 'return') {
        if (!isDay(form.returnDate)) p['body.plannedReturn.date'] = 'error.returnDate';
        if (!form.escort) p['body.plannedReturn.escort'] = 'error.escort';
      }
      break;
    case 'consent':
      if (!form.consentGiven) p['body.consent.given'] = 'error.consentGiven';
      if (!form.consentBy) p['body.consent.by'] = 'error.consentBy';
      else if (form.ageGroup === 'child' && form.consentBy !== 'guardian') p['body.consent.by'] = 'error.guardianForChild';
      if (!recordedAt(form)) p['body.consent.recordedAt'] = 'error.recordedAt';
      if (form.shareSealed === null) p['body.consent.scope'] = 'error.scope';
      break;
    case 'recipient':
      if (!form.destination) p['destination'] = 'error.destination';
      else if (!form.recipient) p['recipient'] = 'error.recipient';
      break;
    case 'sealed': {
      const s = form.sealed;
      const text = (field: string, value: string, min: number, max: number) => {
        const length = [...value.trim()].length;
        if (length && (length < min || length > max)) p[field] = min > 1 ? 'error.phone' : 'error.tooLong';
      };
      text('sealed.givenName', s.givenName, 1, 100);
      text('sealed.familyName', s.familyName, 1, 100);
      text('sealed.placeOfBirth', s.placeOfBirth, 1, 100);
      text('sealed.travelDocument.type', s.documentType, 1, 40);
      text('sealed.travelDocument.number', s.documentNumber, 1, 40);
      text('sealed.phone', s.phone, 3, 32);
      if (s.dateOfBirth && !isDay(s.dateOfBirth)) p['sealed.dateOfBirth'] = 'error.day';
      if (s.documentExpires && !isDay(s.documentExpires)) p['sealed.travelDocument.expires'] = 'error.day';
      break;
    }
    case 'review':
      break;
  }
  return p;
}

type HandoverRequestBody = Schemas['HandoverRequestBody'];
type SealedPersonalData = Schemas['SealedPersonalData'];

/** The coded body of `handover.request` as POST /v1/handovers takes it (form.spec.ts checks it against the wire class). */
export function toBody(form: HandoverForm): HandoverRequestBody {
  const scope: ConsentScope[] = form.shareSealed ? ['share-coded', 'share-sealed'] : ['share-coded'];
  return {
    purpose: form.purpose as Purpose,
    person: { ageGroup: form.ageGroup as AgeGroup, sex: form.sex as Sex, nationality: form.nationality, languages: form.languages },
    exploitation: form.exploitation,
    risk: { level: form.riskLevel as RiskLevel, assessedAt: form.riskAssessedAt },
    needs: form.needs,
    consent: { given: true, by: form.consentBy as 'person' | 'guardian', recordedAt: recordedAt(form) ?? '', scope },
    ...(form.purpose === 'return' ? { plannedReturn: { date: form.returnDate, escort: form.escort === 'yes' } } : {}),
  };
}

/** The sealed personal details as entered (empty fields left out), or undefined when none were entered or allowed. */
export function toSealed(form: HandoverForm): SealedPersonalData | undefined {
  if (!form.shareSealed) return undefined;
  const s = form.sealed;
  const v = (x: string) => (x.trim() ? x.trim() : undefined);
  const travelDocument = { type: v(s.documentType), number: v(s.documentNumber), issuer: v(s.documentIssuer), expires: v(s.documentExpires) };
  const sealed: SealedPersonalData = {
    givenName: v(s.givenName),
    familyName: v(s.familyName),
    dateOfBirth: v(s.dateOfBirth),
    placeOfBirth: v(s.placeOfBirth),
    travelDocument: Object.values(travelDocument).some(Boolean) ? travelDocument : undefined,
    phone: v(s.phone),
  };
  const present = Object.fromEntries(Object.entries(sealed).filter(([, x]) => x !== undefined)) as SealedPersonalData;
  if (present.travelDocument) present.travelDocument = Object.fromEntries(Object.entries(present.travelDocument).filter(([, x]) => x !== undefined));
  return Object.keys(present).length ? present : undefined;
}

/** A form element's id for an API field path (`body.person.ageGroup` → `hf-body-person-ageGroup`). */
export const fieldId = (field: string): string => `hf-${field.replaceAll('.', '-')}`;
