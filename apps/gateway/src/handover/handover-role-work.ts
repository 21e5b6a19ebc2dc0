import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InboxRepository } from '../envelope/inbox.repository';
import { RoleWork, RoleWorkSource, RoleWorkSources } from '../registry/role-work';
import { HandoverRepository } from './handover.repository';

/** The handovers and messages a role is in the middle of, for the registry's role handovers and retirements. */
@Injectable()
export class HandoverRoleWork implements RoleWorkSource, OnModuleInit {
  constructor(
    private readonly sources: RoleWorkSources,
    private readonly handovers: HandoverRepository,
    private readonly inbox: InboxRepository,
  ) {}

  onModuleInit(): void {
    this.sources.register(this);
  }

  async collect(role: string, tx: EntityManager): Promise<RoleWork> {
    return { openCases: await this.handovers.openCases(role, tx), unansweredMessages: await this.inbox.unanswered(role, tx) };
  }

  async move(from: string, to: string, tx: EntityManager): Promise<void> {
    await this.handovers.moveCases(from, to, tx);
    await this.inbox.reroute(from, to, tx);
  }
}
