import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HandoverRequestBody } from '@trm/wire';
import type { TimelineEntry } from '../../message-log/timelines';
import { TimelineEntryView } from './timeline-entry.dto';

export type HandoverStatus = 'submitted' | 'sent' | 'delivered' | 'rejected' | 'undeliverable' | 'received';

/** A handover just put in the outbox. */
export class HandoverSubmitted {
  id!: string;
  caseRef!: string;
  status!: HandoverStatus;
}

export class ReceiptEvidence {
  id!: string;
  /** The partner's signed receipt; null once retention deleted it. */
  jws!: string | null;
}

/** Non-repudiation: the digest of the request as signed, and the partner's signed receipt for it. */
export class HandoverEvidence {
  digest!: string | null;
  receipt!: ReceiptEvidence | null;
}

/** A handover either way, with its timeline; its body for whoever works on it. */
export class HandoverView {
  id!: string;
  caseRef!: string;
  direction!: 'outgoing' | 'incoming';
  partner!: string;
  sender!: string;
  recipient!: string;
  /** Null once retention deleted the case's coded data. */
  purpose!: string | null;
  status!: HandoverStatus;
  reason?: string;
  createdAt!: string;
  /** Absent for callers who see metadata only (auditors). */
  @ApiPropertyOptional({ type: HandoverRequestBody })
  body?: HandoverRequestBody;
  @ApiProperty({ type: TimelineEntryView, isArray: true })
  timeline!: TimelineEntry[];
  evidence?: HandoverEvidence;
}
