import { PageOf } from '../../http/paging';
import { ApiProperty } from '@nestjs/swagger';
import { CONSENT_GIVERS, CONSENT_SCOPES } from '@trm/wire';
import { CaseConsent } from '../case-file.entity';
import { CaseState } from '../case-states';

/** The person's consent as the handover.request recorded it, and its withdrawal. */
export class CaseConsentView implements CaseConsent {
  given!: true;
  @ApiProperty({ enum: CONSENT_GIVERS })
  by!: 'person' | 'guardian';
  recordedAt!: string;
  @ApiProperty({ enum: CONSENT_SCOPES, isArray: true })
  scope!: string[];
  withdrawnAt?: string;
  @ApiProperty({ enum: CONSENT_SCOPES, isArray: true, required: false })
  withdrawnScope?: string[];
}

/** A case without its timeline. */
export class CaseSummary {
  caseRef!: string;
  id!: string;
  side!: 'referring' | 'receiving';
  partner!: string;
  /** Null once retention deleted the case's coded data. */
  purpose!: string | null;
  state!: CaseState;
  stateChangedAt!: string;
  ourRole!: string;
  partnerRole!: string;
  participants!: string[];
  /** The consent recorded with the case, and its withdrawal. */
  @ApiProperty({ type: CaseConsentView, nullable: true })
  consent!: CaseConsent | null;
  /** When retention deleted the case's coded data; what is left is a tombstone. */
  purgedAt?: string;
}

/** A deadline passed and not met, how long ago, and whom this node alerted or copied the request to. */
export class OverdueItem {
  caseRef!: string;
  kind!: string;
  owedBy!: 'us' | 'partner';
  dueAt!: string;
  overdueMs!: number;
  overdue!: string;
  status!: 'open' | 'missed';
  alerted!: string[];
  copiedTo!: string[];
}

/** A role alerted because a deadline of a case was missed. */
export class AlertItem {
  caseRef!: string;
  at!: string;
  role!: string;
  expectation!: string;
  /** What the case waited for. */
  kind!: 'acceptance' | 'arrival' | 'followup';
  /** When it was due. */
  dueAt!: string;
}

/** Cases, newest first. */
export class CasePage extends PageOf(CaseSummary) {}

/** Overdue deadlines, the longest overdue first. */
export class OverduePage extends PageOf(OverdueItem) {}

/** Alerts, newest first. */
export class AlertPage extends PageOf(AlertItem) {}
