import type { SealedPersonalData } from '@trm/wire';
import type { TimelineEntry } from '../../message-log/timelines';
import { CaseSummary } from './case-pages.dto';

export type { TimelineEntry };

/** The case with its timeline (metadata only: no bodies). */
export class CaseView extends CaseSummary {
  /** Every message both ways with its receipt, each deadline set, met or missed, each escalation — in order. */
  timeline!: TimelineEntry[];
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
  data!: SealedPersonalData;
}

export class SealedDetails {
  caseRef!: string;
  items!: SealedItem[];
}
