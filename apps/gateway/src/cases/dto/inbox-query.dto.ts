import { IsAddress, IsTimestamp } from '@trm/wire';
import { IsOptional } from 'class-validator';
import { PageCursor, PageLimit, TIME_AND_ID } from '../../http/paging';

export class InboxQueryDto {
  @PageLimit(500)
  limit = 50;

  @PageCursor(TIME_AND_ID)
  cursor?: string;

  /** Only what is addressed to this role of the node, or waits with it (its fallback work while it is vacant). */
  @IsOptional()
  @IsAddress()
  role?: string;

  /** Only messages received before this time (RFC 3339): where to start reading back; page on with `cursor`. */
  @IsOptional()
  @IsTimestamp()
  before?: string;
}
