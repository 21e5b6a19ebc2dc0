import { NodeKeys, generateNodeKeys } from '@trm/wire';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool, PoolClient } from 'pg';
import { parse, stringify } from 'yaml';
import { DEFAULT_AGREEMENT, quietNotifications, NodeConfig, TlsConfig } from '../../../gateway/src/config/node-config';
import { Directory } from '../../../gateway/src/config/directory';
import { defaultConsoleRoot } from '../../../gateway/src/config/load-config';
import { parseDatabaseUrl } from '../../../gateway/src/config/database-url';
import { sessionClient } from '../../../gateway/src/database/session-client';
import { repoRoot } from '../paths';
import { applyTopology, removeTopology } from '../topology/apply';
import { LocalIssuer, TokenClaims, audienceOf, createIssuer, mintToken } from '../tokens';

export interface ScratchOptions {
  /** First part of every vhost, schema and broker user name: `t` for tests, `bench` for the benchmark. */
  prefix?: string;
  databaseUrl?: string;
  amqpHost?: string;
  /** `host:port` of each member of a broker cluster, instead of `amqpHost`: every node and link lists them all. */
  amqpHosts?: string[];
  managementUrl?: string;
  /** Adjust a node's configuration before its topology is applied. */
  tune?: (config: NodeConfig) => void;
}

export interface ScratchNode {
  id: string;
  config: NodeConfig;
  keys: NodeKeys;
  /** AMQP URL of the node's own vhost, with the gateway's own account (on the first member of a cluster). */
  amqpUrl: string;
}

/**
 * Throw-away national nodes on the local broker and database: one virtual host and one schema per node, fresh keys,
 * random link passwords, partner accounts with the profile's permissions. Every name carries a random run id, so
 * several networks can live side by side; `destroy` removes all of it.
 */
export class ScratchNetwork {
  readonly run = randomBytes(4).toString('hex');
  readonly nodes = new Map<string, ScratchNode>();
  readonly databaseUrl: string;
  /** Issues the bearer tokens every node of the network accepts. */
  issuer!: LocalIssuer;
  /** For `sql` and `destroy`; created on first use, ended by `destroy`. */
  private pool?: Pool;
  /** The search_path each pooled connection was last given. */
  private readonly searchPaths = new WeakMap<PoolClient, string>();

  protected constructor(
    readonly prefix: string,
    databaseUrl: string,
  ) {
    this.databaseUrl = databaseUrl;
  }

  static async create(ids: string[], options: ScratchOptions = {}): Promise<ScratchNetwork> {
    const network = new ScratchNetwork(options.prefix ?? 't', options.databaseUrl ?? DEFAULT_DATABASE_URL);
    await network.populate(ids, options);
    return network;
  }

  protected async populate(ids: string[], options: ScratchOptions): Promise<void> {
    this.issuer = await createIssuer();
    const amqpHosts = options.amqpHosts ?? [options.amqpHost ?? DEFAULT_AMQP_HOST];
    const managementUrl = options.managementUrl ?? DEFAULT_MANAGEMENT_URL;
    // Keys valid from a year ago, so messages dated in the past can be signed.
    const keys = new Map(ids.map((id) => [id, generateNodeKeys(id, { now: new Date(Date.now() - 365 * 86_400_000) })]));
    const passwords = new Map<string, string>();
    for (const a of ids) for (const b of ids) if (a !== b) passwords.set(`${a}>${b}`, randomBytes(18).toString('base64url'));

    for (const id of ids) {
      const config: NodeConfig = {
        node: id,
        timeZone: 'UTC',
        http: { host: '127.0.0.1', port: 0 },
        database: { url: this.databaseUrl, schema: this.schema(id), poolSize: 5 },
        broker: {
          urls: amqpHosts.map((host) => `amqp://guest:guest@${host}/${this.vhost(id)}`),
          managementUrl,
          queue: 'trm.node',
          prefetch: 400,
          maxDeliveryAttempts: 5,
          stallTimeoutMs: 60_000,
        },
        privateJwks: keys.get(id)!.privateJwks,
        directory: sampleDirectory(id),
        partners: ids
          .filter((p) => p !== id)
          .map((p) => ({
            node: p,
            endpoints: amqpHosts.map((host) => `amqp://${this.user(id, p)}:${passwords.get(`${id}>${p}`)}@${host}/${this.vhost(p)}`),
            trustAnchor: keys.get(p)!.publicJwks,
            inbound: { username: this.user(p, id), password: passwords.get(`${p}>${id}`)! },
            agreement: { ...DEFAULT_AGREEMENT },
            timeZone: 'UTC',
          })),
        timers: { receiptTimeoutMs: 300_000, resendMaxIntervalMs: 3_600_000, publishRetryMaxMs: 2_000, giveUpAfterMs: 7 * 86_400_000 },
        relay: { batchSize: 200, pollIntervalMs: 200, concurrency: 4 },
        registry: { endpoint: `amqp://${amqpHosts[0]}/${this.vhost(id)}`, unconfirmedAfterMs: 180 * 86_400_000 },
        deadlines: { checkIntervalMs: 1_000 },
        retention: { sealedAfterEndMs: 30 * 86_400_000, caseDataAfterEndMs: 1825 * 86_400_000, messageLogMs: 730 * 86_400_000, checkIntervalMs: 86_400_000 },
        auth: {
          issuer: this.issuer.issuer,
          audience: audienceOf(id),
          jwks: this.issuer.publicJwks,
          maxTokenLifetimeMs: 12 * 3_600_000,
          maxFailures: 20,
          failureWindowMs: 60_000,
        },
        console: { clientId: `trm-console-${id}`, authority: this.issuer.issuer, scope: 'openid profile', root: defaultConsoleRoot() },
        notifications: { ...quietNotifications('http://127.0.0.1/'), pollIntervalMs: 200, retry: { firstMs: 200, maxMs: 2_000, giveUpAfterMs: 86_400_000 } },
      };
      options.tune?.(config);
      this.nodes.set(id, { id, config, keys: keys.get(id)!, amqpUrl: config.broker.urls[0] });
    }
    for (const node of this.nodes.values()) await applyTopology(node.config);
  }

  vhost(id: string): string {
    return `${this.prefix}-${this.run}-${id.toLowerCase()}`;
  }

  schema(id: string): string {
    return `${this.prefix}_${this.run}_${id.toLowerCase().replace(/-/g, '_')}`;
  }

  /** The broker account `from` publishes with on `to`'s vhost. */
  user(from: string, to: string): string {
    return `${this.prefix}-${this.run}-${from}-to-${to}`;
  }

  node(id: string): ScratchNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no node ${id} in this network`);
    return node;
  }

  /** A bearer token for node `id`; by default a coordinator acting for the node itself. */
  token(id: string, claims: Partial<Omit<TokenClaims, 'node'>> = {}): Promise<string> {
    return mintToken(this.issuer, { subject: 'svc-scratch', roles: ['coordinator'], ...claims, node: id });
  }

  /** Runs SQL in a node's schema. */
  async sql<T = Record<string, unknown>>(id: string, text: string, params: unknown[] = []): Promise<T[]> {
    const client = await this.connection();
    let failed: Error | undefined;
    try {
      const schema = this.schema(id);
      if (this.searchPaths.get(client) !== schema) {
        await client.query(`SET search_path TO "${schema}"`);
        this.searchPaths.set(client, schema);
      }
      return (await client.query(text, params)).rows as T[];
    } catch (err) {
      failed = err as Error;
      throw err;
    } finally {
      client.release(failed); // a connection whose query failed is dropped, whatever state it was left in
    }
  }

  private connection(): Promise<PoolClient> {
    if (!this.pool) {
      // allowExitOnIdle: a network nobody destroys does not keep the process alive.
      // The gateway's client, so that the URL may list several hosts (a test's primary and standby) as a node's may.
      const targets = parseDatabaseUrl(this.databaseUrl);
      this.pool = new Pool({ connectionString: targets.hosts[0].url, Client: sessionClient(targets), max: 2, allowExitOnIdle: true });
      this.pool.on('error', () => undefined); // an idle connection dropped by the server; the next query reconnects
    }
    return this.pool.connect();
  }

  /**
   * Writes a node's configuration as the files an operator would have (node YAML, private JWKS, directory, trust
   * anchors), so the node can run as its own gateway process. Returns the node YAML's path.
   */
  writeNodeFiles(id: string, dir: string, port: number): string {
    mkdirSync(dir, { recursive: true });
    const c = this.node(id).config;
    const file = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };
    const tlsFiles = (tls: TlsConfig | undefined, name: string) =>
      tls && {
        tls: {
          ca: file(`${name}.ca.crt`, tls.ca),
          ...(tls.cert && tls.key ? { cert: file(`${name}.crt`, tls.cert), key: file(`${name}.key`, tls.key) } : {}),
          ...(tls.serverName ? { serverName: tls.serverName } : {}),
          externalAuth: tls.externalAuth,
        },
      };
    return file(
      `${c.node}.yaml`,
      stringify({
        node: c.node,
        timeZone: c.timeZone,
        http: { host: c.http.host, port },
        database: c.database,
        broker: {
          ...(c.broker.urls.length === 1 ? { url: c.broker.urls[0] } : { urls: c.broker.urls }),
          managementUrl: c.broker.managementUrl,
          queue: c.broker.queue,
          prefetch: c.broker.prefetch,
          maxDeliveryAttempts: c.broker.maxDeliveryAttempts,
          stallTimeout: c.broker.stallTimeoutMs,
          ...tlsFiles(c.broker.tls, `${c.node}.broker`),
          ...(c.broker.allowPlainAmqp ? { allowPlainAmqp: true } : {}),
        },
        keys: file(`${c.node}.private.jwks.json`, JSON.stringify(c.privateJwks)),
        directory: file(`${c.node}.directory.yaml`, stringify(c.directory)),
        partners: c.partners.map((p) => ({
          node: p.node,
          ...(p.endpoints.length === 1 ? { endpoint: p.endpoints[0] } : { endpoints: p.endpoints }),
          ...tlsFiles(p.tls, `${c.node}.link.${p.node}`),
          trustAnchor: file(`${c.node}.trust.${p.node}.jwks.json`, JSON.stringify(p.trustAnchor)),
          inbound: p.inbound.externalAuth ? { username: p.inbound.username, externalAuth: true } : p.inbound,
          agreement: {
            acceptance: p.agreement.acceptanceMs,
            arrivalGrace: p.agreement.arrivalGraceMs,
            followupEvery: p.agreement.followupEveryMs,
            followupSenderGrace: p.agreement.followupSenderGraceMs,
          },
          timeZone: p.timeZone,
        })),
        timers: {
          receiptTimeout: c.timers.receiptTimeoutMs,
          resendMaxInterval: c.timers.resendMaxIntervalMs,
          publishRetryMax: c.timers.publishRetryMaxMs,
          giveUpAfter: c.timers.giveUpAfterMs,
        },
        relay: { batchSize: c.relay.batchSize, pollInterval: c.relay.pollIntervalMs, concurrency: c.relay.concurrency },
        registry: { endpoint: c.registry.endpoint, unconfirmedAfter: c.registry.unconfirmedAfterMs },
        deadlines: { checkInterval: c.deadlines.checkIntervalMs },
        retention: {
          sealedAfterEnd: c.retention.sealedAfterEndMs,
          caseDataAfterEnd: c.retention.caseDataAfterEndMs,
          messageLog: c.retention.messageLogMs,
          checkInterval: c.retention.checkIntervalMs,
        },
        auth: {
          issuer: c.auth.issuer,
          audience: c.auth.audience,
          jwks: file(`${c.node}.auth.jwks.json`, JSON.stringify(c.auth.jwks)),
          maxTokenLifetime: c.auth.maxTokenLifetimeMs,
          maxFailures: c.auth.maxFailures,
          failureWindow: c.auth.failureWindowMs,
        },
        // The authority defaults to the token issuer (not an http URL for the local issuer).
        console: {
          clientId: c.console.clientId,
          ...(c.console.authority === c.auth.issuer ? {} : { authority: c.console.authority }),
          scope: c.console.scope,
          root: c.console.root,
        },
      }),
    );
  }

  /** Removes the nodes' vhosts, partner accounts and schemas. */
  async destroy(): Promise<void> {
    for (const node of this.nodes.values()) await removeTopology(node.config).catch(() => undefined);
    const client = await this.connection();
    try {
      for (const id of this.nodes.keys()) await client.query(`DROP SCHEMA IF EXISTS "${this.schema(id)}" CASCADE`);
    } finally {
      client.release();
      const pool = this.pool;
      this.pool = undefined;
      await pool?.end();
    }
  }
}

/** The local services the demo, the bench and the tests use unless told otherwise. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_AMQP_HOST = '127.0.0.1:5672';
export const DEFAULT_MANAGEMENT_URL = 'http://guest:guest@127.0.0.1:15672';

/** The shipped directory of a node when there is one, otherwise a minimal one. */
export function sampleDirectory(id: string): Directory {
  try {
    return parse(readFileSync(join(repoRoot(), 'config', 'directory', `${id}.yaml`), 'utf8')) as Directory;
  } catch {
    return {
      node: id,
      coordinator: `${id}/coordination/intake`,
      organisations: [
        {
          slug: 'coordination',
          name: `National coordination of ${id} (sample)`,
          kind: 'government',
          roles: [
            {
              slug: 'intake',
              title: 'Intake',
              purposes: ['return', 'referral', 'assistance'],
              ageGroups: ['adult', 'child', 'unknown'],
              languages: ['en'],
              status: 'active',
            },
          ],
        },
      ],
    };
  }
}
