import { generateNodeKeys } from '@trm/wire';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { serverCertificate } from '../../../../test/support/tls';
import { createCa, issueCertificate } from '../../../trmctl/src/tls';
import { ConfigError, loadNodeConfig, parseDuration } from './load-config';

const REPO = join(__dirname, '../../../..');
const AT = generateNodeKeys('AT');
const RS = generateNodeKeys('RS');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trm-load-config-'));
  writeFileSync(join(dir, 'AT.private.jwks.json'), JSON.stringify(AT.privateJwks), { mode: 0o600 });
  writeFileSync(join(dir, 'RS.private.jwks.json'), JSON.stringify(RS.privateJwks), { mode: 0o600 });
  writeFileSync(join(dir, 'AT.jwks.json'), JSON.stringify(AT.publicJwks));
  writeFileSync(join(dir, 'RS.jwks.json'), JSON.stringify(RS.publicJwks));
  writeFileSync(join(dir, 'issuer.jwks.json'), JSON.stringify({ keys: [] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A minimal valid node file for AT, with `changes` merged into its sections. */
function nodeFile(changes: Record<string, unknown> = {}): string {
  const doc: Record<string, any> = {
    node: 'AT',
    database: { url: 'postgres://127.0.0.1/db', schema: 'trm_at' },
    broker: { url: 'amqp://gw:pw@127.0.0.1:5672/trm-at' },
    auth: { issuer: 'idp', audience: 'trm-gateway-AT', jwksUrl: 'https://idp.example/jwks' },
    keys: join(dir, 'AT.private.jwks.json'),
    directory: join(REPO, 'config', 'directory', 'AT.yaml'),
  };
  for (const [key, value] of Object.entries(changes)) {
    doc[key] = value && typeof value === 'object' && !Array.isArray(value) ? { ...doc[key], ...value } : value;
  }
  const file = join(dir, 'AT.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

const problems = (changes: Record<string, unknown>): string[] => {
  try {
    loadNodeConfig(nodeFile(changes), {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('parseDuration', () => {
  it.each<[string, number | null]>([
    ['500ms', 500],
    ['30s', 30_000],
    [' 5 m ', 300_000],
    ['48h', 48 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['0s', 0],
    ['7', null],
    ['-5d', null],
    ['a week', null],
  ])('reads %j as %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('loadNodeConfig', () => {
  it('reads a minimal file with the defaults', () => {
    const config = loadNodeConfig(nodeFile(), {});
    expect(config.relay.pollIntervalMs).toBe(1_000);
    expect(config.deadlines.checkIntervalMs).toBe(30_000);
    expect(config.database).toEqual({ url: 'postgres://127.0.0.1/db', schema: 'trm_at', poolSize: 10 });
  });

  it('reads the shipped config/nodes files', () => {
    const env = {
      TRM_KEYS_DIR: dir,
      TRM_TRUST_DIR: dir,
      TRM_AUTH_JWKS: join(dir, 'issuer.jwks.json'),
      TRM_LINK_AT_RS: 'a',
      TRM_LINK_RS_AT: 'b',
    };
    const zones = (node: string) => {
      const config = loadNodeConfig(join(REPO, 'config', 'nodes', `${node}.yaml`), env);
      return [config.node, config.timeZone, ...config.partners.map((p) => `${p.node} ${p.timeZone}`)];
    };
    expect(zones('AT')).toEqual(['AT', 'Europe/Vienna', 'RS Europe/Belgrade']);
    expect(zones('RS')).toEqual(['RS', 'Europe/Belgrade', 'AT Europe/Vienna']);
  });

  it('mails the notices of the shipped config/nodes files to a server on this machine, on 1025 unless the demo says otherwise', () => {
    const env = { TRM_KEYS_DIR: dir, TRM_TRUST_DIR: dir, TRM_AUTH_JWKS: join(dir, 'issuer.jwks.json'), TRM_LINK_AT_RS: 'a', TRM_LINK_RS_AT: 'b' };
    const notices = (node: string, more: Record<string, string> = {}) => {
      const { consoleUrl, smtp, webhooks } = loadNodeConfig(join(REPO, 'config', 'nodes', `${node}.yaml`), { ...env, ...more }).notifications;
      return [consoleUrl, smtp?.host, smtp?.port, smtp?.security, smtp?.from, webhooks.length];
    };
    expect(notices('AT')).toEqual(['http://127.0.0.1:3001/', '127.0.0.1', 1025, 'none', 'TRM Gateway AT <trm-noreply@at.example>', 0]);
    expect(notices('RS', { TRM_SMTP_PORT: '40125', TRM_HTTP_PORT: '4002' })).toEqual([
      'http://127.0.0.1:4002/',
      '127.0.0.1',
      40125,
      'none',
      'TRM Gateway RS <trm-noreply@rs.example>',
      0,
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['deadlines.checkInterval', { deadlines: { checkInterval: 0 } }],
    ['relay.pollInterval', { relay: { pollInterval: '0s' } }],
    ['retention.checkInterval', { retention: { checkInterval: '0ms' } }],
    ['timers.receiptTimeout', { timers: { receiptTimeout: '0m' } }],
    ['timers.resendMaxInterval', { timers: { resendMaxInterval: 0 } }],
    ['timers.publishRetryMax', { timers: { publishRetryMax: '0s' } }],
  ])('refuses an interval %s of 0, naming it', (key, changes) => {
    expect(problems(changes)).toEqual([`${key} must be longer than 0`]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['http', { http: { prot: 3000 } }, 'http.prot is not a known key (known: tls, trustProxy, host, port)'],
    ['database', { database: { shema: 'x' } }, 'database.shema is not a known key (known: url, schema, poolSize)'],
    [
      'broker',
      { broker: { prefech: 10 } },
      'broker.prefech is not a known key (known: url, urls, managementUrl, tls, queue, prefetch, maxDeliveryAttempts, stallTimeout, allowPlainAmqp)',
    ],
    ['relay', { relay: { pollIntervall: '1s' } }, 'relay.pollIntervall is not a known key (known: batchSize, pollInterval, concurrency)'],
    ['deadlines', { deadlines: { interval: '1s' } }, 'deadlines.interval is not a known key (known: checkInterval)'],
    [
      'auth',
      { auth: { audiences: 'x' } },
      'auth.audiences is not a known key (known: issuer, audience, jwks, jwksUrl, maxTokenLifetime, maxFailures, failureWindow)',
    ],
  ])('refuses an unknown key in %s, naming it', (_section, changes, problem) => {
    expect(problems(changes)).toEqual([problem]);
  });

  it('limits token lifetimes to 12 h and failed authentications to 20 a minute unless told otherwise', () => {
    expect(loadNodeConfig(nodeFile(), {}).auth).toMatchObject({ maxTokenLifetimeMs: 12 * 3_600_000, maxFailures: 20, failureWindowMs: 60_000 });
    const tuned = loadNodeConfig(nodeFile({ auth: { maxTokenLifetime: '8h', maxFailures: 5, failureWindow: '10m' } }), {});
    expect(tuned.auth).toMatchObject({ maxTokenLifetimeMs: 8 * 3_600_000, maxFailures: 5, failureWindowMs: 600_000 });
    expect(problems({ auth: { maxTokenLifetime: '12 hours', maxFailures: 0, failureWindow: '0s' } })).toEqual([
      'auth.maxTokenLifetime must be a duration such as 500ms, 30s, 5m, 48h or 7d',
      'auth.maxFailures must be an integer of at least 1',
      'auth.failureWindow must be longer than 0',
    ]);
  });

  it('refuses an unknown top-level key and a section that is not a mapping', () => {
    expect(problems({ deadline: { checkInterval: '1s' } })).toEqual([expect.stringMatching(/^deadline is not a known key/)]);
    expect(problems({ timers: '5m' })).toEqual(['timers must be a mapping of receiptTimeout, resendMaxInterval, publishRetryMax, giveUpAfter']);
  });

  it.each(['0640', '0604', '0620', '0644'])('refuses a private key file of mode %s, naming the file and the fix', (octal) => {
    const mode = parseInt(octal, 8);
    const file = join(dir, `exposed-${octal}.private.jwks.json`);
    writeFileSync(file, JSON.stringify(AT.privateJwks));
    chmodSync(file, mode);
    expect(problems({ keys: file })).toEqual([`keys: ${file} holds private keys but is open to group or others (mode ${octal}); run chmod 600 ${file}`]);
    chmodSync(file, 0o600);
    expect(problems({ keys: file })).toEqual([]);
    chmodSync(file, 0o400);
    expect(problems({ keys: file })).toEqual([]);
  });

  it('reads the time zones of the node and its partners (UTC unless told) and refuses an unknown one, naming the key', () => {
    const partner = (timeZone?: string) => ({
      node: 'RS',
      endpoint: 'amqp://AT:pw@127.0.0.1:5672/trm-rs',
      trustAnchor: join(dir, 'RS.jwks.json'),
      inbound: { username: 'RS', password: 'pw' },
      ...(timeZone ? { timeZone } : {}),
    });
    const plain = loadNodeConfig(nodeFile({ partners: [partner()] }), {});
    expect([plain.timeZone, plain.partners[0].timeZone]).toEqual(['UTC', 'UTC']);
    const zoned = loadNodeConfig(nodeFile({ timeZone: 'europe/vienna', partners: [partner('Europe/Belgrade')] }), {});
    expect([zoned.timeZone, zoned.partners[0].timeZone]).toEqual(['Europe/Vienna', 'Europe/Belgrade']);
    expect(problems({ timeZone: 'Europe/Wien', partners: [partner('CET+1')] })).toEqual([
      'partners[0].timeZone must be an IANA time zone such as Europe/Belgrade or UTC',
      'timeZone must be an IANA time zone such as Europe/Belgrade or UTC',
    ]);
  });

  describe('broker members', () => {
    // Loopback addresses: plain amqp:// elsewhere is refused (broker.allowPlainAmqp), and each member is checked for it.
    const members = ['amqp://gw:pw@127.0.0.1:5672/trm-at', 'amqp://gw:pw@127.0.0.2:5672/trm-at', 'amqp://gw:pw@127.0.0.3/trm-at'];
    const partner = (link: Record<string, unknown>) => ({
      node: 'RS',
      trustAnchor: 'RS.jwks.json', // next to the node file
      inbound: { username: 'RS', password: 'pw' },
      ...link,
    });

    it('reads one URL (url, endpoint) or one per member of a cluster (urls, endpoints)', () => {
      const single = loadNodeConfig(nodeFile({ partners: [partner({ endpoint: 'amqp://AT:pw@127.0.0.1:5672/trm-rs' })] }), {});
      expect([single.broker.urls, single.partners[0].endpoints]).toEqual([['amqp://gw:pw@127.0.0.1:5672/trm-at'], ['amqp://AT:pw@127.0.0.1:5672/trm-rs']]);
      const rsMembers = members.map((u) => u.replace('gw:pw', 'AT:pw').replace('trm-at', 'trm-rs'));
      const cluster = loadNodeConfig(nodeFile({ broker: { url: undefined, urls: members }, partners: [partner({ endpoints: rsMembers })] }), {});
      expect([cluster.broker.urls, cluster.partners[0].endpoints]).toEqual([members, rsMembers]);
      // Partners are told the first member, without the credentials.
      expect(cluster.registry.endpoint).toBe('amqp://127.0.0.1:5672/trm-at');
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      [
        'neither',
        { broker: { url: undefined } },
        ["broker.url (or broker.urls, one per member of a cluster) is required (AMQP URL of this node's own virtual host)"],
      ],
      [
        'both',
        { broker: { urls: members } },
        ['broker.url and broker.urls are both given: broker.url for one broker, broker.urls for the members of a cluster'],
      ],
      [
        'an empty list',
        { broker: { url: undefined, urls: [] } },
        ["broker.urls must be a non-empty list of AMQP URLs, one per member of the cluster (AMQP URL of this node's own virtual host)"],
      ],
      [
        'a member on another vhost',
        { broker: { url: undefined, urls: [members[0], members[1].replace('trm-at', 'trm-rs')] } },
        ['broker.urls[1] names another virtual host or account than broker.urls[0]: every member must serve the same vhost to the same account'],
      ],
      [
        'a member with another account',
        { broker: { url: undefined, urls: [members[0], members[1].replace('gw:', 'admin:')] } },
        ['broker.urls[1] names another virtual host or account than broker.urls[0]: every member must serve the same vhost to the same account'],
      ],
      ['a member twice', { broker: { url: undefined, urls: [members[0], members[1], members[0]] } }, ['broker.urls[2] repeats broker.urls[0]']],
      ['a member that is not a URL', { broker: { url: undefined, urls: [members[0], '10.0.0.2:5672'] } }, ['broker.urls[1] is not a URL']],
      [
        'a partner with neither',
        { partners: [partner({})] },
        [
          "partners[0].endpoint (or partners[0].endpoints, one per member of a cluster) is required (AMQP URL of the partner's broker with the credentials it gave us)",
        ],
      ],
      [
        'a partner with both',
        { partners: [partner({ endpoint: members[0], endpoints: members })] },
        [
          'partners[0].endpoint and partners[0].endpoints are both given: partners[0].endpoint for one broker, partners[0].endpoints for the members of a cluster',
        ],
      ],
    ])('refuses %s, naming the key and never the URL', (_case, changes, expected) => {
      expect(problems(changes)).toEqual(expected);
    });
  });

  it('refuses a schema name that is not a plain PostgreSQL name, naming the key', () => {
    expect(problems({ database: { schema: 'trm-at; DROP' } })).toEqual([expect.stringMatching(/^database\.schema must match/)]);
  });

  it('reads a database URL listing several hosts, and refuses a session the gateway cannot write in, naming the key', () => {
    const url = 'postgres://trm@db1:5432,db2:5433/trm?target_session_attrs=read-write';
    expect(loadNodeConfig(nodeFile({ database: { url, schema: 'trm_at' } }), {}).database.url).toBe(url);
    expect(problems({ database: { url: 'postgres://db1,db2/trm?target_session_attrs=standby', schema: 'trm_at' } })).toEqual([
      'database.url target_session_attrs must be one of any, read-write, primary (the gateway writes), not "standby"',
    ]);
    expect(problems({ database: { url: 'mysql://db1/trm', schema: 'trm_at' } })).toEqual(['database.url must be a postgres:// or postgresql:// URL']);
  });

  it('refuses a database URL whose password holds a raw reserved character, without repeating any of it', () => {
    // Generated passwords (base64) hold '/'; left raw, the rest of the password would be read as a host or a path.
    for (const password of ['s3cr/et', 'p@ss', 'wh?t'])
      expect(problems({ database: { url: `postgres://trm:${password}@db1:5432,db2:5432/trm`, schema: 'trm_at' } })).toEqual([
        "database.url has an '@' after the user name and password: percent-encode '@', '/', '?' and '#' in them (%40, %2F, %3F, %23)",
      ]);
    expect(problems({ database: { url: 'postgres://trm@db1:5432, db2:5432/trm', schema: 'trm_at' } })).toEqual([
      'database.url has a host " db2:5432" that is not host or host:port',
    ]);
    const encoded = `postgres://trm:${encodeURIComponent('s3cr/et@?')}@db1:5432,db2:5432/trm`;
    expect(loadNodeConfig(nodeFile({ database: { url: encoded, schema: 'trm_at' } }), {}).database.url).toBe(encoded);
  });
});

describe('retention', () => {
  const DAY_MS = 86_400_000;

  it('defaults to 30d, 1825d, 730d and 1d, and reads durations like every other key', () => {
    expect(loadNodeConfig(nodeFile(), {}).retention).toEqual({
      sealedAfterEndMs: 30 * DAY_MS,
      caseDataAfterEndMs: 1825 * DAY_MS,
      messageLogMs: 730 * DAY_MS,
      checkIntervalMs: DAY_MS,
    });
    expect(loadNodeConfig(nodeFile({ retention: { sealedAfterEnd: '12h', messageLog: '90d' } }), {}).retention).toEqual({
      sealedAfterEndMs: 12 * 3_600_000,
      caseDataAfterEndMs: 1825 * DAY_MS,
      messageLogMs: 90 * DAY_MS,
      checkIntervalMs: DAY_MS,
    });
  });

  it('reads every period given in milliseconds, as a scratch node writes them', () => {
    const retention = { sealedAfterEndMs: 2 * DAY_MS, caseDataAfterEndMs: 3 * DAY_MS, messageLogMs: 4 * DAY_MS, checkIntervalMs: 5_000 };
    const written = {
      sealedAfterEnd: retention.sealedAfterEndMs,
      caseDataAfterEnd: retention.caseDataAfterEndMs,
      messageLog: retention.messageLogMs,
      checkInterval: retention.checkIntervalMs,
    };
    expect(loadNodeConfig(nodeFile({ retention: written }), {}).retention).toEqual(retention);
  });

  it('names the key of every bad value', () => {
    expect(problems({ retention: { sealedAfterEnd: 'a month', caseDataAfterEnd: '-5d', checkInterval: '0s', messageLogg: '10d' } })).toEqual([
      'retention.messageLogg is not a known key (known: sealedAfterEnd, caseDataAfterEnd, messageLog, checkInterval)',
      'retention.sealedAfterEnd must be a duration such as 500ms, 30s, 5m, 48h or 7d',
      'retention.caseDataAfterEnd must be a duration such as 500ms, 30s, 5m, 48h or 7d',
      'retention.checkInterval must be longer than 0',
    ]);
    expect(problems({ retention: '30d' })).toEqual(['retention must be a mapping of sealedAfterEnd, caseDataAfterEnd, messageLog, checkInterval']);
  });
});

describe('notifications', () => {
  const HOUR_MS = 3_600_000;
  const secret = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;
  const smtp = { host: 'smtp.example.at', security: 'starttls', from: 'TRM Gateway AT <trm-noreply@example.at>' };
  const hook = { url: 'https://cms.example.at/trm-events', secret: secret(32) };
  const notifications = (n: Record<string, unknown>) => ({ notifications: n });

  it('sends nothing when absent: no SMTP server, no webhook, console links to the node itself', () => {
    expect(loadNodeConfig(nodeFile({ http: { port: 3001 } }), {}).notifications).toEqual({
      consoleUrl: 'http://127.0.0.1:3001/',
      deadlineWarningMs: 12 * HOUR_MS,
      pollIntervalMs: 5_000,
      retry: { firstMs: 30_000, maxMs: HOUR_MS, giveUpAfterMs: 72 * HOUR_MS },
      smtp: null,
      digests: {},
      webhooks: [],
    });
  });

  it('reads a full section, with the credentials and the secret from the environment', () => {
    const file = nodeFile(
      notifications({
        consoleUrl: 'https://trm.example.at/',
        deadlineWarning: '1d',
        pollInterval: '10s',
        retry: { first: '1m', max: '2h', giveUpAfter: '1d' },
        smtp: { ...smtp, port: 2587, user: 'trm-at', password: '${TRM_SMTP_PASSWORD}', maxPerMailboxPerHour: 10 },
        digests: { 'AT/lefoe-ibf/return-support': '4h' },
        webhooks: [
          { url: 'https://cms.example.at/trm-events', events: ['deadline.missed', 'role.handed-over'], secret: '${TRM_WEBHOOK_CMS_SECRET}' },
          { url: 'http://localhost:8080/hook', secret: secret(24) },
        ],
      }),
    );
    expect(loadNodeConfig(file, { TRM_SMTP_PASSWORD: 'smtp-pw', TRM_WEBHOOK_CMS_SECRET: secret(64) }).notifications).toEqual({
      consoleUrl: 'https://trm.example.at/',
      deadlineWarningMs: 24 * HOUR_MS,
      pollIntervalMs: 10_000,
      retry: { firstMs: 60_000, maxMs: 2 * HOUR_MS, giveUpAfterMs: 24 * HOUR_MS },
      smtp: {
        host: 'smtp.example.at',
        port: 2587,
        security: 'starttls',
        user: 'trm-at',
        password: 'smtp-pw',
        from: 'TRM Gateway AT <trm-noreply@example.at>',
        maxPerMailboxPerHour: 10,
      },
      digests: { 'AT/lefoe-ibf/return-support': 4 * HOUR_MS },
      webhooks: [
        { url: 'https://cms.example.at/trm-events', events: ['deadline.missed', 'role.handed-over'], secret: secret(64) },
        { url: 'http://localhost:8080/hook', events: ['message.arrived', 'deadline.near', 'deadline.missed', 'role.handed-over'], secret: secret(24) },
      ],
    });
  });

  it.each<[string, string, number]>([
    ['starttls', 'smtp.example.at', 587],
    ['tls', 'smtp.example.at', 465],
    ['none', '127.0.0.1', 25],
  ])('takes the usual SMTP port for security %s, 30 mails per mailbox an hour', (security, host, port) => {
    expect(loadNodeConfig(nodeFile(notifications({ smtp: { ...smtp, host, security } })), {}).notifications.smtp).toMatchObject({
      port,
      security,
      user: null,
      password: null,
      maxPerMailboxPerHour: 30,
    });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'security none to another machine',
      { smtp: { ...smtp, security: 'none' } },
      ['notifications.smtp.security none sends mail in clear: only for a server on this machine (localhost, 127.0.0.1, ::1); use starttls or tls'],
    ],
    ['an unknown security', { smtp: { ...smtp, security: 'ssl' } }, ['notifications.smtp.security must be starttls, tls or none']],
    ['no host', { smtp: { ...smtp, host: '' } }, ['notifications.smtp.host is required (the SMTP server)']],
    [
      'no from',
      { smtp: { ...smtp, from: undefined } },
      ['notifications.smtp.from is required: the sender of notices, e.g. "TRM Gateway <trm-noreply@example.org>"'],
    ],
    [
      'a from that is no mailbox',
      { smtp: { ...smtp, from: 'TRM Gateway AT' } },
      ['notifications.smtp.from is required: the sender of notices, e.g. "TRM Gateway <trm-noreply@example.org>"'],
    ],
    [
      'a user without password',
      { smtp: { ...smtp, user: 'trm-at' } },
      ['notifications.smtp.user and notifications.smtp.password go together (both from the environment)'],
    ],
    [
      'a misspelt key',
      { smtp: { ...smtp, pass: 'pw' } },
      ['notifications.smtp.pass is not a known key (known: host, port, user, password, from, security, maxPerMailboxPerHour)'],
    ],
    ['a rate of 0', { smtp: { ...smtp, maxPerMailboxPerHour: 0 } }, ['notifications.smtp.maxPerMailboxPerHour must be an integer of at least 1']],
    [
      "a digest for another node's role",
      { digests: { 'RS/astra/return-support': '4h' } },
      ['notifications.digests: RS/astra/return-support is not an address of this node (AT/<organisation>/<role>)'],
    ],
    [
      'a digest for no address',
      { digests: { 'lefoe-ibf': '4h' } },
      ['notifications.digests: lefoe-ibf is not an address of this node (AT/<organisation>/<role>)'],
    ],
    [
      'a digest more often than once a minute',
      { digests: { 'AT/lefoe-ibf/return-support': '30s' } },
      ['notifications.digests.AT/lefoe-ibf/return-support must be at least 60000ms'],
    ],
    [
      'digests as a list',
      { digests: ['AT/lefoe-ibf/return-support'] },
      ['notifications.digests must map role addresses to intervals, e.g. RS/astra/return-support: 4h'],
    ],
    [
      'a webhook over http to another machine',
      { webhooks: [{ ...hook, url: 'http://cms.example.at/trm-events' }] },
      ['notifications.webhooks[0].url must be https: (http only for a receiver on this machine)'],
    ],
    ['a webhook URL that is none', { webhooks: [{ ...hook, url: 'cms.example.at' }] }, ['notifications.webhooks[0].url must be an http(s) URL']],
    [
      'an unknown event',
      { webhooks: [hook, { ...hook, events: ['message.arrived', 'message.received'] }] },
      ['notifications.webhooks[1].events must be a list of message.arrived, deadline.near, deadline.missed, role.handed-over (all when left out)'],
    ],
    [
      'no events',
      { webhooks: [{ ...hook, events: [] }] },
      ['notifications.webhooks[0].events must be a list of message.arrived, deadline.near, deadline.missed, role.handed-over (all when left out)'],
    ],
    ...Object.entries({
      'a secret that is none': 'not-a-secret',
      'a secret without whsec_': secret(32).slice('whsec_'.length),
      'a secret of 16 bytes': secret(16),
      'a secret of 65 bytes': secret(65),
    }).map(([what, bad]): [string, Record<string, unknown>, string[]] => [
      what,
      { webhooks: [{ ...hook, secret: bad }] },
      ['notifications.webhooks[0].secret must be whsec_ and the base64 of 24 to 64 random bytes, from the environment (trmctl webhook-secret makes one)'],
    ]),
    [
      'a misspelt webhook key',
      { webhooks: [{ ...hook, event: ['deadline.missed'] }] },
      ['notifications.webhooks[0].event is not a known key (known: url, events, secret)'],
    ],
    ['webhooks as a mapping', { webhooks: hook }, ['notifications.webhooks must be a list of { url, events, secret }']],
    [
      'a console URL that is none',
      { consoleUrl: 'trm.example.at' },
      ["notifications.consoleUrl must be an http(s) URL: where people open this node's console"],
    ],
    ['a misspelt retry key', { retry: { giveUp: '1d' } }, ['notifications.retry.giveUp is not a known key (known: first, max, giveUpAfter)']],
  ])('refuses %s, naming the key', (_case, section, expected) => {
    expect(problems(notifications(section))).toEqual(expected);
  });
});

describe('HTTPS: http.tls and http.trustProxy', () => {
  let tls: { cert: string; key: string };
  let otherKey: string;
  beforeAll(async () => {
    const server = await serverCertificate(mkdtempSync(join(dir, 'tls-')));
    tls = { cert: server.cert, key: server.key };
    otherKey = (await serverCertificate(mkdtempSync(join(dir, 'tls-')))).key;
  });

  it('serves plain HTTP and trusts no proxy unless told', () => {
    expect(loadNodeConfig(nodeFile(), {}).http).toEqual({ host: '127.0.0.1', port: 3000, trustProxy: [] });
  });

  it('reads the PEM files relative to the node file, and the console links become https', () => {
    const config = loadNodeConfig(
      nodeFile({ http: { port: 3443, tls: { cert: relative(dir, tls.cert), key: tls.key }, trustProxy: ['10.0.0.5', 'fd00::/8'] } }),
      {},
    );
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3443, tls, trustProxy: ['10.0.0.5', 'fd00::/8'] });
    expect(config.notifications.consoleUrl).toBe('https://127.0.0.1:3443/');
  });

  it('refuses a key file open to group or others, naming the key and the file', () => {
    chmodSync(tls.key, 0o640);
    try {
      expect(problems({ http: { tls } })).toEqual([
        `http.tls.key: ${tls.key} holds private keys but is open to group or others (mode 0640); run chmod 600 ${tls.key}`,
      ]);
    } finally {
      chmodSync(tls.key, 0o600);
    }
  });

  it('refuses an expired certificate and one not valid yet, naming the key and when', async () => {
    const day = 86_400_000;
    const at = (days: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + days * day);
    const expired = await serverCertificate(mkdtempSync(join(dir, 'tls-')), '127.0.0.1', { notBefore: at(-30), notAfter: at(-1) });
    const early = await serverCertificate(mkdtempSync(join(dir, 'tls-')), '127.0.0.1', { notBefore: at(1), notAfter: at(30) });
    expect(problems({ http: { tls: { cert: expired.cert, key: expired.key } } })).toEqual([
      `http.tls.cert: ${expired.cert} expired on ${at(-1).toISOString()}`,
    ]);
    expect(problems({ http: { tls: { cert: early.cert, key: early.key } } })).toEqual([
      `http.tls.cert: ${early.cert} is not valid before ${at(1).toISOString()}`,
    ]);
  });

  // Paths are known once the files are written: each case is a function of them.
  it.each<[string, () => [Record<string, unknown>, string]]>([
    ['no key', () => [{ cert: tls.cert }, "http.tls.key is required (path of the PEM file of the certificate's private key)"]],
    ['a missing file', () => [{ ...tls, cert: join(dir, 'none.pem') }, `http.tls.cert: cannot read ${join(dir, 'none.pem')} (ENOENT)`]],
    ['a key as the certificate', () => [{ ...tls, cert: tls.key }, `http.tls.cert: ${tls.key} is not a PEM certificate`]],
    ['a certificate as the key', () => [{ ...tls, key: tls.cert }, `http.tls.key: ${tls.cert} is not a PEM private key (unencrypted)`]],
    ["another certificate's key", () => [{ ...tls, key: otherKey }, `http.tls.key: ${otherKey} is not the key of the certificate in http.tls.cert`]],
    ['a misspelt key', () => [{ ...tls, chain: tls.cert }, 'http.tls.chain is not a known key (known: cert, key)']],
  ])('refuses http.tls with %s, naming the key', (_case, given) => {
    const [value, problem] = given();
    expect(problems({ http: { tls: value } })).toEqual([problem]);
  });

  it.each<[string, unknown, string[]]>([
    ['a single address', '10.0.0.5', ['http.trustProxy must be a list of the IP addresses or CIDRs of the reverse proxies in front of the node']],
    ['a host name', ['proxy.example.at'], ['http.trustProxy[0] must be an IP address or a CIDR such as 10.1.0.0/16']],
    ['a prefix too long', ['10.0.0.0/33'], ['http.trustProxy[0] must be an IP address or a CIDR such as 10.1.0.0/16']],
    [
      'every address',
      ['10.0.0.5', '::/0'],
      ['http.trustProxy[1] trusts every address: anyone could then choose the client address the limits count; name the proxies'],
    ],
  ])('refuses http.trustProxy as %s, naming the key', (_case, trustProxy, expected) => {
    expect(problems({ http: { trustProxy } })).toEqual(expected);
  });
});

describe('TLS of broker links (broker.tls, partners[].tls)', () => {
  let CA: string;
  let CERT: string;
  let KEY: string;
  let tlsDir: string;
  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'trm-load-config-tls-'));
    const [ca, nextCa] = await Promise.all([createCa('load-config CA'), createCa('next CA')]);
    const [client, other] = await Promise.all([issueCertificate(ca, 'client', 'AT'), issueCertificate(ca, 'client', 'RS')]);
    [CA, CERT, KEY] = [ca.cert, client.cert, client.key];
    writeFileSync(join(tlsDir, 'ca.crt'), CA);
    writeFileSync(join(tlsDir, 'cas.crt'), nextCa.cert + CA);
    writeFileSync(join(tlsDir, 'client.crt'), CERT);
    writeFileSync(join(tlsDir, 'client.key'), KEY, { mode: 0o600 });
    writeFileSync(join(tlsDir, 'other.key'), other.key, { mode: 0o600 });
    writeFileSync(join(tlsDir, 'open.key'), KEY, { mode: 0o644 });
    chmodSync(join(tlsDir, 'open.key'), 0o644);
  });
  afterAll(() => rmSync(tlsDir, { recursive: true, force: true }));

  const partner = (endpoint: string, more: Record<string, unknown> = {}) => ({
    node: 'RS',
    endpoint,
    trustAnchor: join(dir, 'RS.jwks.json'),
    inbound: { username: 'RS', password: 'pw' },
    ...more,
  });
  const tls = (more: Record<string, unknown> = {}) => ({
    ca: join(tlsDir, 'ca.crt'),
    cert: join(tlsDir, 'client.crt'),
    key: join(tlsDir, 'client.key'),
    ...more,
  });

  it('reads the PEM files of the own broker and of a partner, the CA pinned, EXTERNAL only when asked', () => {
    const config = loadNodeConfig(
      nodeFile({
        broker: { url: 'amqps://gw:pw@broker.at.example/trm-at', tls: tls({ serverName: 'rabbit.at.example' }) },
        partners: [partner('amqps://rs-broker.example/trm-rs', { tls: tls({ externalAuth: true }) })],
      }),
      {},
    );
    expect(config.broker.tls).toEqual({ ca: CA, cert: CERT, key: KEY, serverName: 'rabbit.at.example', externalAuth: false });
    expect(config.partners[0].tls).toEqual({ ca: CA, cert: CERT, key: KEY, serverName: null, externalAuth: true });
    expect(loadNodeConfig(nodeFile(), {}).broker.tls).toBeUndefined();
  });

  it('takes a CA file holding two CAs, the old and the new one while the broker changes CA', () => {
    const config = loadNodeConfig(nodeFile({ broker: { url: 'amqps://gw:pw@broker.at.example/trm-at', tls: tls({ ca: join(tlsDir, 'cas.crt') }) } }), {});
    expect(config.broker.tls?.ca).toContain(CA);
  });

  it('resolves the PEM paths against the node file, like the other files', () => {
    const file = nodeFile({ broker: { url: 'amqps://gw:pw@broker.at.example/trm-at', tls: { ca: join('..', tlsDir.split('/').pop()!, 'ca.crt') } } });
    expect(loadNodeConfig(file, {}).broker.tls?.ca).toBe(CA);
  });

  it.each<[string, () => Record<string, unknown>, string[] | (() => string[])]>([
    [
      'plain amqp:// to a broker off this machine',
      () => ({ broker: { url: 'amqp://gw:pw@broker.at.example/trm-at' } }),
      [
        'broker.url is plain amqp:// to a broker off this machine: use amqps:// with broker.tls (profile section 2), or set broker.allowPlainAmqp: true on a closed network',
      ],
    ],
    [
      'plain amqp:// to a partner off this machine',
      () => ({ partners: [partner('amqp://AT:pw@10.1.2.3:5672/trm-rs')] }),
      [
        'partners[0].endpoint is plain amqp:// to a broker off this machine: use amqps:// with partners[0].tls (profile section 2), or set broker.allowPlainAmqp: true on a closed network',
      ],
    ],
    [
      'amqps:// without tls',
      () => ({ partners: [partner('amqps://AT:pw@rs-broker.example/trm-rs')] }),
      [
        "partners[0].endpoint is amqps:// but partners[0].tls is missing: partners[0].tls.ca (the broker's CA, pinned) is required, with partners[0].tls.cert and partners[0].tls.key for mutual TLS",
      ],
    ],
    [
      'tls without its CA',
      () => ({ broker: { url: 'amqps://gw:pw@broker.at.example/trm-at', tls: { cert: join(tlsDir, 'client.crt'), key: join(tlsDir, 'client.key') } } }),
      ["broker.tls.ca is required: the PEM file of the CA that issued the broker's certificate (pinned: the only CA trusted)"],
    ],
    [
      'tls on a plain URL',
      () => ({ partners: [partner('amqp://AT:pw@127.0.0.1:5672/trm-rs', { tls: tls() })] }),
      ['partners[0].tls is set but partners[0].endpoint is plain amqp://: use amqps:// for a link with TLS'],
    ],
    [
      'a certificate without its key',
      () => ({ broker: { url: 'amqps://gw:pw@broker.at.example/trm-at', tls: tls({ key: undefined }) } }),
      ['broker.tls.cert and broker.tls.key go together (our client certificate and its private key)'],
    ],
    [
      'EXTERNAL without a client certificate',
      () => ({ broker: { url: 'amqps://broker.at.example/trm-at', tls: { ca: join(tlsDir, 'ca.crt'), externalAuth: true } } }),
      ['broker.tls.externalAuth logs in with the client certificate: broker.tls.cert and broker.tls.key are required'],
    ],
    [
      'a CA file that is no certificate',
      () => ({ broker: { url: 'amqps://broker.at.example/trm-at', tls: tls({ ca: join(tlsDir, 'client.key') }) } }),
      () => [`broker.tls.ca: ${join(tlsDir, 'client.key')} holds no PEM certificate`],
    ],
    [
      'a client certificate as the CA',
      () => ({ broker: { url: 'amqps://broker.at.example/trm-at', tls: tls({ ca: join(tlsDir, 'client.crt') }) } }),
      () => [
        `broker.tls.ca: ${join(tlsDir, 'client.crt')} holds a certificate that is not a CA's (CN=AT), so it cannot verify the broker: give the CA that issued the broker's certificate`,
      ],
    ],
    [
      "another certificate's key",
      () => ({ partners: [partner('amqps://rs-broker.example/trm-rs', { tls: tls({ key: join(tlsDir, 'other.key') }) })] }),
      () => [`partners[0].tls.key: ${join(tlsDir, 'other.key')} is not the key of the certificate in partners[0].tls.cert`],
    ],
    [
      'a missing file',
      () => ({ broker: { url: 'amqps://broker.at.example/trm-at', tls: tls({ cert: join(tlsDir, 'nope.crt') }) } }),
      () => [`broker.tls.cert: cannot read ${join(tlsDir, 'nope.crt')} (ENOENT)`],
    ],
    [
      'a misspelt key',
      () => ({ broker: { url: 'amqps://broker.at.example/trm-at', tls: tls({ servername: 'x' }) } }),
      ['broker.tls.servername is not a known key (known: ca, cert, key, serverName, externalAuth)'],
    ],
  ])('refuses %s, naming the key', (_case, changes, expected) => {
    expect(problems(changes())).toEqual(typeof expected === 'function' ? expected() : expected);
  });

  it('refuses a client key readable by group or others, naming the key and the fix', () => {
    const open = join(tlsDir, 'open.key');
    expect(problems({ partners: [partner('amqps://rs-broker.example/trm-rs', { tls: tls({ key: open }) })] })).toEqual([
      `partners[0].tls.key: ${open} holds private keys but is open to group or others (mode 0644); run chmod 600 ${open}`,
    ]);
  });

  it('takes plain amqp:// on this machine (127.0.0.0/8, ::1, localhost), and off it only when allowed', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '[::1]', 'localhost'])
      expect(problems({ broker: { url: `amqp://gw:pw@${host}:5672/trm-at` }, partners: [partner(`amqp://AT:pw@${host}/trm-rs`)] })).toEqual([]);
    const allowed = loadNodeConfig(
      nodeFile({ broker: { url: 'amqp://gw:pw@broker.lan/trm-at', allowPlainAmqp: true }, partners: [partner('amqp://AT:pw@rs.lan/trm-rs')] }),
      {},
    );
    expect(allowed.broker.allowPlainAmqp).toBe(true);
    expect(problems({ broker: { allowPlainAmqp: 'yes' } })).toEqual(['broker.allowPlainAmqp must be true or false']);
  });

  it('lets a partner that logs in with its certificate (inbound.externalAuth) go without a password, and only then', () => {
    const external = loadNodeConfig(
      nodeFile({ partners: [partner('amqp://AT:pw@127.0.0.1/trm-rs', { inbound: { username: 'RS', externalAuth: true } })] }),
      {},
    );
    expect(external.partners[0].inbound).toEqual({ username: 'RS', password: '', externalAuth: true });
    expect(problems({ partners: [partner('amqp://AT:pw@127.0.0.1/trm-rs', { inbound: { username: 'RS' } })] })).toEqual([
      'partners[0].inbound.password is required (its password, from an environment variable)',
    ]);
    expect(problems({ partners: [partner('amqp://AT:pw@127.0.0.1/trm-rs', { inbound: { username: 'RS', password: 'pw', externalAuth: true } })] })).toEqual([
      'partners[0].inbound.password must be left out with externalAuth: the partner logs in with its client certificate',
    ]);
  });
});
