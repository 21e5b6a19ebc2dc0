import { IsAddress } from '@trm/wire';
import { IsIn, IsOptional } from 'class-validator';
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
}
