import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsObject,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  registerDecorator,
} from 'class-validator';
import {
  AGE_GROUPS,
  AgeGroup,
  CONSENT_GIVERS,
  CONSENT_SCOPES,
  EXPLOITATION_FORMS,
  ExploitationForm,
  LANGUAGES,
  NEEDS,
  Need,
  PURPOSES,
  Purpose,
  RISK_LEVELS,
  RiskLevel,
  SEXES,
  Sex,
} from '../codes';
import { IsCountry, IsIsoDate, IsLanguage, IsTimestamp, simple } from '../validation';

const ContainsShareCoded = simple('containsShareCoded', (v) => Array.isArray(v) && v.includes('share-coded'), 'must contain "share-coded"');

const PlannedReturnOnlyForReturn = simple(
  'plannedReturnOnlyForReturn',
  (value, args) => (args.object as HandoverRequestBody).purpose === 'return' || value === undefined,
  'must be absent unless purpose is "return"',
);

export class PersonProfile {
  @IsIn(AGE_GROUPS)
  ageGroup!: AgeGroup;

  @IsIn(SEXES)
  sex!: Sex;

  @IsCountry()
  nationality!: string;

  @IsArray()
  @ArrayMaxSize(LANGUAGES.size)
  @ArrayUnique()
  @IsLanguage({ each: true })
  languages!: string[];
}

export class RiskAssessment {
  @IsIn(RISK_LEVELS)
  level!: RiskLevel;

  @IsIsoDate()
  assessedAt!: string;
}

export class Consent {
  @Equals(true, { message: 'given must be true: nothing is shared without consent' })
  given!: true;

  @IsIn(CONSENT_GIVERS)
  by!: 'person' | 'guardian';

  @IsTimestamp()
  recordedAt!: string;

  @IsArray()
  @ArrayMaxSize(CONSENT_SCOPES.length)
  @ArrayUnique()
  @IsIn(CONSENT_SCOPES, { each: true })
  @ContainsShareCoded()
  scope!: Array<(typeof CONSENT_SCOPES)[number]>;
}

export class PlannedReturn {
  @IsIsoDate()
  date!: string;

  @IsBoolean()
  escort!: boolean;
}

/** Body of `handover.request` (section 7). */
export class HandoverRequestBody {
  @IsIn(PURPOSES)
  purpose!: Purpose;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PersonProfile)
  person!: PersonProfile;

  @IsArray()
  @ArrayMaxSize(EXPLOITATION_FORMS.length)
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(EXPLOITATION_FORMS, { each: true })
  exploitation!: ExploitationForm[];

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RiskAssessment)
  risk!: RiskAssessment;

  @IsArray()
  @ArrayMaxSize(NEEDS.length)
  @ArrayUnique()
  @IsIn(NEEDS, { each: true })
  needs!: Need[];

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => Consent)
  @GuardianConsentForChild()
  consent!: Consent;

  @ValidateIf((o: HandoverRequestBody) => o.purpose === 'return' || o.plannedReturn !== undefined)
  @PlannedReturnOnlyForReturn()
  @IsDefined({ message: 'plannedReturn is required when purpose is "return"' })
  @IsObject()
  @ValidateNested()
  @Type(() => PlannedReturn)
  plannedReturn?: PlannedReturn;
}

function GuardianConsentForChild() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'guardianConsentForChild',
      target: target.constructor,
      propertyName,
      options: { message: 'consent.by must be "guardian" when person.ageGroup is "child"' },
      validator: {
        validate: (consent: Consent | undefined, args: ValidationArguments) => {
          const body = args.object as HandoverRequestBody;
          return body.person?.ageGroup !== 'child' || consent?.by === 'guardian';
        },
      },
    });
}
