import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import { parse } from 'yaml';
import type { NodeConfig, PartnerConfig } from '../../../gateway/src/config/node-config';

/** The fields of a node configuration the broker topology depends on; a full `NodeConfig` fits. */
export interface TopologyConfig {
  node: NodeConfig['node'];
  broker: Pick<NodeConfig['broker'], 'urls' | 'managementUrl' | 'queue'>;
  partners: ReadonlyArray<{ inbound: PartnerConfig['inbound'] }>;
}

/** Placeholder in topology.yaml for the node's own queue (`broker.queue`). */
export const QUEUE_PLACEHOLDER = '{queue}';
export const HASHING_ALGORITHM = 'rabbit_password_hashing_sha256';

export type QueueArgument = string | number | boolean;

export interface ExchangeSpec {
  name: string;
  type: 'topic' | 'fanout' | 'direct' | 'headers';
  durable: boolean;
}

export interface QueueSpec {
  name: string;
  durable: boolean;
  arguments: Record<string, QueueArgument>;
}

export interface BindingSpec {
  source: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  routing_key: string;
}

export interface PermissionSpec {
  configure: string;
  write: string;
  read: string;
}

/** deploy/rabbitmq/topology.yaml, checked. */
export interface Topology {
  exchanges: ExchangeSpec[];
  queues: QueueSpec[];
  bindings: BindingSpec[];
  partnerPermissions: PermissionSpec;
  gatewayPermissions: PermissionSpec;
}

// The JSON format of the management API's /api/definitions.
export interface ExchangeDefinition extends ExchangeSpec {
  vhost: string;
  auto_delete: false;
  internal: false;
  arguments: Record<string, QueueArgument>;
}

export interface QueueDefinition extends QueueSpec {
  vhost: string;
  auto_delete: false;
}

export interface BindingDefinition extends BindingSpec {
  vhost: string;
  arguments: Record<string, QueueArgument>;
}

export interface UserDefinition {
  name: string;
  password_hash: string;
  hashing_algorithm: typeof HASHING_ALGORITHM;
  tags: string[];
}

export interface PermissionDefinition extends PermissionSpec {
  user: string;
  vhost: string;
}

export interface Definitions {
  users: UserDefinition[];
  vhosts: Array<{ name: string }>;
  permissions: PermissionDefinition[];
  exchanges: ExchangeDefinition[];
  queues: QueueDefinition[];
  bindings: BindingDefinition[];
}

/** Everything one node's broker needs: the definitions document, plus the gateway's own access. */
export interface NodeTopology {
  vhost: string;
  definitions: Definitions;
  /** Granted only if the gateway's account has no permissions on the vhost yet. */
  gatewayAccess: PermissionDefinition;
}

/** The broker user and virtual host of an AMQP URL; the vhost is the URL-decoded path, `/` when empty. */
export function brokerTarget(url: string): { vhost: string; user: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('broker.url is not a valid URL'); // the URL holds credentials: never echo it
  }
  const vhost = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '/';
  return { vhost, user: decodeURIComponent(parsed.username) || 'guest' };
}

/** rabbit_password_hashing_sha256: base64(salt + sha256(salt + utf8(password))) with a 4-byte salt. */
export function hashPassword(password: string, salt: Buffer): string {
  if (salt.length !== 4) throw new Error('the password salt must be 4 bytes');
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/** Parses and checks topology.yaml; unknown or missing fields are errors. */
export function parseTopology(text: string): Topology {
  const doc = record(parse(text), 'topology');
  only(doc, ['exchanges', 'queues', 'bindings', 'partnerPermissions', 'gatewayPermissions'], 'topology');
  return {
    exchanges: list(doc.exchanges, 'exchanges').map((item, i) => {
      const at = `exchanges[${i}]`;
      const e = record(item, at);
      only(e, ['name', 'type', 'durable'], at);
      const type = str(e.type, `${at}.type`);
      if (!['topic', 'fanout', 'direct', 'headers'].includes(type)) throw new Error(`${at}.type: unknown exchange type "${type}"`);
      return { name: str(e.name, `${at}.name`), type: type as ExchangeSpec['type'], durable: bool(e.durable, `${at}.durable`) };
    }),
    queues: list(doc.queues, 'queues').map((item, i) => {
      const at = `queues[${i}]`;
      const q = record(item, at);
      only(q, ['name', 'durable', 'arguments'], at);
      const args = record(q.arguments ?? {}, `${at}.arguments`);
      for (const [key, value] of Object.entries(args)) {
        if (!['string', 'number', 'boolean'].includes(typeof value)) throw new Error(`${at}.arguments.${key}: must be a scalar`);
      }
      return { name: str(q.name, `${at}.name`), durable: bool(q.durable, `${at}.durable`), arguments: args as Record<string, QueueArgument> };
    }),
    bindings: list(doc.bindings, 'bindings').map((item, i) => {
      const at = `bindings[${i}]`;
      const b = record(item, at);
      only(b, ['source', 'destination', 'destination_type', 'routing_key'], at);
      const destinationType = str(b.destination_type, `${at}.destination_type`);
      if (destinationType !== 'queue' && destinationType !== 'exchange') throw new Error(`${at}.destination_type: must be queue or exchange`);
      return {
        source: str(b.source, `${at}.source`),
        destination: str(b.destination, `${at}.destination`),
        destination_type: destinationType,
        routing_key: str(b.routing_key, `${at}.routing_key`, true),
      };
    }),
    partnerPermissions: permissions(doc.partnerPermissions, 'partnerPermissions'),
    gatewayPermissions: permissions(doc.gatewayPermissions, 'gatewayPermissions'),
  };
}

/**
 * Renders the topology for one node: vhost, exchanges, queues and bindings, one user per partner
 * (no tags, salted SHA-256 password hash) with the partner permissions. Pure apart from the salt source. A partner
 * that logs in with its client certificate (`inbound.externalAuth`, SASL EXTERNAL) gets a user without a password.
 */
export function buildDefinitions(topology: Topology, config: TopologyConfig, randomBytes: (size: number) => Buffer = cryptoRandomBytes): NodeTopology {
  const { vhost, user: gatewayUser } = brokerTarget(config.broker.urls[0]);
  const queue = config.broker.queue;
  if (!queue || queue.includes(QUEUE_PLACEHOLDER)) throw new Error('broker.queue must name the node queue');
  const named = (name: string): string => name.split(QUEUE_PLACEHOLDER).join(queue);

  const queueNames = topology.queues.map((q) => named(q.name));
  if (new Set(queueNames).size !== queueNames.length) throw new Error(`broker.queue "${queue}" collides with another queue of the topology`);

  const usernames = config.partners.map((p) => p.inbound.username);
  usernames.forEach((name, i) => {
    if (!name) throw new Error(`partners[${i}].inbound.username is empty`);
    if (!config.partners[i].inbound.password && !config.partners[i].inbound.externalAuth) throw new Error(`partners[${i}].inbound.password is empty`);
    if (name === gatewayUser) throw new Error(`partner user "${name}" is the gateway's own account`);
    if (usernames.indexOf(name) !== i) throw new Error(`partner user "${name}" appears twice`);
  });

  return {
    vhost,
    definitions: {
      users: config.partners.map(({ inbound }) => ({
        name: inbound.username,
        // An empty hash: no password can log in (RabbitMQ's way for certificate-only users).
        password_hash: inbound.externalAuth ? '' : hashPassword(inbound.password, randomBytes(4)),
        hashing_algorithm: HASHING_ALGORITHM,
        tags: [],
      })),
      vhosts: [{ name: vhost }],
      permissions: usernames.map((user) => ({ user, vhost, ...topology.partnerPermissions })),
      exchanges: topology.exchanges.map((e) => ({ ...e, vhost, auto_delete: false, internal: false, arguments: {} })),
      queues: topology.queues.map((q) => ({ ...q, name: named(q.name), vhost, auto_delete: false, arguments: { ...q.arguments } })),
      bindings: topology.bindings.map((b) => ({ ...b, destination: named(b.destination), vhost, arguments: {} })),
    },
    gatewayAccess: { user: gatewayUser, vhost, ...topology.gatewayPermissions },
  };
}

function permissions(value: unknown, at: string): PermissionSpec {
  const p = record(value, at);
  only(p, ['configure', 'write', 'read'], at);
  return {
    configure: str(p.configure, `${at}.configure`, true),
    write: str(p.write, `${at}.write`, true),
    read: str(p.read, `${at}.read`, true),
  };
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${at}: expected a mapping`);
  return value as Record<string, unknown>;
}

function list(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${at}: expected a list`);
  return value;
}

function only(value: Record<string, unknown>, keys: string[], at: string): void {
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length) throw new Error(`${at}: unknown field(s) ${unknown.join(', ')}`);
}

function str(value: unknown, at: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) throw new Error(`${at}: expected a${allowEmpty ? '' : ' non-empty'} string`);
  return value;
}

function bool(value: unknown, at: string): boolean {
  if (typeof value !== 'boolean') throw new Error(`${at}: expected true or false`);
  return value;
}
