import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../http/access.decorator';
import { SEQ, pageOf, startOf } from '../http/paging';
import { AuditPage, AuditQueryDto } from './audit-page.dto';
import { AuditRepository } from './audit.repository';

/** The audit log, for auditors: who did what, when, on which case or role — ids and codes, never contents. */
@ApiTags('audit')
@Controller('v1')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get('audit')
  @Allow('auditor')
  @ApiOkResponse({ type: AuditPage })
  async page(@Query() query: AuditQueryDto): Promise<AuditPage> {
    const after = Math.max(query.after, startOf(SEQ, query.cursor) ?? 0);
    // One entry more than asked: whether another page follows.
    const rows = await this.audit.page(after, query.limit + 1);
    return pageOf(rows, query.limit, SEQ, (e) => e.seq, (e) => e);
  }
}
