/** Code lists of section 7. Codes are lowercase; each reader renders them in their own language. */
export const PURPOSES = ['return', 'referral', 'assistance'] as const;
export const AGE_GROUPS = ['child', 'adult', 'unknown'] as const;
export const SEXES = ['f', 'm', 'x', 'unknown'] as const;
export const EXPLOITATION_FORMS = [
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
] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const NEEDS = [
  'shelter',
  'medical',
  'psychosocial',
  'legal',
  'documents',
  'interpretation',
  'guardian',
  'education',
  'employment',
  'financial',
  'family-tracing',
  'security',
  'travel',
] as const;
export const CONSENT_GIVERS = ['person', 'guardian'] as const;
export const CONSENT_SCOPES = ['share-coded', 'share-sealed'] as const;

/**
 * Code lists of the other case messages of section 7 (decision `case-message-bodies`: section 7 names only their
 * purpose; the shapes and codes are this implementation's, following the seed reports' categories).
 */
/** `handover.declined`: why a contact point does not take a case on. */
export const DECLINE_REASONS = [
  'not-competent',
  'no-capacity',
  'not-national-or-resident',
  'insufficient-information',
  'consent-missing',
  'duplicate-case',
  'person-declined-services',
  'other',
] as const;
/** `info.request` / `info.response`: the coded facts one side can ask the other for. */
export const INFO_TOPICS = [
  'identity-confirmation',
  'documents',
  'risk-assessment',
  'medical-needs',
  'family-situation',
  'travel-arrangements',
  'legal-proceedings',
  'consent',
  'other',
] as const;
/** `info.response`: the answer given for one topic. */
export const INFO_ANSWER_STATUSES = ['provided', 'unavailable', 'not-applicable'] as const;
/** `info.response`: the state of the person's travel documents. */
export const DOCUMENT_STATUSES = ['valid', 'missing', 'expired', 'in-preparation', 'unknown'] as const;
/** `return.scheduled`: how the person travels. */
export const TRANSPORT_MODES = ['air', 'road', 'rail', 'sea'] as const;
/** `return.scheduled`: the kind of place where the person enters the receiving country. */
export const ARRIVAL_POINT_KINDS = ['airport', 'border-crossing', 'port', 'station'] as const;
/** `arrival.missed`: why the person was not met. */
export const MISSED_ARRIVAL_REASONS = ['did-not-travel', 'not-met', 'travel-delayed', 'whereabouts-unknown', 'other'] as const;
/** `followup.report`: the person's situation at the end of the reported period. */
export const REINTEGRATION_STATUSES = [
  'in-shelter',
  'with-family',
  'independent-housing',
  'in-education',
  'in-training',
  'employed',
  'receiving-services',
  'declined-services',
  'relocated',
  'lost-contact',
  'at-risk-of-re-trafficking',
] as const;
/** `case.closed`: why no further messages are expected. */
export const CLOSE_REASONS = ['reintegrated', 'declined', 'consent-withdrawn', 'lost-contact', 'transferred', 'no-longer-needed', 'other'] as const;

export type Purpose = (typeof PURPOSES)[number];
export type AgeGroup = (typeof AGE_GROUPS)[number];
export type Sex = (typeof SEXES)[number];
export type ExploitationForm = (typeof EXPLOITATION_FORMS)[number];
export type RiskLevel = (typeof RISK_LEVELS)[number];
export type Need = (typeof NEEDS)[number];
export type ConsentScope = (typeof CONSENT_SCOPES)[number];
export type DeclineReason = (typeof DECLINE_REASONS)[number];
export type InfoTopic = (typeof INFO_TOPICS)[number];
export type InfoAnswerStatus = (typeof INFO_ANSWER_STATUSES)[number];
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type TransportMode = (typeof TRANSPORT_MODES)[number];
export type ArrivalPointKind = (typeof ARRIVAL_POINT_KINDS)[number];
export type MissedArrivalReason = (typeof MISSED_ARRIVAL_REASONS)[number];
export type ReintegrationStatus = (typeof REINTEGRATION_STATUSES)[number];
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** ISO 639-1 language codes. */
export const LANGUAGES = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el ' +
    'en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ' +
    'ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na ' +
    'nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so ' +
    'sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu'
  ).split(' '),
);

/** ISO 3166-1 alpha-2 country codes, plus XK (Kosovo) as the profile prescribes. */
export const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO ' +
    'FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE ' +
    'JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO ' +
    'MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW ' +
    'PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM ' +
    'TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK'
  ).split(' '),
);
