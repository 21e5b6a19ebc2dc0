import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { RegistryService } from '../registry/registry.service';
import { RoleWork, RoleWorkSource } from '../registry/role-work';
import { CaseRepository } from './case.repository';
import { UnansweredRepository } from './unanswered.repository';

/** The handovers and messages a role is in the middle of, for the registry's role handovers and retirements. */
@Injectable()
export class HandoverRoleWork implements RoleWorkSource {
  constructor(
    private readonly cases: CaseRepository,
    private readonly unanswered: UnansweredRepository,
    private readonly registry: RegistryService,
    private readonly clock: Clock,
  ) {}

  /** What `role` is in the middle of: its open cases, and what needs an answer of the messages that pass through it. */
  async collect(role: string, tx: EntityManager): Promise<RoleWork> {
    const waiting = this.registry.addressesThrough(role, this.clock.now());
    return { openCases: await this.cases.openCases(role, tx), unansweredMessages: await this.unanswered.addressedTo(waiting, tx) };
  }

  async move(from: string, to: string, tx: EntityManager): Promise<void> {
    await this.cases.moveCases(from, to, tx);
    await this.unanswered.reroute(this.registry.addressesThrough(from, this.clock.now()), to, tx);
  }
}
