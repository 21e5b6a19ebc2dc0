import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, Caller } from '../http/access.decorator';
import { Principal } from '../http/principal';
import { keysetPageOf } from '../http/paging';
import { uuidParam } from '../http/params';
import { HandoverSubmitted, HandoverView } from './dto/handover-view.dto';
import { InboxPage } from './dto/inbox-page.dto';
import { InboxQueryDto } from './dto/inbox-query.dto';
import { SubmitHandoverDto } from './dto/submit-handover.dto';
import { HandoverService } from './handover.service';

@ApiTags('handovers')
@Controller('v1')
export class HandoverController {
  constructor(private readonly handovers: HandoverService) {}

  /** Refers a case to a partner: coordinators, and caseworkers sending for a role they hold. */
  @Post('handovers')
  @HttpCode(202)
  @Allow('coordinator', 'caseworker')
  @ApiAcceptedResponse({ type: HandoverSubmitted })
  submit(@Body() dto: SubmitHandoverDto, @Caller() caller: Principal): Promise<HandoverSubmitted> {
    return this.handovers.submit(dto, caller);
  }

  @Get('handovers/:id')
  @Allow('coordinator', 'caseworker', 'auditor')
  @ApiOkResponse({ type: HandoverView })
  get(@Param('id', uuidParam('id')) id: string, @Caller() caller: Principal): Promise<HandoverView> {
    return this.handovers.get(id, caller);
  }

  @Get('inbox')
  @Allow('coordinator', 'caseworker', 'auditor')
  @ApiOkResponse({ type: InboxPage })
  inbox(@Query() query: InboxQueryDto, @Caller() caller: Principal): Promise<InboxPage> {
    return this.handovers.inboxPage({ role: query.role, before: query.before ? new Date(query.before) : undefined }, keysetPageOf(query), caller);
  }
}
