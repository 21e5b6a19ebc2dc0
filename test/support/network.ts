import { INestApplication, LogLevel } from '@nestjs/common';
import { Jwks, NodeKeys, generateNodeKeys } from '@trm/wire';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse, stringify } from 'yaml';
import { applyTopology, removeTopology } from '../../apps/trmctl/src/topology/apply';
import { Clock, SystemClock } from '../../apps/gateway/src/clock/clock';
import { NodeConfig } from '../../apps/gateway/src/config/node-config';
import { startGateway } from '../../apps/gateway/src/gateway';
import { Directory } from '../../apps/gateway/src/registry/directory';

export const DATABASE_URL = process.env.TRM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const AMQP_HOST = process.env.TRM_TEST_AMQP_HOST ?? '127.0.0.1:5672';
export const MANAGEMENT_URL = process.env.TRM_TEST_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';

/** Gateway logs are off in tests; TRM_TEST_LOGS=1 shows them. */
const LOG_LEVELS: LogLevel[] | false = process.env.TRM_TEST_LOGS ? ['log', 'warn', 'error'] : false;

export interface TestNode {
  id: string;
  config: NodeConfig;
  keys: NodeKeys;
  clock: Clock;
  app: INestApplication | null;
  /** Base URL of the running node's HTTP API. */
  url: string;
  /** vhost-scoped AMQP URL with the node gateway's own (administrator) account. */
  amqpUrl: string;
}

/**
 * Several national nodes in one test run, sharing the local broker through one virtual host per node and the local
 * database through one schema per node. Names carry a random run id, so suites may run side by side.
 */
export class TestNetwork {
  readonly run = randomBytes(4).toString('hex');
  readonly nodes = new Map<string, TestNode>();

  static async create(ids: string[], options: { clocks?: Record<string, Clock>; tune?: (c: NodeConfig) => void } = {}) {
    const network = new TestNetwork();
    // Keys valid from a year ago, so tests may sign messages dated in the past.
    const keys = new Map(ids.map((id) => [id, generateNodeKeys(id, { now: new Date(Date.now() - 365 * 86_400_000) })]));
    const password = (from: string, to: string) => `pw-${network.run}-${from}-${to}-${randomBytes(6).toString('hex')}`;
    const passwords = new Map<string, string>();
    for (const a of ids) for (const b of ids) if (a !== b) passwords.set(`${a}>${b}`, password(a, b));

    for (const id of ids) {
      const config: NodeConfig = {
        node: id,
        http: { host: '127.0.0.1', port: 0 },
        database: { url: DATABASE_URL, schema: network.schema(id), poolSize: 5 },
        broker: {
          url: `amqp://guest:guest@${AMQP_HOST}/${network.vhost(id)}`,
          managementUrl: MANAGEMENT_URL,
          queue: 'trm.node',
          prefetch: 400,
        },
        privateJwks: keys.get(id)!.privateJwks,
        directory: sampleDirectory(id),
        partners: ids
          .filter((p) => p !== id)
          .map((p) => ({
            node: p,
            endpoint: `amqp://${network.user(id, p)}:${passwords.get(`${id}>${p}`)}@${AMQP_HOST}/${network.vhost(p)}`,
            trustAnchor: keys.get(p)!.publicJwks,
            inbound: { username: network.user(p, id), password: passwords.get(`${p}>${id}`)! },
          })),
        timers: { receiptTimeoutMs: 300_000, resendMaxIntervalMs: 3_600_000, publishRetryMaxMs: 2_000, giveUpAfterMs: 7 * 86_400_000 },
        relay: { batchSize: 200, pollIntervalMs: 200 },
      };
      options.tune?.(config);
      network.nodes.set(id, {
        id,
        config,
        keys: keys.get(id)!,
        clock: options.clocks?.[id] ?? new SystemClock(),
        app: null,
        url: '',
        amqpUrl: config.broker.url,
      });
    }
    for (const node of network.nodes.values()) await applyTopology(node.config);
    return network;
  }

  vhost(id: string): string {
    return `t-${this.run}-${id.toLowerCase()}`;
  }

  schema(id: string): string {
    return `t_${this.run}_${id.toLowerCase().replace(/-/g, '_')}`;
  }

  /** The broker account `from` publishes with on `to`'s vhost. */
  user(from: string, to: string): string {
    return `t-${this.run}-${from}-to-${to}`;
  }

  node(id: string): TestNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no node ${id} in this network`);
    return node;
  }

  async start(id: string): Promise<TestNode> {
    const node = this.node(id);
    if (node.app) return node;
    node.app = await startGateway(node.config, { clock: node.clock, logger: LOG_LEVELS });
    node.url = (await node.app.getUrl()).replace('[::1]', '127.0.0.1');
    return node;
  }

  async stop(id: string): Promise<void> {
    const node = this.node(id);
    const app = node.app;
    node.app = null;
    await app?.close();
  }

  /** Runs SQL in a node's schema. */
  async sql<T = Record<string, unknown>>(id: string, text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${this.schema(id)}` });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async close(): Promise<void> {
    for (const id of this.nodes.keys()) await this.stop(id);
    for (const node of this.nodes.values()) await removeTopology(node.config).catch(() => undefined);
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      for (const id of this.nodes.keys()) await client.query(`DROP SCHEMA IF EXISTS "${this.schema(id)}" CASCADE`);
    } finally {
      await client.end();
    }
  }
}

/** The shipped directory of a node when there is one, otherwise a minimal one. */
export function sampleDirectory(id: string): Directory {
  try {
    return parse(readFileSync(join(__dirname, '../../config/directory', `${id}.yaml`), 'utf8')) as Directory;
  } catch {
    return {
      node: id,
      organisations: [
        {
          slug: 'coordination',
          name: `National coordination of ${id} (sample)`,
          kind: 'government',
          roles: [{ slug: 'intake', title: 'Intake', purposes: ['return', 'referral', 'assistance'], ageGroups: ['adult', 'child', 'unknown'], languages: ['en'], status: 'active' }],
        },
      ],
    };
  }
}

export type { Jwks };

/**
 * Writes a node's configuration as the files an operator would have (node YAML, private JWKS, directory, trust
 * anchors) so the node can run as a separate gateway process. Returns the node YAML's path.
 */
export function writeNodeFiles(node: TestNode, dir: string, port: number): string {
  mkdirSync(dir, { recursive: true });
  const c = node.config;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const yaml = stringify({
    node: c.node,
    http: { host: c.http.host, port },
    database: c.database,
    broker: c.broker,
    keys: file(`${c.node}.private.jwks.json`, JSON.stringify(c.privateJwks)),
    directory: file(`${c.node}.directory.yaml`, stringify(c.directory)),
    partners: c.partners.map((p) => ({
      node: p.node,
      endpoint: p.endpoint,
      trustAnchor: file(`${c.node}.trust.${p.node}.jwks.json`, JSON.stringify(p.trustAnchor)),
      inbound: p.inbound,
    })),
    timers: {
      receiptTimeout: c.timers.receiptTimeoutMs,
      resendMaxInterval: c.timers.resendMaxIntervalMs,
      publishRetryMax: c.timers.publishRetryMaxMs,
      giveUpAfter: c.timers.giveUpAfterMs,
    },
    relay: { batchSize: c.relay.batchSize, pollInterval: c.relay.pollIntervalMs },
  });
  return file(`${c.node}.yaml`, yaml);
}
