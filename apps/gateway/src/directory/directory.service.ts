import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { RoleChannels, nodeOf, parseAddress } from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { Transactions } from '../database/transactions';
import { AuditAction } from '../audit/audit-entry.entity';
import { AuditLog } from '../audit/audit.service';
import { Principal, is } from '../http/principal';
import { administers, decidesFor, requireAdministers, requireSeesStaffOf, seesStaffOf } from '../auth/scope';
import { invalidRequest } from '../http/problems';
import { personalChannels, staffContactsIn } from './channels';
import { DirectoryPublisher } from './directory-publisher';
import { DirectoryRepository } from '../registry/directory.repository';
import { addressOf, organisationOf } from '../config/directory';
import { holdsAt, isUnconfirmed } from '../registry/directory-view';
import { AssignDto, CreateOrganisationDto, CreatePersonDto, CreateRoleDto, DeactivateRoleDto, UpdateOrganisationDto, UpdateRoleDto } from './dto/directory.dto';
import {
  AcceptedLink,
  AssignedRole,
  Attention,
  HandedOverRole,
  HolderView,
  OrganisationView,
  OrganisationWithRoles,
  PendingLink,
  PersonView,
  RoleLinkView,
  RoleView,
  TransferView,
} from './dto/directory-views.dto';
import { Assignment, Organisation, Person, Role, RoleLink, RoleLinkKind, RoleLinkStatus, RoleTransfer } from '../registry/entities';
import { RegistryService } from '../registry/registry.service';
import { RoleWork, RoleWorkSources } from '../registry/role-work';
import { NoticeEvent } from '../notifications/notice-event';
import { Notices } from '../notifications/notices';

/** Why a link stopped being pending, in its audit entry. */
type LinkEnd = 'declined' | 'withdrawn' | 'superseded' | 'role-retired';

/**
 * The life of this node's directory: organisations and their roles, the people who hold them and when, handing a role
 * over, retiring it in favour of a successor. Every change is published to partners; staff never are.
 */
@Injectable()
export class DirectoryService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly directory: DirectoryRepository,
    private readonly registry: RegistryService,
    private readonly work: RoleWorkSources,
    private readonly publisher: DirectoryPublisher,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly notices: Notices,
  ) {}

  async organisations(caller: Principal): Promise<OrganisationWithRoles[]> {
    const now = this.clock.now();
    const [organisations, roles, assignments] = await Promise.all([this.directory.organisations(), this.directory.roles(), this.currentAssignments(now)]);
    const views = await this.roleViews(roles, assignments, now, caller);
    return organisations.map((o) => ({ ...o, roles: views.filter((r) => r.organisation === o.slug) }));
  }

  async createOrganisation(dto: CreateOrganisationDto, caller: Principal): Promise<OrganisationView> {
    requireAdministers(caller, null);
    return this.change(caller, 'registry.organisation.created', dto.slug, async (tx, now) => {
      if (await this.directory.organisation(dto.slug, tx)) throw new ConflictException(`organisation ${dto.slug} exists already`);
      const org = Object.assign(new Organisation(), { ...dto, createdAt: now, updatedAt: now });
      await this.directory.save(org, tx);
      return org;
    });
  }

  async updateOrganisation(slug: string, dto: UpdateOrganisationDto, caller: Principal): Promise<OrganisationView> {
    requireAdministers(caller, slug);
    return this.change(caller, 'registry.organisation.updated', slug, async (tx, now) => {
      const org = await this.directory.organisation(slug, tx);
      if (!org) throw new NotFoundException(`no organisation ${slug}`);
      Object.assign(org, dto, { updatedAt: now });
      await this.directory.save(org, tx);
      return org;
    });
  }

  async createRole(organisation: string, dto: CreateRoleDto, caller: Principal): Promise<RoleView> {
    requireAdministers(caller, organisation);
    const address = addressOf(this.config.node, organisation, dto.slug);
    await this.change(caller, 'registry.role.created', address, async (tx, now) => {
      if (!(await this.directory.organisation(organisation, tx))) throw new NotFoundException(`no organisation ${organisation}`);
      if (await this.directory.role(address, tx)) throw new ConflictException(`role ${address} exists already`);
      if (dto.fallback) await this.requireLiveRole(dto.fallback, 'fallback', tx, address);
      await this.requireFunctionalChannels(dto.channels, caller, tx);
      const role = Role.create(address, organisation, { ...dto, fallback: undefined }, now);
      if (dto.fallback) await this.chooseFallback(role, dto.fallback, caller, tx, now);
      await this.directory.save(role, tx);
    });
    return this.role(address, caller);
  }

  async updateRole(address: string, dto: UpdateRoleDto, caller: Principal): Promise<RoleView> {
    requireAdministers(caller, organisationOf(address));
    await this.change(caller, 'registry.role.updated', address, async (tx, now) => {
      const role = await this.liveRole(address, tx);
      if (dto.fallback) await this.requireLiveRole(dto.fallback, 'fallback', tx, address);
      await this.requireFunctionalChannels(dto.channels, caller, tx);
      const { fallback, ...fields } = dto;
      Object.assign(role, fields, { updatedAt: now });
      if (fallback !== undefined) await this.chooseFallback(role, fallback, caller, tx, now);
      await this.directory.save(role, tx);
    });
    return this.role(address, caller);
  }

  async createPerson(dto: CreatePersonDto, caller: Principal): Promise<PersonView> {
    return this.transactions.run(async (tx) => {
      await this.directory.lock(tx);
      const organisation = await this.staffOrganisation(dto.organisation, caller, tx);
      const person = Object.assign(new Person(), {
        id: randomUUID(),
        name: dto.name,
        organisation,
        email: dto.email ?? null,
        phone: dto.phone ?? null,
        createdAt: this.clock.now(),
      });
      const published = new Set((await this.directory.roles(tx)).filter((r) => !r.retiredAt).flatMap((r) => staffContactsIn(r.channels, [person])));
      if (published.size) {
        throw invalidRequest(
          [...published].map((kind) =>
            kind === 'mailbox'
              ? { field: 'email', problem: "is the published mailbox of a role, a functional channel: give the person's own e-mail" }
              : { field: 'phone', problem: "is the published phone of a role, a functional channel: give the person's own phone" },
          ),
        );
      }
      await this.directory.save(person, tx);
      await this.audit.record([{ actor: caller.subject, action: 'registry.person.created', subject: person.id, detail: { organisation } }], tx);
      return person;
    });
  }

  /** Whose staff a new person is: an administrator of one organisation creates its own; one of the whole node names any, or none. */
  private async staffOrganisation(named: string | undefined, caller: Principal, tx: EntityManager): Promise<string | null> {
    if (caller.organisation !== null) {
      if (named !== undefined && named !== caller.organisation)
        throw new ForbiddenException(`an administrator of ${caller.organisation} creates staff of ${caller.organisation} only`);
      return caller.organisation;
    }
    if (named !== undefined && !(await this.directory.organisation(named, tx)))
      throw invalidRequest([{ field: 'organisation', problem: 'is not an organisation of this node' }]);
    return named ?? null;
  }

  async assign(address: string, dto: AssignDto, caller: Principal): Promise<AssignedRole> {
    requireAdministers(caller, organisationOf(address));
    const assignment = await this.change(caller, 'registry.assignment.started', address, async (tx, now) => {
      const role = await this.liveRole(address, tx);
      await this.requireStaff(role, { person: dto.person, deputy: dto.deputy }, caller, tx);
      const startsAt = dto.startsAt ? new Date(dto.startsAt) : now;
      const endsAt = dto.endsAt ? new Date(dto.endsAt) : null;
      if (endsAt && endsAt <= startsAt) throw invalidRequest([{ field: 'endsAt', problem: 'must be after startsAt' }]);
      const assignment = newAssignment(address, dto.person, dto.deputy ?? null, startsAt, endsAt, now);
      await this.directory.save(assignment, tx);
      return assignment.id;
    });
    return { ...(await this.role(address, caller)), assignment };
  }

  async endAssignment(id: string, endsAt: string | undefined, caller: Principal): Promise<RoleView> {
    const role = await this.change(caller, 'registry.assignment.ended', id, async (tx, now) => {
      const assignment = await this.directory.assignment(id, tx);
      if (!assignment) throw new NotFoundException(`no assignment ${id}`);
      requireAdministers(caller, (await this.directory.role(assignment.role, tx))!.organisation);
      const at = endsAt ? new Date(endsAt) : now;
      if (at <= assignment.startsAt) throw invalidRequest([{ field: 'endsAt', problem: 'must be after the assignment started' }]);
      if (assignment.endsAt && assignment.endsAt <= now) throw new ConflictException(`assignment ${id} ended already`);
      assignment.endsAt = at;
      await this.directory.save(assignment, tx);
      return assignment.role;
    });
    return this.role(role, caller);
  }

  /**
   * Staff turnover: whoever holds the role now stops, `to` starts. The role's open cases and unanswered messages stay
   * with the role, so they are now the new holder's; the handover record lists them, the answer also the new assignment.
   */
  async handOver(address: string, to: string, deputy: string | undefined, caller: Principal): Promise<HandedOverRole> {
    requireAdministers(caller, organisationOf(address));
    return this.change(caller, 'registry.role.handed-over', address, async (tx, now) => {
      const role = await this.liveRole(address, tx);
      await this.requireStaff(role, { to, deputy }, caller, tx);
      const previous = await this.directory.endAssignments(address, now, tx);
      const assignment = newAssignment(address, to, deputy ?? null, now, null, now);
      await this.directory.save(assignment, tx);
      const work = await this.work.collect(address, tx);
      const transfer = Object.assign(new RoleTransfer(), {
        id: randomUUID(),
        role: address,
        kind: 'handover',
        fromPerson: previous[0] ?? null,
        toPerson: to,
        successor: null,
        at: now,
        ...work,
      });
      await this.directory.save(transfer, tx);
      await this.notices.record([transferEvent(transfer, work, [{ role: address, reason: 'handed-over', asIs: true }])], tx);
      // The caller administers the role's organisation, so sees its staff: the new holder's assignment too.
      return { ...transferView(transfer, caller), assignment: assignment.id };
    });
  }

  /**
   * Retires a role: its cases and unanswered messages move to the successor, which also receives what comes later. A
   * successor in another organisation the caller cannot speak for is asked first: the role stays as it is until that
   * organisation accepts (`pending`).
   */
  async deactivate(address: string, dto: DeactivateRoleDto, caller: Principal): Promise<{ retired: TransferView } | { pending: RoleLinkView }> {
    requireAdministers(caller, organisationOf(address));
    if (!this.needsConsent(dto.successor, caller)) {
      const retire = (tx: EntityManager, now: Date) => this.retire(address, dto.successor, caller, organisationOf(address), tx, now);
      return { retired: await this.change(caller, 'registry.role.deactivated', address, retire) };
    }
    const link = await this.inDirectory(async (tx, now) => {
      await this.liveRole(address, tx);
      await this.requireSuccessor(address, dto.successor, tx);
      return this.ask('successor', address, dto.successor, caller, tx, now);
    });
    return { pending: linkView(link, caller) };
  }

  /**
   * What an immediate retirement and an accepted successor both do; `decidedFor` is the organisation the caller retires
   * the role for (its own, or the successor's accepting), which the requests it ends record.
   */
  private async retire(address: string, successor: string, caller: Principal, decidedFor: string, tx: EntityManager, now: Date): Promise<TransferView> {
    const role = await this.liveRole(address, tx);
    await this.requireSuccessor(address, successor, tx);
    const work = await this.work.collect(address, tx);
    await this.work.move(address, successor, tx);
    await this.directory.repointFallbacks(address, successor, tx);
    const previous = await this.directory.endAssignments(address, now, tx);
    await this.directory.cancelPlannedAssignments(address, now, tx);
    Object.assign(role, { retiredAt: now, successor, fallback: null, updatedAt: now });
    await this.directory.save(role, tx);
    for (const link of await this.directory.pendingLinksAbout(address, tx)) await this.endLink(link, 'role-retired', decidedFor, caller, tx, now);
    const transfer = Object.assign(new RoleTransfer(), {
      id: randomUUID(),
      role: address,
      kind: 'deactivation',
      fromPerson: previous[0] ?? null,
      toPerson: null,
      successor,
      at: now,
      ...work,
    });
    await this.directory.save(transfer, tx);
    const told: NoticeEvent['for'] = [
      { role: address, reason: 'retired', asIs: true },
      { role: successor, reason: 'successor', asIs: true },
    ];
    await this.notices.record([transferEvent(transfer, work, told)], tx);
    return transferView(transfer, caller);
  }

  private async requireSuccessor(address: string, successor: string, tx: EntityManager): Promise<void> {
    if (successor === address) throw invalidRequest([{ field: 'successor', problem: 'must be another role' }]);
    await this.requireLiveRole(successor, 'successor', tx, address);
  }

  /** Requests to take work on the caller may see: coordinators, auditors and node administrators all, others their organisation's. */
  async links(status: RoleLinkStatus | undefined, caller: Principal): Promise<RoleLinkView[]> {
    return (await this.directory.links(status)).filter((l) => seesLink(caller, l)).map((l) => linkView(l, caller));
  }

  /** The target organisation takes the work on: the fallback is set, or the role retires in favour of its successor now. */
  async acceptLink(id: string, caller: Principal): Promise<AcceptedLink> {
    let transfer: TransferView | null = null;
    const link = await this.inDirectory(async (tx, now) => {
      const link = await this.pendingLinkFor(
        id,
        tx,
        (l) => decidesFor(caller, l.targetOrganisation),
        (l) => `only an administrator of ${l.targetOrganisation} or a coordinator may accept it`,
      );
      Object.assign(link, { status: 'accepted', decidedBy: caller.subject, decidedFor: link.targetOrganisation, decidedAt: now });
      await this.directory.save(link, tx);
      await this.audit.record([{ actor: caller.subject, action: 'registry.link.accepted', subject: link.id, detail: linkDetail(link) }], tx);
      // The change itself, audited as if made at once.
      if (link.kind === 'fallback') {
        const role = await this.liveRole(link.role, tx);
        Object.assign(role, { fallback: link.target, updatedAt: now });
        await this.directory.save(role, tx);
        await this.audit.record([{ actor: caller.subject, action: 'registry.role.updated', subject: link.role }], tx);
      } else {
        transfer = await this.retire(link.role, link.target, caller, link.targetOrganisation, tx, now);
        await this.audit.record([{ actor: caller.subject, action: 'registry.role.deactivated', subject: link.role }], tx);
      }
      return link;
    });
    return { ...linkView(link, caller), transfer };
  }

  /** The target organisation says no, or the asking one withdraws its request; nothing changes. */
  async declineLink(id: string, caller: Principal): Promise<RoleLinkView> {
    const link = await this.inDirectory(async (tx, now) => {
      const link = await this.pendingLinkFor(
        id,
        tx,
        (l) => decidesFor(caller, l.targetOrganisation) || administers(caller, organisationOf(l.role)),
        (l) => `only an administrator of ${l.targetOrganisation} or ${organisationOf(l.role)}, or a coordinator, may decline it`,
      );
      const declines = decidesFor(caller, link.targetOrganisation);
      await this.endLink(link, declines ? 'declined' : 'withdrawn', declines ? link.targetOrganisation : organisationOf(link.role), caller, tx, now);
      return link;
    });
    return linkView(link, caller);
  }

  /** A holder or deputy says the role's entry is right; the `unconfirmed` flag clears. */
  async confirm(address: string, person: string, caller: Principal): Promise<RoleView> {
    await this.change(caller, 'registry.role.confirmed', address, async (tx, now) => {
      const role = await this.liveRole(address, tx);
      if (person !== caller.subject) requireAdministers(caller, role.organisation);
      const holders = await this.directory.holdersAt(address, now, tx);
      if (!holders.some((a) => a.person === person || a.deputy === person)) {
        // Vouching for yourself needs the role; an administrator naming somebody else names a holder.
        if (person === caller.subject) throw new ForbiddenException(`you do not hold ${address} or deputise for it`);
        throw invalidRequest([{ field: 'person', problem: 'must hold the role or deputise for it now' }]);
      }
      Object.assign(role, { confirmedAt: now, updatedAt: now });
      await this.directory.save(role, tx);
    });
    return this.role(address, caller);
  }

  async role(address: string, caller: Principal): Promise<RoleView> {
    const role = await this.directory.role(address);
    if (!role) throw new NotFoundException(`no role ${address}`);
    const now = this.clock.now();
    return (await this.roleViews([role], await this.directory.holdersAt(address, now), now, caller))[0];
  }

  /** Who held the role at `at` (default now): answerable for any past date, since assignments are never deleted. */
  async holdersAt(address: string, at: Date | undefined, caller: Principal): Promise<HolderView[]> {
    requireSeesStaffOf(caller, parseAddress(address)!.organisation);
    if (!(await this.directory.role(address))) throw new NotFoundException(`no role ${address}`);
    return this.holderViews(await this.directory.holdersAt(address, at ?? this.clock.now()));
  }

  async history(address: string, caller: Principal): Promise<HolderView[]> {
    requireSeesStaffOf(caller, parseAddress(address)!.organisation);
    if (!(await this.directory.role(address))) throw new NotFoundException(`no role ${address}`);
    return this.holderViews(await this.directory.history(address));
  }

  /** A handover names who gave the role up and who took it: for whoever sees the staff of the role's organisation. */
  async transfer(id: string, caller: Principal): Promise<TransferView> {
    const transfer = await this.directory.transfer(id);
    if (!transfer) throw new NotFoundException(`no role transfer ${id}`);
    requireSeesStaffOf(caller, parseAddress(transfer.role)!.organisation);
    return transferView(transfer, caller);
  }

  /**
   * What a coordinator should look at: roles nobody holds, nobody confirmed for too long, or with a published channel
   * that looks like a person's, and requests to take work on that wait for a decision (those the caller may see).
   * `caller` null: the node itself (its daily check), shown every request and no staff.
   */
  async attention(caller: Principal | null): Promise<Attention> {
    const now = this.clock.now();
    const [roles, assignments, people, pending] = await Promise.all([
      this.directory.roles(),
      this.currentAssignments(now),
      this.directory.everyone(),
      this.directory.links('pending'),
    ]);
    const live = roles.filter((r) => !r.retiredAt);
    const views = await this.roleViews(live, assignments, now, caller);
    return {
      vacant: views.filter((r) => r.status === 'vacant'),
      unconfirmed: views.filter((r) => r.unconfirmed),
      pendingLinks: pending.filter((l) => !caller || seesLink(caller, l)).map((l) => linkView(l, caller)),
      personalChannels: personalChannels(live, people),
    };
  }

  /**
   * One transaction for a change to the directory, recorded in the audit log by whom it was made; afterwards the node
   * uses it and partners are told.
   */
  private async change<T>(caller: Principal, action: AuditAction, subject: string, work: (tx: EntityManager, now: Date) => Promise<T>): Promise<T> {
    return this.inDirectory(async (tx, now) => {
      const done = await work(tx, now);
      await this.audit.record([{ actor: caller.subject, action, subject }], tx);
      return done;
    });
  }

  /** The transaction of `change`, for work that records its own audit entries. */
  private async inDirectory<T>(work: (tx: EntityManager, now: Date) => Promise<T>): Promise<T> {
    const result = await this.transactions.run(async (tx) => {
      await this.directory.lock(tx);
      return work(tx, this.clock.now());
    });
    await this.registry.refresh();
    this.publisher.schedule();
    return result;
  }

  /**
   * Whether making `target` the fallback or successor of a role commits an organisation the caller cannot speak for.
   * The caller administers the role's own organisation (the controller checks it), so within it they always may.
   */
  private needsConsent(target: string, caller: Principal): boolean {
    return !decidesFor(caller, organisationOf(target));
  }

  /**
   * Sets the role's fallback (the caller saves the role), or asks the target's organisation first when the caller
   * cannot speak for it. The latest word counts: it replaces a request still pending.
   */
  private async chooseFallback(role: Role, fallback: string | null, caller: Principal, tx: EntityManager, now: Date): Promise<void> {
    if (fallback === null || fallback === role.fallback || !this.needsConsent(fallback, caller)) {
      const pending = await this.directory.pendingLink(role.address, 'fallback', tx);
      if (pending) await this.endLink(pending, 'superseded', role.organisation, caller, tx, now);
      role.fallback = fallback;
      return;
    }
    await this.ask('fallback', role.address, fallback, caller, tx, now);
  }

  /** A pending request for `target` to take `role`'s work on; one asking the same again is kept, another one replaced. */
  private async ask(kind: RoleLinkKind, role: string, target: string, caller: Principal, tx: EntityManager, now: Date): Promise<RoleLink> {
    const pending = await this.directory.pendingLink(role, kind, tx);
    if (pending?.target === target) return pending;
    if (pending) await this.endLink(pending, 'superseded', organisationOf(role), caller, tx, now);
    const link = Object.assign(new RoleLink(), {
      id: randomUUID(),
      kind,
      role,
      target,
      targetOrganisation: organisationOf(target),
      status: 'pending',
      requestedBy: caller.subject,
      requestedAt: now,
      decidedBy: null,
      decidedFor: null,
      decidedAt: null,
    });
    await this.directory.save(link, tx);
    await this.audit.record([{ actor: caller.subject, action: 'registry.link.requested', subject: link.id, detail: linkDetail(link) }], tx);
    return link;
  }

  /** Ends a pending request; `decidedFor` is the organisation the caller ends it for. */
  private async endLink(link: RoleLink, why: LinkEnd, decidedFor: string, caller: Principal, tx: EntityManager, now: Date): Promise<void> {
    Object.assign(link, { status: 'declined', decidedBy: caller.subject, decidedFor, decidedAt: now });
    await this.directory.save(link, tx);
    await this.audit.record([{ actor: caller.subject, action: 'registry.link.declined', subject: link.id, detail: { ...linkDetail(link), reason: why } }], tx);
  }

  /** The link `id`, if the caller may decide on it (`may`, else 403 with `refusal`) and it still waits for a decision. */
  private async pendingLinkFor(id: string, tx: EntityManager, may: (l: RoleLink) => boolean, refusal: (l: RoleLink) => string): Promise<RoleLink> {
    const link = await this.directory.link(id, tx);
    if (!link) throw new NotFoundException(`no role link ${id}`);
    if (!may(link)) throw new ForbiddenException(refusal(link));
    if (link.status !== 'pending') throw new ConflictException(`role link ${id} was ${link.status} already`);
    return link;
  }

  private async liveRole(address: string, tx: EntityManager): Promise<Role> {
    const role = await this.directory.role(address, tx);
    if (!role) throw new NotFoundException(`no role ${address}`);
    if (role.retiredAt) throw new ConflictException(`role ${address} was deactivated; its successor is ${role.successor}`);
    return role;
  }

  private async requireLiveRole(address: string, field: string, tx: EntityManager, self: string): Promise<void> {
    const role = nodeOf(address) === this.config.node ? await this.directory.role(address, tx) : null;
    if (!role || role.retiredAt || address === self) {
      throw invalidRequest([{ field, problem: `must be another active role of node ${this.config.node}` }]);
    }
  }

  /**
   * A role's channels are functional: neither may be the own e-mail or phone of a member of staff. Only staff the caller
   * sees count, so the answer never tells whether a guessed e-mail is that of another organisation's staff (the
   * attention list still flags it, without saying whose).
   */
  private async requireFunctionalChannels(channels: RoleChannels | undefined, caller: Principal, tx: EntityManager): Promise<void> {
    const personal = staffContactsIn(
      channels,
      (await this.directory.everyone(tx)).filter((p) => seesStaffOf(caller, p.organisation)),
    );
    if (personal.length) {
      throw invalidRequest(
        personal.map((kind) =>
          kind === 'mailbox'
            ? { field: 'channels.mailbox', problem: 'is the personal e-mail of a member of staff: a role publishes a functional mailbox (a shared one)' }
            : { field: 'channels.phone', problem: 'is the personal phone of a member of staff: a role publishes a functional phone (an office line)' },
        ),
      );
    }
  }

  /**
   * Who holds a role of an organisation is its staff, or the node's own staff assigned by an administrator of the whole
   * node. Anyone else is refused exactly as an unknown id is, so ids of other organisations' staff cannot be probed.
   */
  private async requireStaff(role: Role, people: Record<string, string | undefined>, caller: Principal, tx: EntityManager): Promise<void> {
    for (const [field, id] of Object.entries(people)) {
      if (id === undefined) continue;
      const person = await this.directory.person(id, tx);
      const staff = !!person && (person.organisation === role.organisation || person.organisation === null) && administers(caller, person.organisation);
      if (!staff) throw invalidRequest([{ field, problem: `is not a member of staff of ${role.organisation} known to this node` }]);
    }
  }

  /** Assignments holding their role at `now`, of every role. */
  private async currentAssignments(now: Date): Promise<Assignment[]> {
    return (await this.directory.currentAssignments(now)).filter((a) => holdsAt(a, now));
  }

  /** Views of `roles` at `now` as `caller` may see them; `current` are the assignments holding them then. */
  private async roleViews(roles: Role[], current: Assignment[], now: Date, caller: Principal | null): Promise<RoleView[]> {
    const shown = new Set(roles.filter((r) => caller && seesStaffOf(caller, r.organisation)).map((r) => r.address));
    const counts = new Map<string, number>();
    current.forEach((a) => counts.set(a.role, (counts.get(a.role) ?? 0) + 1));
    const visible = current.filter((a) => shown.has(a.role));
    const holders = await this.holderViews(visible);
    const pending = new Map((await this.directory.links('pending')).map((l) => [`${l.kind} ${l.role}`, pendingView(l)]));
    const byRole = new Map<string, HolderView[]>();
    visible.forEach((a, i) => byRole.set(a.role, [...(byRole.get(a.role) ?? []), holders[i]]));
    return roles.map((r) => ({
      address: r.address,
      organisation: r.organisation,
      title: r.title,
      purposes: r.purposes,
      ageGroups: r.ageGroups,
      exploitation: r.exploitation,
      languages: r.languages,
      region: r.region,
      fallback: r.fallback,
      channels: r.channels,
      status: r.retiredAt ? 'retired' : counts.has(r.address) ? 'active' : 'vacant',
      unconfirmed: isUnconfirmed(r, now, this.config.registry.unconfirmedAfterMs),
      confirmedAt: r.confirmedAt.toISOString(),
      retiredAt: r.retiredAt?.toISOString() ?? null,
      successor: r.successor,
      pendingFallback: pending.get(`fallback ${r.address}`) ?? null,
      pendingSuccessor: pending.get(`successor ${r.address}`) ?? null,
      holderCount: counts.get(r.address) ?? 0,
      ...(shown.has(r.address) ? { holders: byRole.get(r.address) ?? [] } : {}),
    }));
  }

  private async holderViews(assignments: Assignment[]): Promise<HolderView[]> {
    const people = await this.directory.people([...new Set(assignments.flatMap((a) => [a.person, ...(a.deputy ? [a.deputy] : [])]))]);
    const who = (id: string) => ({ id, name: people.get(id)?.name ?? '(unknown)' });
    return assignments.map((a) => ({
      assignment: a.id,
      person: who(a.person),
      deputy: a.deputy ? who(a.deputy) : null,
      startsAt: a.startsAt.toISOString(),
      endsAt: a.endsAt?.toISOString() ?? null,
    }));
  }
}

function newAssignment(role: string, person: string, deputy: string | null, startsAt: Date, endsAt: Date | null, now: Date): Assignment {
  return Object.assign(new Assignment(), { id: randomUUID(), role, person, deputy, startsAt, endsAt, createdAt: now });
}

function transferView(t: RoleTransfer, caller: Principal): TransferView {
  return {
    id: t.id,
    role: t.role,
    kind: t.kind,
    ...(seesStaffOf(caller, organisationOf(t.role)) ? { from: t.fromPerson, to: t.toPerson } : {}),
    successor: t.successor,
    at: t.at.toISOString(),
    openCases: t.openCases,
    unansweredMessages: t.unansweredMessages,
  };
}

/** Who may see a request to take work on: coordinators, auditors, node administrators; an organisation's administrator when it asks or is asked. */
const seesLink = (p: Principal, l: RoleLink): boolean =>
  is(p, 'coordinator') || is(p, 'auditor') || administers(p, organisationOf(l.role)) || administers(p, l.targetOrganisation);

const linkDetail = (l: RoleLink) => ({ kind: l.kind, role: l.role, target: l.target });

const pendingView = (l: RoleLink): PendingLink => ({ link: l.id, target: l.target, requestedAt: l.requestedAt.toISOString() });

/**
 * A request as `caller` may see it (null: the node itself, no staff). Who asked is shown to whoever sees the staff of
 * the asking role's organisation; who decided to whoever sees the staff of the organisation it was decided for (both
 * organisations', for a decision kept before that was recorded); each to themselves.
 */
function linkView(l: RoleLink, caller: Principal | null): RoleLinkView {
  const sees = (organisation: string) => !!caller && seesStaffOf(caller, organisation);
  const requestShown = l.requestedBy === caller?.subject || sees(organisationOf(l.role));
  const decisionShown =
    l.decidedBy === null || l.decidedBy === caller?.subject || (l.decidedFor ? sees(l.decidedFor) : sees(organisationOf(l.role)) && sees(l.targetOrganisation));
  return {
    id: l.id,
    kind: l.kind,
    role: l.role,
    target: l.target,
    targetOrganisation: l.targetOrganisation,
    status: l.status,
    ...(requestShown ? { requestedBy: l.requestedBy } : {}),
    requestedAt: l.requestedAt.toISOString(),
    ...(decisionShown ? { decidedBy: l.decidedBy } : {}),
    decidedAt: l.decidedAt?.toISOString() ?? null,
  };
}

/** A role passed on, for the notices of the role and of its successor. */
function transferEvent(transfer: RoleTransfer, work: RoleWork, roles: NoticeEvent['for']): NoticeEvent {
  return {
    type: 'role.handed-over',
    key: `role.handed-over:${transfer.id}`,
    at: transfer.at,
    caseRef: null,
    messageId: null,
    messageType: null,
    partner: null,
    deadline: null,
    transfer: {
      id: transfer.id,
      kind: transfer.kind,
      role: transfer.role,
      successor: transfer.successor,
      openCases: work.openCases.length,
      unansweredMessages: work.unansweredMessages.length,
    },
    for: roles,
  };
}
