/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access --
   the YAML is untyped input: each value is read by a checker below that names the key of anything out of place. */
import { Jwks, isAddress, isNodeId, jwksProblems, nodeOf, privateJwksProblems } from '@trm/wire';
import { KeyObject, X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { canonicalTimeZone } from '../clock/local-day';
import { databaseUrlProblem } from './database-url';
import { Directory, directoryProblems } from './directory';
import { NOTICE_TYPES, NodeConfig, NotificationsConfig, NoticeType, PartnerConfig, SmtpSecurity, TlsConfig, schemaNameProblem } from './node-config';

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

/** `500ms`, `30s`, `5m`, `48h` or `7d` in milliseconds; null for anything else. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]] : null;
}

/** The top-level keys of a node file. */
const TOP_LEVEL = [
  'node',
  'timeZone',
  'http',
  'database',
  'broker',
  'keys',
  'directory',
  'partners',
  'timers',
  'relay',
  'registry',
  'deadlines',
  'retention',
  'auth',
  'console',
  'notifications',
];

export const DEFAULTS = {
  timeZone: 'UTC',
  http: { host: '127.0.0.1', port: 3000 },
  database: { poolSize: 10 },
  broker: { queue: 'trm.node', prefetch: 400, maxDeliveryAttempts: 5, stallTimeout: '1m', allowPlainAmqp: false },
  timers: { receiptTimeout: '5m', resendMaxInterval: '1h', publishRetryMax: '1m', giveUpAfter: '7d' },
  relay: { batchSize: 200, pollInterval: '1s', concurrency: 4 },
  registry: { unconfirmedAfter: '180d' },
  deadlines: { checkInterval: '30s' },
  retention: { sealedAfterEnd: '30d', caseDataAfterEnd: '1825d', messageLog: '730d', checkInterval: '1d' },
  auth: { maxTokenLifetime: '12h', maxFailures: 20, failureWindow: '1m' },
  console: { scope: 'openid profile' },
  notifications: { deadlineWarning: '12h', pollInterval: '5s' },
  notificationRetry: { first: '30s', max: '1h', giveUpAfter: '3d' },
  smtp: { security: 'starttls', maxPerMailboxPerHour: 30 },
  agreement: { acceptance: '48h', arrivalGrace: '2d', followupEvery: '90d', followupSenderGrace: '14d' },
};

/**
 * Reads `config/nodes/<node>.yaml`. String values may name environment variables as `${NAME}` or `${NAME:-default}`
 * (secrets never live in the file). Paths are relative to the file: the node's private JWKS (`keys`), its
 * directory (`directory`), each partner's trust anchor (`partners[].trustAnchor`) and the PEM files of `broker.tls`
 * and `partners[].tls`.
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
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(path, [`must be a mapping of ${TOP_LEVEL.join(', ')}`]);
  }
  const doc = (raw ?? {}) as Record<string, any>;
  const base = dirname(path);
  const need = <T>(value: T | undefined, key: string, what: string): T => {
    if (value === undefined || value === null || value === '') problems.push(`${key} is required (${what})`);
    return value as T;
  };
  /** A duration of at least `min` ms (intervals use 1: a period of 0 would make their job spin). */
  const duration = (value: unknown, key: string, min = 0): number => {
    const ms = typeof value === 'number' ? (value >= 0 ? value : null) : typeof value === 'string' ? parseDuration(value) : null;
    if (ms === null) {
      problems.push(`${key} must be a duration such as 500ms, 30s, 5m, 48h or 7d`);
      return 0;
    }
    if (ms < min) problems.push(`${key} must be ${min === 1 ? 'longer than 0' : `at least ${min}ms`}`);
    return ms;
  };
  const timeZone = (value: unknown, key: string): string => {
    const zone = canonicalTimeZone(value ?? DEFAULTS.timeZone);
    if (!zone) problems.push(`${key} must be an IANA time zone such as Europe/Belgrade or UTC`);
    return zone ?? DEFAULTS.timeZone;
  };
  const integer = (value: unknown, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
      problems.push(`${key} must be an integer of at least ${min}${max < Number.MAX_SAFE_INTEGER ? ` and at most ${max}` : ''}`);
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
  for (const k of Object.keys(doc)) if (!TOP_LEVEL.includes(k)) problems.push(`${k} is not a known key (known: ${TOP_LEVEL.join(', ')})`);
  const http = section(doc.http, 'http', DEFAULTS.http, problems, ['tls', 'trustProxy']);
  const httpTls = readHttpTls(http.tls, base, problems);
  const trustProxy = readTrustProxy(http.trustProxy, problems);
  const database = section(doc.database, 'database', DEFAULTS.database, problems, ['url', 'schema']);
  const broker = section(doc.broker, 'broker', DEFAULTS.broker, problems, ['url', 'urls', 'managementUrl', 'tls']);
  const brokerUrls = brokerMembers(broker.url, broker.urls, 'broker.url', "AMQP URL of this node's own virtual host", problems);
  if (typeof broker.allowPlainAmqp !== 'boolean') problems.push('broker.allowPlainAmqp must be true or false');
  const allowPlainAmqp = broker.allowPlainAmqp === true;
  /**
   * `tls` of a broker link (see TlsConfig): PEM files read now, the key's mode checked, each member URL's scheme matched
   * (`urls` named `<urlKey>` for one, `<urlKey>s[i]` for the members of a cluster).
   */
  const readTls = (value: any, key: string, urls: string[], urlKey: string): TlsConfig | undefined => {
    // A member of a list that is not a URL at all was named by brokerMembers already.
    urls.forEach((url, i) => (urls.length === 1 || URL.canParse(url)) && schemeProblem(value, key, url, urls.length === 1 ? urlKey : `${urlKey}s[${i}]`));
    return value === undefined || value === null ? undefined : readTlsFiles(value, key);
  };
  const schemeProblem = (value: any, key: string, url: unknown, urlKey: string): void => {
    const scheme = amqpScheme(url);
    if (scheme === null) {
      if (url) problems.push(`${urlKey} must be an amqp:// or amqps:// URL`);
    } else if (scheme === 'amqp:' && value !== undefined && value !== null) {
      problems.push(`${key} is set but ${urlKey} is plain amqp://: use amqps:// for a link with TLS`);
    } else if (scheme === 'amqp:' && !allowPlainAmqp && !isLoopback(new URL(String(url)).hostname)) {
      problems.push(
        `${urlKey} is plain amqp:// to a broker off this machine: use amqps:// with ${key} (profile section 2), ` +
          'or set broker.allowPlainAmqp: true on a closed network',
      );
    } else if (scheme === 'amqps:' && (value === undefined || value === null)) {
      problems.push(
        `${urlKey} is amqps:// but ${key} is missing: ${key}.ca (the broker's CA, pinned) is required, with ${key}.cert and ${key}.key for mutual TLS`,
      );
    }
  };
  const readTlsFiles = (value: any, key: string): TlsConfig => {
    const t = section(value, key, { externalAuth: false }, problems, ['ca', 'cert', 'key', 'serverName']);
    const pem = (file: unknown, name: string, label: string, secret = false): string | null => {
      if (file === undefined || file === null || file === '') return null;
      if (typeof file !== 'string') {
        problems.push(`${key}.${name} must be the path of a PEM file`);
        return null;
      }
      const read = readConfigFile(base, file, `${key}.${name}`, problems);
      if (!read) return null;
      const { path, text } = read;
      if (!text.includes(`-----BEGIN ${label}`) && !(label === 'PRIVATE KEY' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)))
        problems.push(`${key}.${name}: ${path} holds no PEM ${label.toLowerCase()}`);
      const exposed = secret ? exposedFileProblem(path) : null;
      if (exposed) problems.push(`${key}.${name}: ${exposed}`);
      return text;
    };
    if (!t.ca) problems.push(`${key}.ca is required: the PEM file of the CA that issued the broker's certificate (pinned: the only CA trusted)`);
    const tls: TlsConfig = {
      ca: pem(t.ca, 'ca', 'CERTIFICATE') ?? '',
      cert: pem(t.cert, 'cert', 'CERTIFICATE'),
      key: pem(t.key, 'key', 'PRIVATE KEY', true),
      serverName: t.serverName === undefined || t.serverName === null ? null : String(t.serverName),
      externalAuth: t.externalAuth === true,
    };
    if (Boolean(t.cert) !== Boolean(t.key)) problems.push(`${key}.cert and ${key}.key go together (our client certificate and its private key)`);
    const path = (file: unknown) => resolve(base, String(file));
    problems.push(...tlsMaterialProblems(key, tls, { ca: path(t.ca), cert: path(t.cert), key: path(t.key) }));
    if (typeof t.externalAuth !== 'boolean') problems.push(`${key}.externalAuth must be true or false`);
    else if (t.externalAuth && !t.cert) problems.push(`${key}.externalAuth logs in with the client certificate: ${key}.cert and ${key}.key are required`);
    return tls;
  };
  const brokerTls = readTls(broker.tls, 'broker.tls', brokerUrls, 'broker.url');
  // The queue dead-letters by itself after its x-delivery-limit (deploy/rabbitmq/topology.yaml), without a receipt.
  if (Number(broker.maxDeliveryAttempts) > 20) problems.push("broker.maxDeliveryAttempts must be at most 20 (the queue's delivery limit)");
  const timers = section(doc.timers, 'timers', DEFAULTS.timers, problems);
  const relay = section(doc.relay, 'relay', DEFAULTS.relay, problems);
  const registry = section(doc.registry, 'registry', DEFAULTS.registry, problems, ['endpoint']);
  const deadlines = section(doc.deadlines, 'deadlines', DEFAULTS.deadlines, problems);
  const retention = section(doc.retention, 'retention', DEFAULTS.retention, problems);
  const schema = need<string>(database.schema, 'database.schema', "the node's own schema");
  const schemaProblem = schema ? schemaNameProblem(String(schema)) : null;
  if (schemaProblem) problems.push(schemaProblem);
  const urlProblem = typeof database.url === 'string' && database.url ? databaseUrlProblem(database.url) : null;
  if (urlProblem) problems.push(urlProblem);
  const auth = section(doc.auth, 'auth', DEFAULTS.auth, problems, ['issuer', 'audience', 'jwks', 'jwksUrl']);
  need(auth.issuer, 'auth.issuer', 'the iss of the bearer tokens the API accepts');
  need(auth.audience, 'auth.audience', 'the aud the tokens must carry for this node');
  if (!auth.jwks && !auth.jwksUrl) problems.push("auth.jwks (a JWKS file) or auth.jwksUrl is required: the identity provider's public keys");
  const consoleSection = section(doc.console, 'console', DEFAULTS.console, problems, ['clientId', 'authority', 'root']);
  const consoleAuthority = String(consoleSection.authority ?? auth.issuer ?? '');
  if (consoleSection.clientId !== undefined && (typeof consoleSection.clientId !== 'string' || !consoleSection.clientId.trim()))
    problems.push('console.clientId must be a non-empty string');
  if (consoleSection.authority !== undefined && !isHttpUrl(consoleAuthority))
    problems.push("console.authority must be an http(s) URL: the issuer of the console's identity provider");
  if (typeof consoleSection.scope !== 'string' || !consoleSection.scope.split(' ').includes('openid'))
    problems.push('console.scope must be a space-separated list of scopes including openid');
  if (consoleSection.root !== undefined && (typeof consoleSection.root !== 'string' || !consoleSection.root))
    problems.push('console.root must be a path (the folder of the built console)');
  const authJwks = auth.jwks ? readJson<{ keys: Array<Record<string, unknown>> }>(auth.jwks, 'auth.jwks') : undefined;
  if (authJwks && (!Array.isArray(authJwks.keys) || authJwks.keys.some((k) => 'd' in k))) problems.push('auth.jwks must be a JWKS of public keys');

  const keysFile = need<string>(doc.keys, 'keys', "path of this node's private JWKS; create it with trmctl keys generate");
  const privateJwks = keysFile ? readJson<Jwks>(keysFile, 'keys') : undefined;
  const keysExposed = privateJwks ? exposedFileProblem(resolve(base, keysFile)) : null;
  if (keysExposed) problems.push(`keys: ${keysExposed}`);
  if (privateJwks) problems.push(...privateJwksProblems(privateJwks, node).map((p) => `keys: ${p}`));

  const directoryFile = need<string>(doc.directory, 'directory', "path of this node's directory of contact points");
  const directory = directoryFile ? readYaml<Directory>(resolve(base, directoryFile), problems, 'directory') : undefined;
  if (directory) problems.push(...directoryProblems(directory, node).map((p) => `directory: ${p}`));

  const partners: PartnerConfig[] = (Array.isArray(doc.partners) ? doc.partners : []).map((p: any, i: number) => {
    const key = `partners[${i}]`;
    section(p, key, {}, problems, ['node', 'endpoint', 'endpoints', 'tls', 'trustAnchor', 'inbound', 'agreement', 'timeZone']);
    const inbound = section(p?.inbound, `${key}.inbound`, { externalAuth: false }, problems, ['username', 'password']);
    if (!isNodeId(p?.node)) problems.push(`${key}.node must be a node id`);
    const endpoints = brokerMembers(p?.endpoint, p?.endpoints, `${key}.endpoint`, "AMQP URL of the partner's broker with the credentials it gave us", problems);
    const tls = readTls(p?.tls, `${key}.tls`, endpoints, `${key}.endpoint`);
    need(p?.inbound?.username, `${key}.inbound.username`, 'the account the partner publishes with on our broker');
    if (typeof inbound.externalAuth !== 'boolean') problems.push(`${key}.inbound.externalAuth must be true or false`);
    else if (!inbound.externalAuth) need(p?.inbound?.password, `${key}.inbound.password`, 'its password, from an environment variable');
    else if (p?.inbound?.password) problems.push(`${key}.inbound.password must be left out with externalAuth: the partner logs in with its client certificate`);
    const anchorFile = need<string>(p?.trustAnchor, `${key}.trustAnchor`, "path of the partner's public JWKS");
    const trustAnchor = anchorFile ? readJson<Jwks>(anchorFile, `${key}.trustAnchor`) : undefined;
    if (trustAnchor) {
      problems.push(...jwksProblems(trustAnchor, p.node).map((x) => `${key}.trustAnchor: ${x}`));
      if (trustAnchor.keys?.some((k) => k.d)) problems.push(`${key}.trustAnchor must hold public keys only`);
    }
    const agreement = section(p?.agreement, `${key}.agreement`, DEFAULTS.agreement, problems);
    return {
      node: p?.node,
      endpoints,
      ...(tls ? { tls } : {}),
      trustAnchor: trustAnchor as Jwks,
      inbound: {
        username: p?.inbound?.username,
        password: inbound.externalAuth === true ? '' : p?.inbound?.password,
        ...(inbound.externalAuth === true ? { externalAuth: true } : {}),
      },
      agreement: {
        acceptanceMs: duration(agreement.acceptance, `${key}.agreement.acceptance`),
        arrivalGraceMs: duration(agreement.arrivalGrace, `${key}.agreement.arrivalGrace`),
        followupEveryMs: duration(agreement.followupEvery, `${key}.agreement.followupEvery`, 1),
        followupSenderGraceMs: duration(agreement.followupSenderGrace, `${key}.agreement.followupSenderGrace`),
      },
      timeZone: timeZone(p?.timeZone, `${key}.timeZone`),
    };
  });

  const notifications = readNotifications(doc.notifications, node, String(http.host), Number(http.port), httpTls !== undefined, problems, duration, integer);

  const config: NodeConfig = {
    node,
    timeZone: timeZone(doc.timeZone, 'timeZone'),
    http: { host: String(http.host), port: integer(http.port, 'http.port', 0), ...(httpTls ? { tls: httpTls } : {}), trustProxy },
    database: {
      url: need(database.url, 'database.url', 'PostgreSQL URL'),
      schema,
      poolSize: integer(database.poolSize, 'database.poolSize', 1),
    },
    broker: {
      urls: brokerUrls,
      ...(brokerTls ? { tls: brokerTls } : {}),
      ...(allowPlainAmqp ? { allowPlainAmqp } : {}),
      managementUrl: broker.managementUrl ?? '',
      queue: String(broker.queue),
      prefetch: integer(broker.prefetch, 'broker.prefetch', 1),
      maxDeliveryAttempts: integer(broker.maxDeliveryAttempts, 'broker.maxDeliveryAttempts', 1),
      stallTimeoutMs: duration(broker.stallTimeout, 'broker.stallTimeout', 1),
    },
    privateJwks: privateJwks as Jwks,
    directory: directory as Directory,
    partners,
    timers: {
      receiptTimeoutMs: duration(timers.receiptTimeout, 'timers.receiptTimeout', 1),
      resendMaxIntervalMs: duration(timers.resendMaxInterval, 'timers.resendMaxInterval', 1),
      publishRetryMaxMs: duration(timers.publishRetryMax, 'timers.publishRetryMax', 1),
      giveUpAfterMs: duration(timers.giveUpAfter, 'timers.giveUpAfter'),
    },
    relay: {
      batchSize: integer(relay.batchSize, 'relay.batchSize', 1),
      pollIntervalMs: duration(relay.pollInterval, 'relay.pollInterval', 1),
      concurrency: integer(relay.concurrency, 'relay.concurrency', 1),
    },
    deadlines: { checkIntervalMs: duration(deadlines.checkInterval, 'deadlines.checkInterval', 1) },
    retention: {
      sealedAfterEndMs: duration(retention.sealedAfterEnd, 'retention.sealedAfterEnd'),
      caseDataAfterEndMs: duration(retention.caseDataAfterEnd, 'retention.caseDataAfterEnd'),
      messageLogMs: duration(retention.messageLog, 'retention.messageLog'),
      checkIntervalMs: duration(retention.checkInterval, 'retention.checkInterval', 1),
    },
    auth: {
      issuer: String(auth.issuer),
      audience: String(auth.audience),
      ...(authJwks ? { jwks: authJwks } : { jwksUrl: String(auth.jwksUrl) }),
      maxTokenLifetimeMs: duration(auth.maxTokenLifetime, 'auth.maxTokenLifetime', 1),
      maxFailures: integer(auth.maxFailures, 'auth.maxFailures', 1),
      failureWindowMs: duration(auth.failureWindow, 'auth.failureWindow', 1),
    },
    console: {
      clientId: String(consoleSection.clientId ?? `trm-console-${node}`),
      authority: consoleAuthority,
      scope: String(consoleSection.scope),
      root: consoleSection.root ? resolve(base, String(consoleSection.root)) : defaultConsoleRoot(),
    },
    notifications,
    registry: {
      endpoint: registry.endpoint ?? publicEndpoint(brokerUrls[0] ?? ''),
      unconfirmedAfterMs: duration(registry.unconfirmedAfter, 'registry.unconfirmedAfter'),
    },
  };
  if (problems.length) throw new ConfigError(path, problems);
  return config;
}

type Duration = (value: unknown, key: string, min?: number) => number;
type Integer = (value: unknown, key: string, min: number, max?: number) => number;

const SMTP_PORTS: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };
/** Standard Webhooks: `whsec_` and the base64 of a key of 24 to 64 bytes. */
const WEBHOOK_SECRET = /^whsec_([A-Za-z0-9+/]{32,88}={0,2})$/;

/** `notifications`: who hears of what waits for this node's roles (see NotificationsConfig). */
function readNotifications(
  value: unknown,
  node: string,
  httpHost: string,
  httpPort: number,
  https: boolean,
  problems: string[],
  duration: Duration,
  integer: Integer,
): NotificationsConfig {
  const n = section(value, 'notifications', DEFAULTS.notifications, problems, ['consoleUrl', 'retry', 'smtp', 'digests', 'webhooks']);
  const retry = section(n.retry, 'notifications.retry', DEFAULTS.notificationRetry, problems);
  const consoleUrl = String(n.consoleUrl ?? `${https ? 'https' : 'http'}://${httpHost.includes(':') ? `[${httpHost}]` : httpHost}:${httpPort}/`);
  if (!isHttpUrl(consoleUrl)) problems.push("notifications.consoleUrl must be an http(s) URL: where people open this node's console");

  let smtp: NotificationsConfig['smtp'] = null;
  if (n.smtp !== undefined && n.smtp !== null) {
    const s = section(n.smtp, 'notifications.smtp', DEFAULTS.smtp, problems, ['host', 'port', 'user', 'password', 'from']);
    const security = s.security as SmtpSecurity;
    if (!Object.hasOwn(SMTP_PORTS, security)) problems.push('notifications.smtp.security must be starttls, tls or none');
    if (typeof s.host !== 'string' || !s.host) problems.push('notifications.smtp.host is required (the SMTP server)');
    else if (security === 'none' && !isLoopback(s.host))
      problems.push('notifications.smtp.security none sends mail in clear: only for a server on this machine (localhost, 127.0.0.1, ::1); use starttls or tls');
    if (typeof s.from !== 'string' || !/^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/.test(s.from.trim()))
      problems.push('notifications.smtp.from is required: the sender of notices, e.g. "TRM Gateway <trm-noreply@example.org>"');
    if (Boolean(s.user) !== Boolean(s.password))
      problems.push('notifications.smtp.user and notifications.smtp.password go together (both from the environment)');
    smtp = {
      host: String(s.host ?? ''),
      port: integer(s.port ?? (Object.hasOwn(SMTP_PORTS, security) ? SMTP_PORTS[security] : 587), 'notifications.smtp.port', 1, 65_535),
      security,
      user: s.user ? String(s.user) : null,
      password: s.password ? String(s.password) : null,
      from: String(s.from ?? '').trim(),
      maxPerMailboxPerHour: integer(s.maxPerMailboxPerHour, 'notifications.smtp.maxPerMailboxPerHour', 1),
    };
  }

  const digests: Record<string, number> = {};
  if (n.digests !== undefined && n.digests !== null) {
    if (typeof n.digests !== 'object' || Array.isArray(n.digests))
      problems.push('notifications.digests must map role addresses to intervals, e.g. RS/astra/return-support: 4h');
    else
      for (const [role, every] of Object.entries(n.digests as Record<string, unknown>)) {
        if (!isAddress(role) || nodeOf(role) !== node)
          problems.push(`notifications.digests: ${role} is not an address of this node (${node}/<organisation>/<role>)`);
        digests[role] = duration(every, `notifications.digests.${role}`, 60_000);
      }
  }

  const webhooks = (n.webhooks ?? []) as unknown[];
  if (!Array.isArray(webhooks)) problems.push('notifications.webhooks must be a list of { url, events, secret }');
  return {
    consoleUrl,
    deadlineWarningMs: duration(n.deadlineWarning, 'notifications.deadlineWarning'),
    pollIntervalMs: duration(n.pollInterval, 'notifications.pollInterval', 1),
    retry: {
      firstMs: duration(retry.first, 'notifications.retry.first', 1),
      maxMs: duration(retry.max, 'notifications.retry.max', 1),
      giveUpAfterMs: duration(retry.giveUpAfter, 'notifications.retry.giveUpAfter', 1),
    },
    smtp,
    digests,
    webhooks: (Array.isArray(webhooks) ? webhooks : []).map((w: any, i: number) => {
      const key = `notifications.webhooks[${i}]`;
      section(w, key, {}, problems, ['url', 'events', 'secret']);
      const url = String(w?.url ?? '');
      if (!isHttpUrl(url)) problems.push(`${key}.url must be an http(s) URL`);
      else if (new URL(url).protocol === 'http:' && !isLoopback(new URL(url).hostname))
        problems.push(`${key}.url must be https: (http only for a receiver on this machine)`);
      const events = (w?.events ?? [...NOTICE_TYPES]) as unknown[];
      if (!Array.isArray(events) || !events.length || events.some((e) => !NOTICE_TYPES.includes(e as NoticeType)))
        problems.push(`${key}.events must be a list of ${NOTICE_TYPES.join(', ')} (all when left out)`);
      const secret = String(w?.secret ?? '');
      const key64 = WEBHOOK_SECRET.exec(secret)?.[1];
      const bytes = key64 ? Buffer.from(key64, 'base64').length : 0;
      if (bytes < 24 || bytes > 64)
        problems.push(`${key}.secret must be whsec_ and the base64 of 24 to 64 random bytes, from the environment (trmctl webhook-secret makes one)`);
      return { url, events: (Array.isArray(events) ? events : []) as NoticeType[], secret };
    }),
  };
}

/**
 * What makes the PEM material of a broker link unusable though each file holds PEM: a certificate in the CA file
 * that can vouch for no broker (neither a CA's nor self-signed: a client certificate given as the CA, say), a client
 * certificate or key that does not parse, or a key that is not the certificate's. Node's TLS finds these only at the
 * first connection, the last as a bare OpenSSL error that reads like a broker out of reach.
 */
function tlsMaterialProblems(key: string, tls: TlsConfig, paths: { ca: string; cert: string; key: string }): string[] {
  const problems: string[] = [];
  for (const pem of tls.ca.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []) {
    let anchor: X509Certificate;
    try {
      anchor = new X509Certificate(pem);
    } catch {
      problems.push(`${key}.ca: ${paths.ca} holds a certificate that does not parse`);
      continue;
    }
    if (!anchor.ca && !(anchor.checkIssued(anchor) && anchor.verify(anchor.publicKey)))
      problems.push(
        `${key}.ca: ${paths.ca} holds a certificate that is not a CA's (${anchor.subject.replace(/\n/g, ', ')}), so it cannot verify the broker: ` +
          "give the CA that issued the broker's certificate",
      );
  }
  if (!tls.cert || !tls.key || !tls.cert.includes('-----BEGIN CERTIFICATE') || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(tls.key)) return problems;
  keyPair(key, { path: paths.cert, text: tls.cert }, { path: paths.key, text: tls.key }, problems);
  return problems;
}

/** The text of the file `file` names (relative to `base`) for the config key `name`, or null with why it cannot be read. */
function readConfigFile(base: string, file: string, name: string, problems: string[]): { path: string; text: string } | null {
  const path = resolve(base, file);
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (err) {
    problems.push(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return null;
  }
}

/**
 * `<key>.cert` and `<key>.key` parsed as TLS will load them: a problem when either is not PEM or the key is not the
 * certificate's (OpenSSL would say so only at the first connection, as a bare error). Each is the file's path and text.
 */
function keyPair(
  key: string,
  cert: { path: string; text: string } | null,
  privateKey: { path: string; text: string } | null,
  problems: string[],
): { certificate: X509Certificate | null; privateKey: KeyObject | null } {
  let certificate: X509Certificate | null = null;
  let keyObject: KeyObject | null = null;
  try {
    if (cert) certificate = new X509Certificate(cert.text);
  } catch {
    problems.push(`${key}.cert: ${cert!.path} is not a PEM certificate`);
  }
  try {
    if (privateKey) keyObject = createPrivateKey(privateKey.text);
  } catch {
    problems.push(`${key}.key: ${privateKey!.path} is not a PEM private key (unencrypted)`);
  }
  if (privateKey && certificate && keyObject && !certificate.checkPrivateKey(keyObject))
    problems.push(`${key}.key: ${privateKey.path} is not the key of the certificate in ${key}.cert`);
  return { certificate, privateKey: keyObject };
}

/**
 * `http.tls`: the PEM files the node serves HTTPS with, paths relative to the node file. Each is read and parsed here,
 * so that a wrong file stops the gateway with its key named rather than failing at the first connection.
 */
function readHttpTls(value: unknown, base: string, problems: string[]): { cert: string; key: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const tls = section(value, 'http.tls', {}, problems, ['cert', 'key']);
  const read = (key: 'cert' | 'key', what: string): { path: string; text: string } | null => {
    if (typeof tls[key] !== 'string' || !tls[key]) {
      problems.push(`http.tls.${key} is required (path of the PEM file of ${what})`);
      return null;
    }
    return readConfigFile(base, tls[key], `http.tls.${key}`, problems);
  };
  const cert = read('cert', "the node's certificate, followed by its intermediate CA certificates");
  const key = read('key', "the certificate's private key");
  const { certificate, privateKey } = keyPair('http.tls', cert, key, problems);
  // Every client refuses such a certificate: better the gateway stops now than each request fails.
  if (cert && certificate && Date.parse(certificate.validTo) < Date.now())
    problems.push(`http.tls.cert: ${cert.path} expired on ${new Date(certificate.validTo).toISOString()}`);
  else if (cert && certificate && Date.parse(certificate.validFrom) > Date.now())
    problems.push(`http.tls.cert: ${cert.path} is not valid before ${new Date(certificate.validFrom).toISOString()}`);
  const exposed = key && privateKey ? exposedFileProblem(key.path) : null;
  if (exposed) problems.push(`http.tls.key: ${exposed}`);
  return cert && key ? { cert: cert.path, key: key.path } : undefined;
}

/** `http.trustProxy`: a list of IP addresses and CIDRs (`10.0.0.5`, `10.1.0.0/16`, `fd00::/8`); none trusts no proxy. */
function readTrustProxy(value: unknown, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push('http.trustProxy must be a list of the IP addresses or CIDRs of the reverse proxies in front of the node');
    return [];
  }
  return value.map((entry: unknown, i: number) => {
    const text = String(entry).trim();
    const [address, prefix, ...rest] = text.split('/');
    const version = isIP(address);
    const bits = version === 4 ? 32 : 128;
    if (!version || rest.length || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits)))
      problems.push(`http.trustProxy[${i}] must be an IP address or a CIDR such as 10.1.0.0/16`);
    else if (prefix !== undefined && Number(prefix) === 0)
      problems.push(`http.trustProxy[${i}] trusts every address: anyone could then choose the client address the limits count; name the proxies`);
    return text;
  });
}

export const isLoopback = (host: string): boolean =>
  ['localhost', '127.0.0.1', '::1', '[::1]'].includes(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * The members of a broker cluster, from `<key>` (one AMQP URL) or `<key>s` (a list, one URL per member). Every member
 * must serve the same virtual host with the same account: a failover must land where the first member would have.
 * URLs hold credentials, so problems name members by their index, never by their URL.
 */
function brokerMembers(one: unknown, many: unknown, key: string, what: string, problems: string[]): string[] {
  const listKey = `${key}s`;
  if (one !== undefined && one !== null && many !== undefined && many !== null) {
    problems.push(`${key} and ${listKey} are both given: ${key} for one broker, ${listKey} for the members of a cluster`);
    return [];
  }
  if (many === undefined || many === null) {
    if (one === undefined || one === null || one === '') {
      problems.push(`${key} (or ${listKey}, one per member of a cluster) is required (${what})`);
      return [];
    }
    if (typeof one !== 'string') problems.push(`${key} must be an AMQP URL (${what})`);
    return typeof one === 'string' ? [one] : [];
  }
  if (!Array.isArray(many) || !many.length || many.some((u) => typeof u !== 'string' || !u)) {
    problems.push(`${listKey} must be a non-empty list of AMQP URLs, one per member of the cluster (${what})`);
    return [];
  }
  const urls = many as string[];
  const targets = urls.map((u) => {
    try {
      const parsed = new URL(u);
      return `${parsed.username} ${parsed.pathname.replace(/^\/$/, '')}`;
    } catch {
      return null;
    }
  });
  targets.forEach((target, i) => {
    if (target === null) problems.push(`${listKey}[${i}] is not a URL`);
    else if (targets[0] !== null && target !== targets[0])
      problems.push(`${listKey}[${i}] names another virtual host or account than ${listKey}[0]: every member must serve the same vhost to the same account`);
    if (urls.indexOf(urls[i]) !== i) problems.push(`${listKey}[${i}] repeats ${listKey}[${urls.indexOf(urls[i])}]`);
  });
  return urls;
}

/** `amqp:` or `amqps:` for an AMQP URL, null for anything else. */
const amqpScheme = (url: unknown): 'amqp:' | 'amqps:' | null => {
  try {
    const protocol = new URL(String(url)).protocol;
    return protocol === 'amqp:' || protocol === 'amqps:' ? protocol : null;
  } catch {
    return null;
  }
};

let repository: string | undefined;

/**
 * Where `npm run build` puts the console: dist/console of the repository, the first folder above this module holding
 * a package.json (the same from src/ and from dist/).
 */
export function defaultConsoleRoot(): string {
  if (!repository) {
    let dir = __dirname;
    while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    repository = dir;
  }
  return resolve(repository, 'dist', 'console');
}

/**
 * A section of the file whose keys are all known (`withoutDefault` and those of `defaults`), over its defaults. A key
 * it does not know (a typo would otherwise silently leave the default in force) or a section that is not a mapping is
 * a problem.
 */
function section<T extends Record<string, unknown>>(
  value: unknown,
  key: string,
  defaults: T,
  problems: string[],
  /** Known keys without a default. */
  withoutDefault: string[] = [],
): T & Record<string, any> {
  const known = [...withoutDefault, ...Object.keys(defaults)];
  if (value === undefined || value === null) return { ...defaults };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${key} must be a mapping of ${known.join(', ')}`);
    return { ...defaults };
  }
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) problems.push(`${key}.${k} is not a known key (known: ${known.join(', ')})`);
  }
  return { ...defaults, ...(value as Partial<T>) };
}

/**
 * Why a file holding private keys is open to more than its owner (any permission bit for group or others), or null.
 * Modes mean nothing on Windows, where the file's ACL is the operator's to check.
 */
export function exposedFileProblem(path: string): string | null {
  if (process.platform === 'win32') return null;
  const mode = statSync(path).mode & 0o777;
  if (!(mode & 0o077)) return null;
  return `${path} holds private keys but is open to group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 ${path}`;
}

const isHttpUrl = (text: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

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
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, problems, key ? `${key}.${k}` : k)]));
  }
  return value;
}
