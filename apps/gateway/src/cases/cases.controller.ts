import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, Caller } from '../http/access.decorator';
import { Principal } from '../http/principal';
import { PipeTransform } from '@nestjs/common';
import { isCaseRef } from '@trm/wire';
import { keysetPageOf } from '../http/paging';
import { invalidRequest } from '../http/problems';
import { CaseMessagesService } from './case-messages.service';
import { CaseViewsService } from './case-views.service';
import { AlertPage, CasePage, OverduePage } from './dto/case-pages.dto';
import { CaseMessageSubmitted, CaseView, SealedDetails } from './dto/case-view.dto';
import { AlertQueryDto, CaseQueryDto, OverdueQueryDto } from './dto/case-query.dto';
import { AddParticipantDto, SendCaseMessageDto } from './dto/case-message.dto';

class CaseRefPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isCaseRef(value)) throw invalidRequest([{ field: 'caseRef', problem: 'must match ^[A-Z]{2}[A-Z0-9-]{3,40}$' }]);
    return value;
  }
}
const caseRef = new CaseRefPipe();

/** Cases on both sides: their state and timeline, the messages that move them on, deadlines overdue and alerts. */
@ApiTags('cases')
@Controller('v1')
export class CasesController {
  constructor(
    private readonly views: CaseViewsService,
    private readonly messages: CaseMessagesService,
  ) {}

  @Get('cases')
  @Allow('coordinator', 'caseworker', 'auditor')
  @ApiOkResponse({ type: CasePage })
  list(@Query() query: CaseQueryDto, @Caller() caller: Principal): Promise<CasePage> {
    return this.views.list({ state: query.state, role: query.role, partner: query.partner, overdue: query.overdue }, keysetPageOf(query), caller);
  }

  /** The case's state and every message both ways, each receipt, each deadline met or missed, each escalation. */
  @Get('cases/:caseRef')
  @Allow('coordinator', 'caseworker', 'auditor')
  @ApiOkResponse({ type: CaseView })
  view(@Param('caseRef', caseRef) ref: string, @Caller() caller: Principal): Promise<CaseView> {
    return this.views.view(ref, caller);
  }

  /** Accept, decline, ask, answer, schedule the return, confirm arrival, report, correct, withdraw consent, close. */
  @Post('cases/:caseRef/messages')
  @HttpCode(202)
  @Allow('coordinator', 'caseworker')
  @ApiAcceptedResponse({ type: CaseMessageSubmitted })
  send(@Param('caseRef', caseRef) ref: string, @Body() dto: SendCaseMessageDto, @Caller() caller: Principal): Promise<CaseMessageSubmitted> {
    return this.messages.send(ref, dto, caller);
  }

  /** Tells another role of this node about the case. */
  @Post('cases/:caseRef/participants')
  @HttpCode(200)
  @Allow('coordinator', 'caseworker')
  @ApiOkResponse({ type: CaseView })
  addParticipant(@Param('caseRef', caseRef) ref: string, @Body() dto: AddParticipantDto, @Caller() caller: Principal): Promise<CaseView> {
    return this.messages.addParticipant(ref, dto.role, caller);
  }

  /** The case's sealed personal details, for whoever works on it; each opening is audited. */
  @Get('cases/:caseRef/sealed')
  @Allow('coordinator', 'caseworker')
  @ApiOkResponse({ type: SealedDetails })
  sealed(@Param('caseRef', caseRef) ref: string, @Caller() caller: Principal): Promise<SealedDetails> {
    return this.views.sealed(ref, caller);
  }

  /** Deadlines passed and not met: how long overdue, and who was alerted. */
  @Get('overdue')
  @Allow('coordinator', 'auditor')
  @ApiOkResponse({ type: OverduePage })
  overdue(@Query() query: OverdueQueryDto): Promise<OverduePage> {
    return this.views.overdue(keysetPageOf(query));
  }

  @Get('alerts')
  @Allow('coordinator', 'caseworker', 'auditor')
  @ApiOkResponse({ type: AlertPage })
  alerts(@Query() query: AlertQueryDto, @Caller() caller: Principal): Promise<AlertPage> {
    return this.views.alerts({ role: query.role }, keysetPageOf(query), caller);
  }
}
