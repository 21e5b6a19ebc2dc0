import { SealedPersonalData } from '@trm/wire';
import type { TimelineEntry } from '../../message-log/timelines';
import { ApiProperty } from '@nestjs/swagger';
import { CASE_ACTIONS, CaseAction } from '../case-actions';
import { CaseSummary } from './case-pages.dto';
import { TimelineEntryView } from './timeline-entry.dto';

export type { TimelineEntry };

/** The case with its timeline: the coded bodies of its messages for whoever works on it, metadata only for auditors. */
export class CaseView extends CaseSummary {
  /** Every message both ways with its receipt, each deadline set, met or missed, each escalation — in order. */
  @ApiProperty({ type: TimelineEntryView, isArray: true })
  timeline!: TimelineEntry[];
  /**
   * What the caller may do on the case now, by the rules the API enforces: the message types it would take from them
   * (POST /v1/cases/:caseRef/messages), `addParticipant`, `openSealed` (the case holds sealed details). Empty for
   * whoever only sees metadata (auditors).
   */
  @ApiProperty({ enum: CASE_ACTIONS, isArray: true })
  actions!: CaseAction[];
}

/** A case message put in the outbox; the case moves on when the partner receipts it. */
export class CaseMessageSubmitted {
  id!: string;
  caseRef!: string;
  type!: string;
  status!: 'submitted';
}

/** The sealed personal details one message of the case carried. */
export class SealedItem {
  message!: string;
  type!: string;
  direction!: 'in' | 'out';
  @ApiProperty({ type: SealedPersonalData })
  data!: SealedPersonalData;
}

export class SealedDetails {
  caseRef!: string;
  items!: SealedItem[];
}
