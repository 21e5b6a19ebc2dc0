import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Allow } from '../auth/access.decorator';
import { AuditRepository } from './audit.repository';

export class AuditPageDto {
  /** Entries after this seq (0: from the start). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after = 0;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;
}

/** The audit log, for auditors: who did what, when, on which case or role — ids and codes, never contents. */
@ApiTags('audit')
@Controller('v1')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get('audit')
  @Allow('auditor')
  async page(@Query() query: AuditPageDto) {
    const items = await this.audit.page(query.after, query.limit);
    return { items, next: items.length === query.limit ? items[items.length - 1].seq : null };
  }
}
