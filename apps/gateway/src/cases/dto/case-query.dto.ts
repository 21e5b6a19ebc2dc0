import { IsAddress, IsNodeId } from '@trm/wire';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { PageCursor, PageLimit, TIME_AND_ID } from '../../http/paging';
import { CASE_STATES, CaseState } from '../case-states';

export class OverdueQueryDto {
  @PageLimit(500)
  limit = 100;

  @PageCursor(TIME_AND_ID)
  cursor?: string;
}

export class AlertQueryDto extends OverdueQueryDto {
  /** What concerns one role of this node: the cases it is responsible for or takes part in. */
  @IsOptional()
  @IsAddress()
  role?: string;
}

export class CaseQueryDto extends AlertQueryDto {
  @IsOptional()
  @IsIn(CASE_STATES)
  state?: CaseState;

  /** Only cases with this partner node. */
  @IsOptional()
  @IsNodeId()
  partner?: string;

  /** `true`: only cases with a deadline missed or past due (as GET /v1/overdue lists them); `false`: no filter. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;
}
