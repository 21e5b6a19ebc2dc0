import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../http/access.decorator';
import { AuditPage, AuditQueryDto } from './audit-page.dto';
import { AuditLog } from './audit.service';

/** The audit log, for auditors: who did what, when, on which case or role — ids and codes, never contents. */
@ApiTags('audit')
@Controller('v1')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get('audit')
  @Allow('auditor')
  @ApiOkResponse({ type: AuditPage })
  page(@Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.audit.page(query);
  }
}
