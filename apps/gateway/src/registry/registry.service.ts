import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  DirectoryOrganisation,
  RegistryUpdateBody,
  ResolvedKey,
  TrmJwk,
  importKey,
  keyStateAt,
  kidNode,
  nodeOf,
  receiptsAddress,
  registryAddress,
} from '@trm/wire';
import { Clock } from '../clock/clock';
import { Periodic } from '../clock/periodic';
import { NODE_CONFIG, NodeConfig, PartnerConfig } from '../config/node-config';
import { Transactions } from '../database/transactions';
import { safeError } from '../logging/safe-error';
import { DirectoryRepository } from './directory.repository';
import { directoryView, holdsAt } from './directory-view';
import { Assignment, Organisation, Role } from './entities';
import { PartnerDirectoryRepository } from './partner-directory.repository';
import { seedDirectory } from './seed';

const REFRESH_MS = 30_000;
/** A lookup that missed reloads at most this often (a flood of misses must not become a flood of reloads). */
const CATCH_UP_MS = 1_000;
const MAX_ROUTE_HOPS = 10;

interface PartnerView {
  body: RegistryUpdateBody;
  roles: Map<string, RegistryUpdateBody['organisations'][number]['roles'][number]>;
  retired: Map<string, { successor: string; retiredAt: string }>;
}

/**
 * The node's registry as the message path needs it, in memory: its own roles and who holds them, partners'
 * published directories and keys. Loaded from the database at start, reloaded after every change made here and
 * every 30 s (changes made by another replica of the node).
 */
@Injectable()
export class RegistryService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RegistryService.name);
  private readonly partners: Map<string, PartnerConfig>;
  private readonly anchorKeys = new Map<string, ResolvedKey>();
  private organisations: Organisation[] = [];
  private ownVersion: { version: number; issuedAt: string } | null = null;
  private roles = new Map<string, Role>();
  private assignments: Assignment[] = [];
  private partnerViews = new Map<string, PartnerView>();
  private learnedKeys = new Map<string, ResolvedKey>();
  private loadStartedAt = 0;
  private catchingUp: Promise<void> | null = null;
  /** Reloads one at a time, so an older load never overwrites a newer one. */
  private readonly reload = new Periodic(
    () => this.load(),
    (err) => this.logger.warn(`registry reload failed: ${safeError(err)}`),
  );

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly directory: DirectoryRepository,
    private readonly partnerDirectories: PartnerDirectoryRepository,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {
    this.partners = new Map(config.partners.map((p) => [p.node, p]));
    for (const partner of config.partners) {
      for (const jwk of partner.trustAnchor.keys) this.anchorKeys.set(jwk.kid, { jwk, key: importKey(jwk) });
    }
  }

  async onModuleInit(): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.directory.lock(tx);
      if (await this.directory.isEmpty(tx)) await seedDirectory(this.config.directory, this.clock.now(), this.directory, tx);
    });
    await this.refresh();
    this.reload.start(REFRESH_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.reload.stop();
  }

  /** Reloads from the database; a reload asked for while another runs starts after it, so it sees the latest. */
  refresh(): Promise<void> {
    return this.reload.runOnce();
  }

  /**
   * Reloads after a lookup missed: another replica of this node may have stored the partner directory since (the
   * periodic reload is up to 30 s behind). At most one reload per `CATCH_UP_MS`, shared by the misses meanwhile.
   */
  private catchUp(): Promise<void> {
    const due = this.loadStartedAt + CATCH_UP_MS - Date.now();
    this.catchingUp ??= new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, due)))
      .then(() => this.refresh())
      .finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  private async load(): Promise<void> {
    this.loadStartedAt = Date.now();
    const now = this.clock.now();
    const [organisations, published, roles, assignments, directories, keys] = await Promise.all([
      this.directory.organisations(),
      this.partnerDirectories.latestVersion(),
      this.directory.roles(),
      this.directory.currentAssignments(new Date(now.getTime() - 86_400_000)),
      this.partnerDirectories.all(),
      this.partnerDirectories.keys(),
    ]);
    this.organisations = organisations;
    this.ownVersion = published ? { version: published.version, issuedAt: published.issuedAt.toISOString() } : null;
    this.roles = new Map(roles.map((r) => [r.address, r]));
    this.assignments = assignments;
    this.partnerViews = new Map(
      directories
        .filter((d) => this.partners.has(d.node))
        .map((d) => {
          const body = d.body as unknown as RegistryUpdateBody;
          return [
            d.node,
            {
              body,
              roles: new Map(body.organisations.flatMap((o) => o.roles.map((r) => [r.address, r] as const))),
              retired: new Map((body.retired ?? []).map((r) => [r.address, { successor: r.successor, retiredAt: r.retiredAt }])),
            },
          ];
        }),
    );
    this.learnedKeys = new Map(
      keys.filter((k) => this.partners.has(k.node)).map((k) => [k.kid, { jwk: k.jwk as unknown as TrmJwk, key: importKey(k.jwk as unknown as TrmJwk) }]),
    );
  }

  get node(): string {
    return this.config.node;
  }

  /** Rule 9: an address this node publishes — a vacant role still counts, a retired one passes to its successor. */
  publishes(address: string): boolean {
    return address === receiptsAddress(this.node) || address === registryAddress(this.node) || this.roles.has(address);
  }

  /** The role a message for `address` waits with at `at`: retired roles pass to their successor, vacant ones to their fallback. */
  route(address: string, at: Date): string {
    const chain = this.routeChain(address, at);
    return chain[chain.length - 1];
  }

  /** Where a message for `address` waits at `at` (as `route`), and the role it last passed through: whose fallback or successor that is; null when it waits with `address` itself. */
  routeVia(address: string, at: Date): { to: string; via: string | null } {
    const chain = this.routeChain(address, at);
    return { to: chain[chain.length - 1], via: chain.length > 1 ? chain[chain.length - 2] : null };
  }

  /** `address`, then each role its messages pass to at `at`: a retired role's successor, and a vacant one's fallback unless `throughVacancy` is false. */
  private routeChain(address: string, at: Date, throughVacancy = true): string[] {
    const chain = [address];
    for (let hop = 0; hop < MAX_ROUTE_HOPS; hop++) {
      const current = chain[chain.length - 1];
      const role = this.roles.get(current);
      const next = !role
        ? null
        : role.retiredAt && role.retiredAt <= at && role.successor
          ? role.successor
          : throughVacancy && role.fallback && this.isVacant(current, at)
            ? role.fallback
            : null;
      if (!next || chain.includes(next)) break;
      chain.push(next);
    }
    return chain;
  }

  /** The role responsible for work addressed to `address`: a retired role's successor (vacancy does not move work). */
  responsibleRole(address: string, at: Date): string {
    const chain = this.routeChain(address, at, false);
    return chain[chain.length - 1];
  }

  /** The roles a person holds or deputises for at `at`. */
  heldBy(person: string, at: Date): string[] {
    return [...new Set(this.assignments.filter((a) => (a.person === person || a.deputy === person) && holdsAt(a, at)).map((a) => a.role))];
  }

  /** Roles whose messages wait, at `at`, with one of `held` without being one of them (see `route`). */
  coveredBy(held: string[], at: Date): string[] {
    if (!held.length) return [];
    return [...this.roles.keys()].filter((r) => !held.includes(r) && held.includes(this.route(r, at)));
  }

  /** The addresses whose messages wait, at `at`, with one of `roles`: the roles themselves and those they cover. */
  addressesWaitingWith(roles: string[], at: Date): string[] {
    return [...new Set([...roles, ...this.coveredBy(roles, at)])];
  }

  /**
   * The addresses whose messages pass through `role` at `at` on their way to whoever holds a role: the role's own, a
   * vacant role's it is the fallback of, a retired role's it succeeds — its work, whether it holds it now or hands it
   * on to its own fallback while vacant.
   */
  addressesThrough(role: string, at: Date): string[] {
    return [...this.roles.keys()].filter((r) => this.routeChain(r, at).includes(role));
  }

  /** One of this node's roles as the registry holds it now (retired ones too). */
  ownRole(address: string): Role | undefined {
    return this.roles.get(address);
  }

  isVacant(address: string, at: Date): boolean {
    return !this.assignments.some((a) => a.role === address && holdsAt(a, at));
  }

  partner(node: string): PartnerConfig | undefined {
    return this.partners.get(node);
  }

  partnerNodes(): string[] {
    return [...this.partners.keys()];
  }

  /** A partner's public key by kid: from its latest registry update, or from its trust anchor file. */
  partnerKey(kid: string): ResolvedKey | undefined {
    return this.learnedKeys.get(kid) ?? this.anchorKeys.get(kid);
  }

  /** This node's directory as partners see it now, and each partner's as last published to us. */
  knownDirectories(at: Date): Array<{ node: string; version: number | null; issuedAt: string | null; organisations: DirectoryOrganisation[] }> {
    const own = directoryView(this.organisations, [...this.roles.values()], this.assignments, at, this.config.registry.unconfirmedAfterMs);
    return [
      { node: this.node, version: this.ownVersion?.version ?? null, issuedAt: this.ownVersion?.issuedAt ?? null, organisations: own.organisations },
      ...[...this.partnerViews].map(([node, v]) => ({ node, version: v.body.version, issuedAt: v.body.issuedAt, organisations: v.body.organisations })),
    ];
  }

  /** The partner's encryption key valid at `at` (newest first): what sealed data for it is encrypted to. */
  partnerEncryptionKey(node: string, at: Date): { kid: string; key: ResolvedKey['key'] } | null {
    const candidates = [...new Map([...this.anchorKeys, ...this.learnedKeys]).values()]
      .filter((k) => k.jwk.use === 'enc' && kidNode(k.jwk.kid) === node && keyStateAt(k.jwk, at) === 'valid')
      .sort((a, b) => Date.parse(b.jwk.validFrom) - Date.parse(a.jwk.validFrom));
    return candidates[0] ? { kid: candidates[0].jwk.kid, key: candidates[0].key } : null;
  }

  /** A partner's directory as last published to us. */
  partnerDirectory(node: string): RegistryUpdateBody | undefined {
    return this.partnerViews.get(node)?.body;
  }

  /**
   * `recipientProblem`, looked at again after `catchUp` when a newer directory of the partner could answer it (none
   * held yet, or the role not in it): a replica that did not take the partner's registry.update itself.
   */
  async currentRecipientProblem(recipient: string): Promise<string | null> {
    const problem = this.recipientProblem(recipient);
    const node = nodeOf(recipient);
    const view = node ? this.partnerViews.get(node) : undefined;
    if (problem === null || !node || !this.partners.has(node) || view?.retired.has(recipient)) return problem;
    await this.catchUp();
    return this.recipientProblem(recipient);
  }

  /** Why a message cannot be addressed to `recipient`, or null when it can; names a retired role's successor. */
  recipientProblem(recipient: string): string | null {
    const node = nodeOf(recipient);
    if (!node) return 'must be an address <node>/<organisation>/<role>';
    if (node === this.node) return 'is an address of this node; handovers go to partner nodes';
    if (!this.partners.has(node)) return `names node ${node}, which is not a configured partner`;
    const view = this.partnerViews.get(node);
    if (!view) return `node ${node} has not published its directory to this node yet; try again once it has`;
    const retired = view.retired.get(recipient);
    if (retired) return `was deactivated by ${node}; its successor is ${retired.successor}`;
    if (!view.roles.has(recipient)) return `is not in the directory ${node} published (version ${view.body.version})`;
    return null;
  }
}
