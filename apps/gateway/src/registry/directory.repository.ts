import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { Assignment, Organisation, Person, Role, RoleLink, RoleLinkKind, RoleLinkStatus, RoleTransfer } from './entities';

/** This node's own directory: organisations, roles, staff and who holds which role when. */
@Injectable()
export class DirectoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private m(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  /** Serialises writers of the directory across replicas of the node for the rest of the transaction. */
  async lock(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('trm-directory'))`);
  }

  async isEmpty(tx?: EntityManager): Promise<boolean> {
    return (await this.m(tx).count(Organisation)) === 0;
  }

  organisations(tx?: EntityManager): Promise<Organisation[]> {
    return this.m(tx).find(Organisation, { order: { slug: 'ASC' } });
  }

  organisation(slug: string, tx?: EntityManager): Promise<Organisation | null> {
    return this.m(tx).findOneBy(Organisation, { slug });
  }

  roles(tx?: EntityManager): Promise<Role[]> {
    return this.m(tx).find(Role, { order: { address: 'ASC' } });
  }

  role(address: string, tx?: EntityManager): Promise<Role | null> {
    return this.m(tx).findOneBy(Role, { address });
  }

  person(id: string, tx?: EntityManager): Promise<Person | null> {
    return this.m(tx).findOneBy(Person, { id });
  }

  /** Every person of the registry, with their own contacts. */
  everyone(tx?: EntityManager): Promise<Person[]> {
    return this.m(tx).find(Person);
  }

  async people(ids: string[]): Promise<Map<string, Person>> {
    if (!ids.length) return new Map();
    const rows = await this.dataSource.getRepository(Person).createQueryBuilder('p').where('p.id IN (:...ids)', { ids }).getMany();
    return new Map(rows.map((p) => [p.id, p]));
  }

  async save<T extends Organisation | Role | Person | Assignment | RoleTransfer | RoleLink>(entity: T, tx: EntityManager): Promise<void> {
    await tx.save(entity);
  }

  /** Assignments not ended before `since`: what the node needs to know who holds a role now and soon. */
  currentAssignments(since: Date, tx?: EntityManager): Promise<Assignment[]> {
    return this.m(tx).find(Assignment, { where: [{ endsAt: IsNull() }, { endsAt: MoreThan(since) }], order: { startsAt: 'ASC' } });
  }

  /** Who held `role` at `at`: assignments that had started and not yet ended (the rule of `holdsAt`). */
  holdersAt(role: string, at: Date, tx?: EntityManager): Promise<Assignment[]> {
    return this.m(tx).find(Assignment, {
      where: [
        { role, startsAt: LessThanOrEqual(at), endsAt: IsNull() },
        { role, startsAt: LessThanOrEqual(at), endsAt: MoreThan(at) },
      ],
      order: { startsAt: 'ASC' },
    });
  }

  history(role: string): Promise<Assignment[]> {
    return this.dataSource.getRepository(Assignment).find({ where: { role }, order: { startsAt: 'ASC' } });
  }

  assignment(id: string, tx?: EntityManager): Promise<Assignment | null> {
    return this.m(tx).findOneBy(Assignment, { id });
  }

  /**
   * Ends, at `at`, every assignment holding `role` at `at`; returns the people who held it. One that started at `at`
   * itself ends before it held the role at any moment (empty, kept in the history).
   */
  async endAssignments(role: string, at: Date, tx: EntityManager): Promise<string[]> {
    const [rows]: [Array<{ person: string }>, number] = await tx.query(
      `UPDATE assignment SET ends_at = $2 WHERE role = $1 AND starts_at <= $2 AND (ends_at IS NULL OR ends_at > $2) RETURNING person`,
      [role, at],
    );
    return rows.map((r) => r.person);
  }

  /** Assignments of a role planned to start after `at` never start: each ends the moment it would begin. */
  async cancelPlannedAssignments(role: string, at: Date, tx: EntityManager): Promise<void> {
    await tx.query(`UPDATE assignment SET ends_at = starts_at WHERE role = $1 AND starts_at > $2 AND (ends_at IS NULL OR ends_at > starts_at)`, [role, at]);
  }

  /** Roles that passed their work on to `from` (as fallback) pass it to `to` instead. */
  async repointFallbacks(from: string, to: string, tx: EntityManager): Promise<void> {
    await tx.query(`UPDATE role SET fallback = $2 WHERE fallback = $1 AND address <> $2`, [from, to]);
  }

  transfer(id: string): Promise<RoleTransfer | null> {
    return this.dataSource.getRepository(RoleTransfer).findOneBy({ id });
  }

  /** Requests to take work on, newest first; all of them, or those with `status`. */
  links(status?: RoleLinkStatus, tx?: EntityManager): Promise<RoleLink[]> {
    return this.m(tx).find(RoleLink, { where: status ? { status } : {}, order: { requestedAt: 'DESC', id: 'ASC' } });
  }

  link(id: string, tx: EntityManager): Promise<RoleLink | null> {
    return this.m(tx).findOneBy(RoleLink, { id });
  }

  pendingLink(role: string, kind: RoleLinkKind, tx: EntityManager): Promise<RoleLink | null> {
    return this.m(tx).findOneBy(RoleLink, { role, kind, status: 'pending' });
  }

  /** Pending requests `address` made, or that ask `address` to take work on. */
  pendingLinksAbout(address: string, tx: EntityManager): Promise<RoleLink[]> {
    return this.m(tx).find(RoleLink, {
      where: [
        { role: address, status: 'pending' },
        { target: address, status: 'pending' },
      ],
      order: { requestedAt: 'ASC' },
    });
  }
}
