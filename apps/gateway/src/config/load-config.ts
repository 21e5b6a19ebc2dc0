import { Jwks, isNodeId, jwksProblems } from '@trm/wire';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { Directory, directoryProblems } from '../registry/directory';
import { NodeConfig, PartnerConfig } from './node-config';

/** Problems found while reading a node configuration, each naming the file and the key. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const DURATION = /^(\d+)\s*(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const DEFAULTS = {
  http: { host: '127.0.0.1', port: 3000 },
  database: { poolSize: 10 },
  broker: { queue: 'trm.node', prefetch: 400 },
  timers: { receiptTimeout: '5m', resendMaxInterval: '1h', publishRetryMax: '1m', giveUpAfter: '7d' },
  relay: { batchSize: 200, pollInterval: '1s', concurrency: 4 },
  registry: { unconfirmedAfter: '180d' },
  deadlines: { checkInterval: '30s' },
  retention: { sealedAfterEnd: '30d', caseDataAfterEnd: '1825d', messageLog: '730d', checkInterval: '1d' },
  agreement: { acceptance: '48h', arrivalGrace: '2d', followupEvery: '90d', followupSenderGrace: '14d' },
};

/**
 * Reads `config/nodes/<node>.yaml`. String values may name environment variables as `${NAME}` or `${NAME:-default}`
 * (secrets never live in the file). Paths are relative to the file: the node's private JWKS (`keys`), its
 * directory (`directory`) and each partner's trust anchor (`partners[].trustAnchor`).
 */
export function loadNodeConfig(file: string, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const path = resolve(file);
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = interpolate(parse(readFileSync(path, 'utf8')), env, problems, '');
  } catch (err) {
    throw new ConfigError(path, [`cannot read: ${(err as Error).message}`]);
  }
  if (problems.length) throw new ConfigError(path, problems);
  const doc = (raw ?? {}) as Record<string, any>;
  const base = dirname(path);
  const need = <T>(value: T | undefined, key: string, what: string): T => {
    if (value === undefined || value === null || value === '') problems.push(`${key} is required (${what})`);
    return value as T;
  };
  const duration = (value: unknown, key: string): number => {
    if (typeof value === 'number' && value >= 0) return value;
    const m = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
    if (!m) {
      problems.push(`${key} must be a duration such as 500ms, 30s, 5m, 48h or 7d`);
      return 0;
    }
    return Number(m[1]) * UNIT_MS[m[2]];
  };
  const integer = (value: unknown, key: string, min: number): number => {
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) problems.push(`${key} must be an integer of at least ${min}`);
    return n as number;
  };
  const readJson = <T>(rel: string, key: string): T => {
    try {
      return JSON.parse(readFileSync(resolve(base, rel), 'utf8')) as T;
    } catch (err) {
      problems.push(`${key}: cannot read ${resolve(base, rel)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return undefined as T;
    }
  };

  const node = need<string>(doc.node, 'node', 'this node id, e.g. AT');
  if (node && !isNodeId(node)) problems.push('node must match ^[A-Z]{2}(-[A-Z0-9]{1,16})?$');
  const http = { ...DEFAULTS.http, ...doc.http };
  const database = { ...DEFAULTS.database, ...doc.database };
  const broker = { ...DEFAULTS.broker, ...doc.broker };
  const timers = { ...DEFAULTS.timers, ...doc.timers };
  const relay = { ...DEFAULTS.relay, ...doc.relay };
  const registry = { ...DEFAULTS.registry, ...doc.registry };
  const deadlines = { ...DEFAULTS.deadlines, ...doc.deadlines };
  const retention = section(doc.retention, 'retention', DEFAULTS.retention, problems);
  const auth = doc.auth ?? {};
  need(auth.issuer, 'auth.issuer', 'the iss of the bearer tokens the API accepts');
  need(auth.audience, 'auth.audience', 'the aud the tokens must carry for this node');
  if (!auth.jwks && !auth.jwksUrl) problems.push("auth.jwks (a JWKS file) or auth.jwksUrl is required: the identity provider's public keys");
  const authJwks = auth.jwks ? readJson<{ keys: Array<Record<string, unknown>> }>(auth.jwks, 'auth.jwks') : undefined;
  if (authJwks && (!Array.isArray(authJwks.keys) || authJwks.keys.some((k) => 'd' in k))) problems.push('auth.jwks must be a JWKS of public keys');

  const keysFile = need<string>(doc.keys, 'keys', "path of this node's private JWKS; create it with trmctl keys generate");
  const privateJwks = keysFile ? readJson<Jwks>(keysFile, 'keys') : undefined;
  if (privateJwks) {
    problems.push(...jwksProblems(privateJwks, node).map((p) => `keys: ${p}`));
    if (privateJwks.keys?.some((k) => !k.d)) problems.push('keys: every key needs its private part (d)');
  }

  const directoryFile = need<string>(doc.directory, 'directory', "path of this node's directory of contact points");
  const directory = directoryFile ? readYaml<Directory>(resolve(base, directoryFile), problems, 'directory') : undefined;
  if (directory) problems.push(...directoryProblems(directory, node).map((p) => `directory: ${p}`));

  const partners: PartnerConfig[] = (Array.isArray(doc.partners) ? doc.partners : []).map((p: any, i: number) => {
    const key = `partners[${i}]`;
    if (!isNodeId(p?.node)) problems.push(`${key}.node must be a node id`);
    need(p?.endpoint, `${key}.endpoint`, "AMQP URL of the partner's broker with the credentials it gave us");
    need(p?.inbound?.username, `${key}.inbound.username`, 'the account the partner publishes with on our broker');
    need(p?.inbound?.password, `${key}.inbound.password`, 'its password, from an environment variable');
    const anchorFile = need<string>(p?.trustAnchor, `${key}.trustAnchor`, "path of the partner's public JWKS");
    const trustAnchor = anchorFile ? readJson<Jwks>(anchorFile, `${key}.trustAnchor`) : undefined;
    if (trustAnchor) {
      problems.push(...jwksProblems(trustAnchor, p.node).map((x) => `${key}.trustAnchor: ${x}`));
      if (trustAnchor.keys?.some((k) => k.d)) problems.push(`${key}.trustAnchor must hold public keys only`);
    }
    const agreement = { ...DEFAULTS.agreement, ...p?.agreement };
    return {
      node: p?.node,
      endpoint: p?.endpoint,
      trustAnchor: trustAnchor as Jwks,
      inbound: { username: p?.inbound?.username, password: p?.inbound?.password },
      agreement: {
        acceptanceMs: duration(agreement.acceptance, `${key}.agreement.acceptance`),
        arrivalGraceMs: duration(agreement.arrivalGrace, `${key}.agreement.arrivalGrace`),
        followupEveryMs: duration(agreement.followupEvery, `${key}.agreement.followupEvery`),
        followupSenderGraceMs: duration(agreement.followupSenderGrace, `${key}.agreement.followupSenderGrace`),
      },
    };
  });

  const config: NodeConfig = {
    node,
    http: { host: String(http.host), port: integer(http.port, 'http.port', 0) },
    database: {
      url: need(database.url, 'database.url', 'PostgreSQL URL'),
      schema: need(database.schema, 'database.schema', "the node's own schema"),
      poolSize: integer(database.poolSize, 'database.poolSize', 1),
    },
    broker: {
      url: need(broker.url, 'broker.url', "AMQP URL of this node's own virtual host"),
      managementUrl: broker.managementUrl ?? '',
      queue: String(broker.queue),
      prefetch: integer(broker.prefetch, 'broker.prefetch', 1),
    },
    privateJwks: privateJwks as Jwks,
    directory: directory as Directory,
    partners,
    timers: {
      receiptTimeoutMs: duration(timers.receiptTimeout, 'timers.receiptTimeout'),
      resendMaxIntervalMs: duration(timers.resendMaxInterval, 'timers.resendMaxInterval'),
      publishRetryMaxMs: duration(timers.publishRetryMax, 'timers.publishRetryMax'),
      giveUpAfterMs: duration(timers.giveUpAfter, 'timers.giveUpAfter'),
    },
    relay: {
      batchSize: integer(relay.batchSize, 'relay.batchSize', 1),
      pollIntervalMs: duration(relay.pollInterval, 'relay.pollInterval'),
      concurrency: integer(relay.concurrency, 'relay.concurrency', 1),
    },
    deadlines: { checkIntervalMs: duration(deadlines.checkInterval, 'deadlines.checkInterval') },
    retention: {
      sealedAfterEndMs: duration(retention.sealedAfterEnd, 'retention.sealedAfterEnd'),
      caseDataAfterEndMs: duration(retention.caseDataAfterEnd, 'retention.caseDataAfterEnd'),
      messageLogMs: duration(retention.messageLog, 'retention.messageLog'),
      checkIntervalMs: duration(retention.checkInterval, 'retention.checkInterval'),
    },
    auth: { issuer: String(auth.issuer), audience: String(auth.audience), ...(authJwks ? { jwks: authJwks } : { jwksUrl: String(auth.jwksUrl) }) },
    registry: {
      endpoint: registry.endpoint ?? publicEndpoint(broker.url),
      unconfirmedAfterMs: duration(registry.unconfirmedAfter, 'registry.unconfirmedAfter'),
    },
  };
  if (config.retention.checkIntervalMs <= 0 && !problems.some((p) => p.startsWith('retention.checkInterval'))) {
    problems.push('retention.checkInterval must be longer than 0');
  }
  if (problems.length) throw new ConfigError(path, problems);
  return config;
}

/**
 * A section of the file whose keys are all known (given in `defaults`), over its defaults. A key the section does not
 * know (a typo would otherwise silently leave the default in force) or a section that is not a mapping is a problem.
 */
function section<T extends Record<string, unknown>>(value: unknown, key: string, defaults: T, problems: string[]): T {
  if (value === undefined || value === null) return { ...defaults };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${key} must be a mapping of ${Object.keys(defaults).join(', ')}`);
    return { ...defaults };
  }
  for (const k of Object.keys(value)) {
    if (!(k in defaults)) problems.push(`${key}.${k} is not a known key (known: ${Object.keys(defaults).join(', ')})`);
  }
  return { ...defaults, ...(value as Partial<T>) };
}

/** The broker URL without its credentials: what partners are told to connect to. */
export function publicEndpoint(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '';
  }
}

export function readYaml<T>(path: string, problems: string[], key: string): T | undefined {
  try {
    return parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    problems.push(`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return undefined;
  }
}

const VARIABLE = /\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g;

function interpolate(value: unknown, env: NodeJS.ProcessEnv, problems: string[], key: string): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (_, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      problems.push(`${key || '(root)'} needs the environment variable ${name}`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, problems, `${key}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, problems, key ? `${key}.${k}` : k)]),
    );
  }
  return value;
}
