import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RoleWork, RoleWorkSource, RoleWorkSources } from '../registry/role-work';
import { CaseRepository } from './case.repository';
import { UnansweredRepository } from './unanswered.repository';

/** The handovers and messages a role is in the middle of, for the registry's role handovers and retirements. */
@Injectable()
export class HandoverRoleWork implements RoleWorkSource, OnModuleInit {
  constructor(
    private readonly sources: RoleWorkSources,
    private readonly cases: CaseRepository,
    private readonly unanswered: UnansweredRepository,
  ) {}

  onModuleInit(): void {
    this.sources.register(this);
  }

  async collect(role: string, tx: EntityManager): Promise<RoleWork> {
    return { openCases: await this.cases.openCases(role, tx), unansweredMessages: await this.unanswered.forRole(role, tx) };
  }

  async move(from: string, to: string, tx: EntityManager): Promise<void> {
    await this.cases.moveCases(from, to, tx);
    await this.unanswered.reroute(from, to, tx);
  }
}
