import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, Caller } from '../http/access.decorator';
import { Principal } from '../http/principal';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { SlugPipe, uuidParam } from '../http/params';
import { addressOf } from '../config/directory';
import { DirectoryService } from './directory.service';
import {
  AssignDto,
  AtQueryDto,
  ConfirmRoleDto,
  CreateOrganisationDto,
  CreatePersonDto,
  CreateRoleDto,
  DeactivateRoleDto,
  EndAssignmentDto,
  LookupQueryDto,
  RoleHandoverDto,
  RoleLinksQueryDto,
  UpdateOrganisationDto,
  UpdateRoleDto,
} from './dto/directory.dto';
import {
  AcceptedLink,
  AssignedRole,
  Attention,
  HandedOverRole,
  HolderList,
  LookupAnswer,
  OrganisationList,
  OrganisationView,
  PersonView,
  RoleLinkList,
  RoleLinkView,
  RoleView,
  TransferView,
} from './dto/directory-views.dto';
import { LookupService } from './lookup.service';

const org = new SlugPipe('organisation');
const role = new SlugPipe('role');

/** This node's directory: organisations, roles, staff and their assignments. Roles are addressed as /v1/roles/:org/:role. */
@ApiTags('directory')
@Controller('v1')
export class DirectoryController {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly directory: DirectoryService,
    private readonly lookup: LookupService,
  ) {}

  private address(o: string, r: string): string {
    return addressOf(this.config.node, o, r);
  }

  /** Who do I send this to? Roles of every known node, ranked, with the reasons. */
  @Get('directory')
  @Allow('coordinator', 'caseworker', 'auditor', 'administrator')
  @ApiOkResponse({ type: LookupAnswer })
  find(@Query() query: LookupQueryDto): LookupAnswer {
    return this.lookup.find(query);
  }

  /**
   * Roles nobody holds, roles nobody confirmed for too long, fallbacks or successors waiting for a decision, and
   * published channels that look like a person's.
   */
  @Get('directory/attention')
  @Allow('coordinator', 'administrator', 'auditor')
  @ApiOkResponse({ type: Attention })
  attention(@Caller() caller: Principal): Promise<Attention> {
    return this.directory.attention(caller);
  }

  @Get('organisations')
  @Allow('coordinator', 'administrator', 'auditor')
  @ApiOkResponse({ type: OrganisationList })
  async organisations(@Caller() caller: Principal): Promise<OrganisationList> {
    return { items: await this.directory.organisations(caller) };
  }

  /** A new organisation: an administrator of the whole node. */
  @Post('organisations')
  @Allow('administrator')
  @ApiCreatedResponse({ type: OrganisationView })
  createOrganisation(@Body() dto: CreateOrganisationDto, @Caller() caller: Principal): Promise<OrganisationView> {
    return this.directory.createOrganisation(dto, caller);
  }

  @Patch('organisations/:org')
  @Allow('administrator')
  @ApiOkResponse({ type: OrganisationView })
  updateOrganisation(@Param('org', org) slug: string, @Body() dto: UpdateOrganisationDto, @Caller() caller: Principal): Promise<OrganisationView> {
    return this.directory.updateOrganisation(slug, dto, caller);
  }

  @Post('organisations/:org/roles')
  @Allow('administrator')
  @ApiCreatedResponse({ type: RoleView })
  createRole(@Param('org', org) slug: string, @Body() dto: CreateRoleDto, @Caller() caller: Principal): Promise<RoleView> {
    return this.directory.createRole(slug, dto, caller);
  }

  @Get('roles/:org/:role')
  @Allow('coordinator', 'caseworker', 'administrator', 'auditor')
  @ApiOkResponse({ type: RoleView })
  role(@Param('org', org) o: string, @Param('role', role) r: string, @Caller() caller: Principal): Promise<RoleView> {
    return this.directory.role(this.address(o, r), caller);
  }

  @Patch('roles/:org/:role')
  @Allow('administrator')
  @ApiOkResponse({ type: RoleView })
  updateRole(@Param('org', org) o: string, @Param('role', role) r: string, @Body() dto: UpdateRoleDto, @Caller() caller: Principal): Promise<RoleView> {
    return this.directory.updateRole(this.address(o, r), dto, caller);
  }

  /** Who held the role at a given time (default: now). */
  @Get('roles/:org/:role/holders')
  @Allow('coordinator', 'administrator', 'auditor')
  @ApiOkResponse({ type: HolderList })
  async holders(@Param('org', org) o: string, @Param('role', role) r: string, @Query() query: AtQueryDto, @Caller() caller: Principal): Promise<HolderList> {
    return { items: await this.directory.holdersAt(this.address(o, r), query.at ? new Date(query.at) : undefined, caller) };
  }

  @Get('roles/:org/:role/history')
  @Allow('coordinator', 'administrator', 'auditor')
  @ApiOkResponse({ type: HolderList })
  async history(@Param('org', org) o: string, @Param('role', role) r: string, @Caller() caller: Principal): Promise<HolderList> {
    return { items: await this.directory.history(this.address(o, r), caller) };
  }

  @Post('roles/:org/:role/assignments')
  @Allow('administrator')
  @ApiCreatedResponse({ type: AssignedRole })
  assign(@Param('org', org) o: string, @Param('role', role) r: string, @Body() dto: AssignDto, @Caller() caller: Principal): Promise<AssignedRole> {
    return this.directory.assign(this.address(o, r), dto, caller);
  }

  /** Staff turnover: the role passes to another person with its open cases and unanswered messages. */
  @Post('roles/:org/:role/handover')
  @Allow('administrator')
  @ApiCreatedResponse({ type: HandedOverRole })
  handOver(@Param('org', org) o: string, @Param('role', role) r: string, @Body() dto: RoleHandoverDto, @Caller() caller: Principal): Promise<HandedOverRole> {
    return this.directory.handOver(this.address(o, r), dto.to, dto.deputy, caller);
  }

  /**
   * Retires the role; its work and later messages go to the successor. A successor in another organisation the caller
   * cannot speak for answers 202 with the pending link: the role retires once that organisation accepts.
   */
  @Post('roles/:org/:role/deactivate')
  @Allow('administrator')
  @ApiCreatedResponse({ type: TransferView, description: 'The role retired.' })
  @ApiAcceptedResponse({ type: RoleLinkView, description: 'The successor was asked; the role retires once its organisation accepts.' })
  async deactivate(
    @Param('org', org) o: string,
    @Param('role', role) r: string,
    @Body() dto: DeactivateRoleDto,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TransferView | RoleLinkView> {
    const done = await this.directory.deactivate(this.address(o, r), dto, caller);
    if ('retired' in done) return done.retired;
    reply.status(202);
    return done.pending;
  }

  /** The caller vouches for the role's entry; they must hold it or deputise for it. */
  @Post('roles/:org/:role/confirm')
  @HttpCode(200)
  @Allow('coordinator', 'caseworker', 'administrator')
  @ApiOkResponse({ type: RoleView })
  confirm(@Param('org', org) o: string, @Param('role', role) r: string, @Body() dto: ConfirmRoleDto, @Caller() caller: Principal): Promise<RoleView> {
    return this.directory.confirm(this.address(o, r), dto.person ?? caller.subject, caller);
  }

  @Get('role-transfers/:id')
  @Allow('coordinator', 'administrator', 'auditor')
  @ApiOkResponse({ type: TransferView })
  transfer(@Param('id', uuidParam('id')) id: string, @Caller() caller: Principal): Promise<TransferView> {
    return this.directory.transfer(id, caller);
  }

  /** Fallbacks and successors one organisation asked another to be. */
  @Get('role-links')
  @Allow('coordinator', 'administrator', 'auditor')
  @ApiOkResponse({ type: RoleLinkList })
  async links(@Query() query: RoleLinksQueryDto, @Caller() caller: Principal): Promise<RoleLinkList> {
    return { items: await this.directory.links(query.status, caller) };
  }

  /** The asked organisation (its administrator, or a coordinator) takes the work on. */
  @Post('role-links/:id/accept')
  @HttpCode(200)
  @Allow('coordinator', 'administrator')
  @ApiOkResponse({ type: AcceptedLink })
  acceptLink(@Param('id', uuidParam('id')) id: string, @Caller() caller: Principal): Promise<AcceptedLink> {
    return this.directory.acceptLink(id, caller);
  }

  /** The asked organisation says no, or the asking one withdraws. */
  @Post('role-links/:id/decline')
  @HttpCode(200)
  @Allow('coordinator', 'administrator')
  @ApiOkResponse({ type: RoleLinkView })
  declineLink(@Param('id', uuidParam('id')) id: string, @Caller() caller: Principal): Promise<RoleLinkView> {
    return this.directory.declineLink(id, caller);
  }

  @Post('people')
  @Allow('administrator')
  @ApiCreatedResponse({ type: PersonView })
  createPerson(@Body() dto: CreatePersonDto, @Caller() caller: Principal): Promise<PersonView> {
    return this.directory.createPerson(dto, caller);
  }

  @Post('assignments/:id/end')
  @HttpCode(200)
  @Allow('administrator')
  @ApiOkResponse({ type: RoleView })
  endAssignment(@Param('id', uuidParam('id')) id: string, @Body() dto: EndAssignmentDto, @Caller() caller: Principal): Promise<RoleView> {
    return this.directory.endAssignment(id, dto.endsAt, caller);
  }
}
