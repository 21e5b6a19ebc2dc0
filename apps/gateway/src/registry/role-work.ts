import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** What a role is in the middle of: cases it is responsible for, and messages for it that nobody answered yet. */
export interface RoleWork {
  openCases: string[];
  unansweredMessages: string[];
}

/** A capability holding work for roles (handovers, messages); the gateway module names them, the registry need not know them. */
export interface RoleWorkSource {
  collect(role: string, tx: EntityManager): Promise<Partial<RoleWork>>;
  /** Moves the work of a retired role to its successor. */
  move(from: string, to: string, tx: EntityManager): Promise<void>;
}

export const ROLE_WORK_SOURCES = Symbol('role work sources');

@Injectable()
export class RoleWorkSources {
  constructor(@Inject(ROLE_WORK_SOURCES) private readonly sources: RoleWorkSource[]) {}

  async collect(role: string, tx: EntityManager): Promise<RoleWork> {
    const work: RoleWork = { openCases: [], unansweredMessages: [] };
    for (const source of this.sources) {
      const found = await source.collect(role, tx);
      work.openCases.push(...(found.openCases ?? []));
      work.unansweredMessages.push(...(found.unansweredMessages ?? []));
    }
    return work;
  }

  async move(from: string, to: string, tx: EntityManager): Promise<void> {
    for (const source of this.sources) await source.move(from, to, tx);
  }
}
