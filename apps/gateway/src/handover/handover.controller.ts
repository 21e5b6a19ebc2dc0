import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { uuidParam } from '../http/params';
import { InboxQueryDto } from './dto/inbox-query.dto';
import { SubmitHandoverDto } from './dto/submit-handover.dto';
import { HandoverService } from './handover.service';

@Controller('v1')
export class HandoverController {
  constructor(private readonly handovers: HandoverService) {}

  @Post('handovers')
  @HttpCode(202)
  submit(@Body() dto: SubmitHandoverDto) {
    return this.handovers.submit(dto);
  }

  @Get('handovers/:id')
  get(@Param('id', uuidParam('id')) id: string) {
    return this.handovers.get(id);
  }

  @Get('inbox')
  async inbox(@Query() query: InboxQueryDto) {
    return { items: await this.handovers.inboxPage(query.limit, query.before, query.role) };
  }
}
