import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../http/access.decorator';
import { PartnerList } from './dto/partner.dto';
import { PartnersService } from './partners.service';

@ApiTags('partners')
@Controller('v1')
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  /** Each partner node: its link's state and since when, its latest receipt, messages waiting for it, its directory version. */
  @Get('partners')
  @Allow('coordinator', 'administrator', 'auditor')
  @ApiOkResponse({ type: PartnerList })
  list(): Promise<PartnerList> {
    return this.partners.list();
  }
}
