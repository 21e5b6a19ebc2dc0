import { IsAddress } from '@trm/wire';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, Max, Min } from 'class-validator';

export class InboxQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;

  /** Only what is addressed to this role of the node, or waits with it (its fallback work while it is vacant). */
  @IsOptional()
  @IsAddress()
  role?: string;

  /** Only messages received before this time: pass the last `receivedAt` of a page to get the next. */
  @IsOptional()
  @IsISO8601({ strict: true })
  before?: string;
}
