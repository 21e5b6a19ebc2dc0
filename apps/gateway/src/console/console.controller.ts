import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { Allow, Caller, Public } from '../http/access.decorator';
import { APP_ROLES, Principal } from '../http/principal';
import { ConsoleSettings, Me } from './dto/console.dto';

/** What the web console asks before and right after sign-in. */
@ApiTags('console')
@Controller('v1')
export class ConsoleController {
  constructor(@Inject(NODE_CONFIG) private readonly config: NodeConfig) {}

  /** Where the console signs in: public, since it is asked before anyone has a token. */
  @Public()
  @Get('console/settings')
  @ApiOkResponse({ type: ConsoleSettings })
  settings(): ConsoleSettings {
    const { authority, clientId, scope } = this.config.console;
    return { node: this.config.node, authority, clientId, scope };
  }

  /** The caller as the node sees them today: roles from the token, contact-point roles from the registry. */
  @Get('me')
  @Allow(...APP_ROLES)
  @ApiOkResponse({ type: Me })
  me(@Caller() caller: Principal): Me {
    return {
      subject: caller.subject,
      roles: caller.roles,
      organisation: caller.organisation,
      holds: caller.holds,
      covers: caller.covers,
      node: this.config.node,
    };
  }
}
