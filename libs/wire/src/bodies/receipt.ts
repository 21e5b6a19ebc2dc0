import { IsIn, IsString, Matches, ValidateIf } from 'class-validator';
import { REJECT_REASONS, RejectReason, UUID } from '../profile';
import { simple } from '../validation';

export const RECEIPT_STATUSES = ['delivered', 'rejected'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

const RejectedOnly = simple(
  'rejectedOnly',
  (v, args) => v === undefined || (args.object as ReceiptBody).status === 'rejected',
  'is only allowed when status is "rejected"',
);

/** Body of `receipt` (section 6). */
export class ReceiptBody {
  @Matches(UUID, { message: 'ref must be the UUID of the message it answers' })
  ref!: string;

  @IsIn(RECEIPT_STATUSES)
  status!: ReceiptStatus;

  @ValidateIf((o: ReceiptBody) => o.status === 'rejected' || o.reason !== undefined)
  @IsIn(REJECT_REASONS, { message: 'reason must be a reason code of section 5, and only for status "rejected"' })
  @RejectedOnly()
  reason?: RejectReason;

  @IsString()
  @Matches(/^sha-256:[A-Za-z0-9_-]{43}$/, { message: 'digest must be "sha-256:" and the base64url SHA-256' })
  digest!: string;
}
