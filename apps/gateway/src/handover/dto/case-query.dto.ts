import { IsAddress } from '@trm/wire';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CASE_STATES, CaseState } from '../case-states';

export class CaseQueryDto {
  @IsOptional()
  @IsIn(CASE_STATES)
  state?: CaseState;

  /** Cases a role of this node is responsible for or takes part in. */
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

export class AlertQueryDto {
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
