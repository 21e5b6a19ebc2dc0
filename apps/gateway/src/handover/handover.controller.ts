import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { invalidRequest } from '../http/problems';
import { InboxQueryDto } from './dto/inbox-query.dto';
import { SubmitHandoverDto } from './dto/submit-handover.dto';
import { HandoverService } from './handover.service';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => invalidRequest([{ field: 'id', problem: 'must be a UUID' }]) });

@Controller('v1')
export class HandoverController {
  constructor(private readonly handovers: HandoverService) {}

  @Post('handovers')
  @HttpCode(202)
  submit(@Body() dto: SubmitHandoverDto) {
    return this.handovers.submit(dto);
  }

  @Get('handovers/:id')
  get(@Param('id', uuid) id: string) {
    return this.handovers.get(id);
  }

  @Get('inbox')
  async inbox(@Query() query: InboxQueryDto) {
    return { items: await this.handovers.inboxPage(query.limit, query.before) };
  }
}
