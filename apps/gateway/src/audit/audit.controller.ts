import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../http/access.decorator';
import { AuditPage, AuditQueryDto } from './audit-page.dto';
import { AuditVerification } from './audit-verification.dto';
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

  /** Whether the hash chain is intact, and where it first breaks if not. */
  @Get('audit/verification')
  @Allow('auditor')
  @ApiOkResponse({ type: AuditVerification })
  verification(): Promise<AuditVerification> {
    return this.audit.verify();
  }
}
