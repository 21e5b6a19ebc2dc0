import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  ARRIVAL_POINT_KINDS,
  ArrivalPointKind,
  CLOSE_REASONS,
  CONSENT_SCOPES,
  CloseReason,
  ConsentScope,
  DECLINE_REASONS,
  DOCUMENT_STATUSES,
  DeclineReason,
  DocumentStatus,
  EXPLOITATION_FORMS,
  ExploitationForm,
  INFO_ANSWER_STATUSES,
  INFO_TOPICS,
  InfoAnswerStatus,
  InfoTopic,
  MISSED_ARRIVAL_REASONS,
  MissedArrivalReason,
  NEEDS,
  Need,
  REINTEGRATION_STATUSES,
  ReintegrationStatus,
  TRANSPORT_MODES,
  TransportMode,
} from '../codes';
import { MAX_CASE_MESSAGE_ITEMS } from '../profile';
import { IsAddress, IsIsoDate, IsTimestamp, Optional, ValidateNestedEach, isPlain, simple } from '../validation';
import { PersonProfile, PlannedReturn, RiskAssessment } from './handover-request';

/*
 * Bodies of the case messages of section 7 after `handover.request`. Section 7 names only their purpose; the shapes
 * and code lists are this implementation's (decision `case-message-bodies`): coded data only, no free text. Personal
 * details, if a message needs any, travel only in `sealed`. Optional fields are absent when unused: `null` is refused.
 * Rules between a body and its envelope (whose node an address belongs to, a required `inReplyTo`) are in
 * `checkContent`.
 */

/** An arrival point's code: an IATA airport code such as `BEG`, or a border crossing's or port's official short code. */
export const ARRIVAL_POINT_CODE = /^[A-Z0-9-]{2,16}$/;
/** A time of day, 24 h, local time at the arrival point. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The `handover.request` fields a `case.updated` may replace. */
export const CASE_CHANGE_FIELDS = ['person', 'exploitation', 'risk', 'needs', 'plannedReturn'] as const;

const UniqueTopics = simple(
  'uniqueTopics',
  (value) => {
    if (!Array.isArray(value)) return true;
    const topics = value
      .filter(isPlain)
      .map((a) => a.topic)
      .filter((t) => typeof t === 'string');
    return new Set(topics).size === topics.length;
  },
  'must not answer a topic twice',
);

const NotEmptyChanges = simple(
  'notEmptyChanges',
  (value) => !isPlain(value) || CASE_CHANGE_FIELDS.some((f) => Object.prototype.hasOwnProperty.call(value, f) && value[f] !== undefined),
  `must contain at least one of ${CASE_CHANGE_FIELDS.join(', ')}`,
);

/** An array of codes of `NEEDS`, each at most once (may be empty). */
function IsNeeds(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    IsArray()(target, propertyName);
    ArrayMaxSize(NEEDS.length)(target, propertyName);
    ArrayUnique()(target, propertyName);
    IsIn(NEEDS, { each: true })(target, propertyName);
  };
}

/** An optional nested object validated with `cls`. */
function OptionalNested(cls: () => new () => object): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    Optional()(target, propertyName);
    IsObject()(target, propertyName);
    ValidateNested()(target, propertyName);
    Type(cls)(target, propertyName);
  };
}

/** A non-empty array of consent scopes, each at most once. */
function IsScopes(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    IsArray()(target, propertyName);
    ArrayMaxSize(CONSENT_SCOPES.length)(target, propertyName);
    ArrayMinSize(1)(target, propertyName);
    ArrayUnique()(target, propertyName);
    IsIn(CONSENT_SCOPES, { each: true })(target, propertyName);
  };
}

/** `handover.accepted`: a contact point of the receiving node takes the case on. */
export class HandoverAcceptedBody {
  /** The role taking the case on; an address of the envelope's `from`. */
  @IsAddress()
  role!: string;

  /** Services planned, codes of `NEEDS`. */
  @Optional()
  @IsNeeds()
  services?: Need[];
}

/** `handover.declined`: the receiving node does not take the case on. */
export class HandoverDeclinedBody {
  @IsIn(DECLINE_REASONS)
  reason!: DeclineReason;

  /** A contact point that may take the case on instead. */
  @Optional()
  @IsAddress()
  redirectTo?: string;
}

/** `info.request`: ask for missing coded facts. */
export class InfoRequestBody {
  @IsArray()
  @ArrayMaxSize(INFO_TOPICS.length)
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(INFO_TOPICS, { each: true })
  topics!: InfoTopic[];

  @Optional()
  @IsIsoDate()
  dueBy?: string;
}

export class InfoAnswer {
  @IsIn(INFO_TOPICS)
  topic!: InfoTopic;

  @IsIn(INFO_ANSWER_STATUSES)
  status!: InfoAnswerStatus;
}

/** `info.response`: coded answers; personal details, if any, travel only in `sealed`. */
export class InfoResponseBody {
  @IsArray()
  @ArrayMaxSize(MAX_CASE_MESSAGE_ITEMS)
  @ArrayMinSize(1)
  @UniqueTopics()
  @ValidateNestedEach(() => InfoAnswer)
  answers!: InfoAnswer[];

  @OptionalNested(() => RiskAssessment)
  risk?: RiskAssessment;

  @Optional()
  @IsNeeds()
  needs?: Need[];

  @Optional()
  @IsIn(DOCUMENT_STATUSES)
  documents?: DocumentStatus;
}

export class ArrivalPoint {
  @IsIn(ARRIVAL_POINT_KINDS)
  kind!: ArrivalPointKind;

  @Matches(ARRIVAL_POINT_CODE, { message: `code must match ${ARRIVAL_POINT_CODE.source}` })
  code!: string;
}

/** `return.scheduled`: when and where the person arrives, and who meets them. */
export class ReturnScheduledBody {
  @IsIsoDate()
  date!: string;

  @Optional()
  @Matches(TIME_OF_DAY, { message: 'time must be HH:MM (24 h)' })
  time?: string;

  @IsIn(TRANSPORT_MODES)
  transport!: TransportMode;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ArrivalPoint)
  arrivalPoint!: ArrivalPoint;

  @IsBoolean()
  escort!: boolean;

  /** A role of the receiving node (the envelope's `to`). */
  @IsAddress()
  metBy!: string;
}

/** `arrival.confirmed`: the person arrived and was met. */
export class ArrivalConfirmedBody {
  @IsTimestamp()
  arrivedAt!: string;

  /** The role that met the person; an address of the envelope's `from`. */
  @IsAddress()
  metBy!: string;

  @Optional()
  @IsNeeds()
  immediateNeeds?: Need[];
}

/** `arrival.missed`: the person did not arrive, or was not met. */
export class ArrivalMissedBody {
  @IsIn(MISSED_ARRIVAL_REASONS)
  reason!: MissedArrivalReason;
}

/** `followup.report`: coded reintegration status at an agreed interval. */
export class FollowupReportBody {
  /** 1 for the first report of the case, then 2, 3, … */
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  period!: number;

  @IsIn(REINTEGRATION_STATUSES)
  status!: ReintegrationStatus;

  /** Services delivered in the period; may be empty. */
  @IsNeeds()
  services!: Need[];

  @OptionalNested(() => RiskAssessment)
  risk?: RiskAssessment;

  @Optional()
  @IsIsoDate()
  nextReportDue?: string;
}

/** Fields of `handover.request` a `case.updated` replaces, each whole and checked by the same rules. */
export class CaseChanges {
  @OptionalNested(() => PersonProfile)
  person?: PersonProfile;

  @Optional()
  @IsArray()
  @ArrayMaxSize(EXPLOITATION_FORMS.length)
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(EXPLOITATION_FORMS, { each: true })
  exploitation?: ExploitationForm[];

  @OptionalNested(() => RiskAssessment)
  risk?: RiskAssessment;

  @Optional()
  @IsNeeds()
  needs?: Need[];

  @OptionalNested(() => PlannedReturn)
  plannedReturn?: PlannedReturn;
}

/** `case.updated`: a correction of coded facts already sent. */
export class CaseUpdatedBody {
  @IsDefined()
  @IsObject()
  @NotEmptyChanges()
  @ValidateNested()
  @Type(() => CaseChanges)
  changes!: CaseChanges;
}

/** `consent.withdrawn`: withdrawing `share-coded` stops the whole case; the receiver purges and answers. */
export class ConsentWithdrawnBody {
  @IsTimestamp()
  withdrawnAt!: string;

  @IsScopes()
  scope!: ConsentScope[];
}

/** `purge.confirmed`: the data shared under `scope` is deleted. */
export class PurgeConfirmedBody {
  @IsTimestamp()
  purgedAt!: string;

  @IsScopes()
  scope!: ConsentScope[];
}

/** `case.closed`: no further messages expected. */
export class CaseClosedBody {
  @IsIn(CLOSE_REASONS)
  reason!: CloseReason;
}
