import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { SlugPipe, uuidParam } from '../http/params';
import { addressOf } from './directory';
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
  UpdateOrganisationDto,
  UpdateRoleDto,
} from './dto/directory.dto';
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
  find(@Query() query: LookupQueryDto) {
    return this.lookup.find(query);
  }

  /** Roles nobody holds, and roles nobody confirmed for too long. */
  @Get('directory/attention')
  attention() {
    return this.directory.attention();
  }

  @Get('organisations')
  async organisations() {
    return { items: await this.directory.organisations() };
  }

  @Post('organisations')
  createOrganisation(@Body() dto: CreateOrganisationDto) {
    return this.directory.createOrganisation(dto);
  }

  @Patch('organisations/:org')
  updateOrganisation(@Param('org', org) slug: string, @Body() dto: UpdateOrganisationDto) {
    return this.directory.updateOrganisation(slug, dto);
  }

  @Post('organisations/:org/roles')
  createRole(@Param('org', org) slug: string, @Body() dto: CreateRoleDto) {
    return this.directory.createRole(slug, dto);
  }

  @Get('roles/:org/:role')
  role(@Param('org', org) o: string, @Param('role', role) r: string) {
    return this.directory.role(this.address(o, r));
  }

  @Patch('roles/:org/:role')
  updateRole(@Param('org', org) o: string, @Param('role', role) r: string, @Body() dto: UpdateRoleDto) {
    return this.directory.updateRole(this.address(o, r), dto);
  }

  /** Who held the role at a given time (default: now). */
  @Get('roles/:org/:role/holders')
  async holders(@Param('org', org) o: string, @Param('role', role) r: string, @Query() query: AtQueryDto) {
    return { items: await this.directory.holdersAt(this.address(o, r), query.at ? new Date(query.at) : undefined) };
  }

  @Get('roles/:org/:role/history')
  async history(@Param('org', org) o: string, @Param('role', role) r: string) {
    return { items: await this.directory.history(this.address(o, r)) };
  }

  @Post('roles/:org/:role/assignments')
  assign(@Param('org', org) o: string, @Param('role', role) r: string, @Body() dto: AssignDto) {
    return this.directory.assign(this.address(o, r), dto);
  }

  /** Staff turnover: the role passes to another person with its open cases and unanswered messages. */
  @Post('roles/:org/:role/handover')
  handOver(@Param('org', org) o: string, @Param('role', role) r: string, @Body() dto: RoleHandoverDto) {
    return this.directory.handOver(this.address(o, r), dto.to, dto.deputy);
  }

  /** Retires the role; its work and later messages go to the successor. */
  @Post('roles/:org/:role/deactivate')
  deactivate(@Param('org', org) o: string, @Param('role', role) r: string, @Body() dto: DeactivateRoleDto) {
    return this.directory.deactivate(this.address(o, r), dto);
  }

  @Post('roles/:org/:role/confirm')
  @HttpCode(200)
  confirm(@Param('org', org) o: string, @Param('role', role) r: string, @Body() dto: ConfirmRoleDto) {
    return this.directory.confirm(this.address(o, r), dto.person);
  }

  @Get('role-transfers/:id')
  transfer(@Param('id', uuidParam('id')) id: string) {
    return this.directory.transfer(id);
  }

  @Post('people')
  createPerson(@Body() dto: CreatePersonDto) {
    return this.directory.createPerson(dto);
  }

  @Post('assignments/:id/end')
  @HttpCode(200)
  endAssignment(@Param('id', uuidParam('id')) id: string, @Body() dto: EndAssignmentDto) {
    return this.directory.endAssignment(id, dto.endsAt);
  }
}
