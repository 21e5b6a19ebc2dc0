import { IsAddress } from '@trm/wire';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CASE_STATES, CaseState } from '../case-states';

export class AlertQueryDto {
  /** What concerns one role of this node: the cases it is responsible for or takes part in. */
  @IsOptional()
  @IsAddress()
  role?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 100;
}

export class CaseQueryDto extends AlertQueryDto {
  @IsOptional()
  @IsIn(CASE_STATES)
  state?: CaseState;
}
