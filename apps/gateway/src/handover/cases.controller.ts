import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PipeTransform } from '@nestjs/common';
import { isCaseRef } from '@trm/wire';
import { invalidRequest } from '../http/problems';
import { CasesService } from './cases.service';
import { AlertQueryDto, CaseQueryDto } from './dto/case-query.dto';
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
  constructor(private readonly cases: CasesService) {}

  @Get('cases')
  async list(@Query() query: CaseQueryDto) {
    return { items: await this.cases.list({ state: query.state, role: query.role }, query.limit) };
  }

  /** The case's state and every message both ways, each receipt, each deadline met or missed, each escalation. */
  @Get('cases/:caseRef')
  view(@Param('caseRef', caseRef) ref: string) {
    return this.cases.view(ref);
  }

  /** Accept, decline, ask, answer, schedule the return, confirm arrival, report, correct, withdraw consent, close. */
  @Post('cases/:caseRef/messages')
  @HttpCode(202)
  send(@Param('caseRef', caseRef) ref: string, @Body() dto: SendCaseMessageDto) {
    return this.cases.send(ref, dto);
  }

  /** Tells another role of this node about the case. */
  @Post('cases/:caseRef/participants')
  @HttpCode(200)
  addParticipant(@Param('caseRef', caseRef) ref: string, @Body() dto: AddParticipantDto) {
    return this.cases.addParticipant(ref, dto.role);
  }

  /** Deadlines passed and not met: how long overdue, and who was alerted. */
  @Get('overdue')
  async overdue() {
    return { items: await this.cases.overdue() };
  }

  @Get('alerts')
  async alerts(@Query() query: AlertQueryDto) {
    return { items: await this.cases.alerts(query.role, query.limit) };
  }
}
