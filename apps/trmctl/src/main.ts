import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadNodeConfig, parseDuration } from '../../gateway/src/config/load-config';
import type { NodeConfig } from '../../gateway/src/config/node-config';
import { ParsedArgs, expectOptions, flag, parseArgs, requiredOption, stringOption } from './args';
import { formatAuditVerification, verifyAudit } from './audit-verify';
import { runBench } from './bench/bench';
import { runHostileBench } from './bench/hostile';
import { runDemo } from './demo/demo';
import { DEMO_PORTS, accountsFileOf, directoryFile, runIdentityProvider } from './identity';
import { CliError, UsageError } from './errors';
import { APP_ROLES, AppRole } from '../../gateway/src/http/principal';
import { KeyDirs, generateKeyFiles, rotateKeyFiles } from './keys';
import { ensureIssuer, mintToken } from './tokens';
import { defaultKeysDir, defaultTrustDir, displayPath, nodeConfigFile, varDir } from './paths';
import { writeOpenApi } from './openapi';
import { applyTopology, formatSummary } from './topology/apply';
import { brokerTlsFiles, tlsListenerConf } from './topology/tls-conf';
import { createTlsMaterial } from './tls';
import { webhookSecret } from './webhook-secret';

interface Command {
  /** The words that select it, e.g. `keys generate`. */
  words: string[];
  usage: string;
  help: string;
  options: string[];
  /** Positional arguments after the words it takes (none unless said). */
  arguments?: number;
  run(args: ParsedArgs): Promise<number>;
}

const COMMANDS: Command[] = [
  {
    words: ['keys', 'generate'],
    usage: 'trmctl keys generate --node AT [--keys-dir DIR] [--trust-dir DIR] [--force]',
    help: [
      "Creates a node's Ed25519 signing key and X25519 encryption key:",
      '  <keys-dir>/<node>.private.jwks.json  private, mode 0600; never leaves the node',
      '  <trust-dir>/<node>.jwks.json         public: the trust anchor partners configure',
      'Directories default to $TRM_KEYS_DIR and $TRM_TRUST_DIR, else var/keys and var/trust of the repository',
      '(where config/nodes/*.yaml look; if you set those variables, make them absolute paths).',
      'An existing private key is kept unless --force is given.',
    ].join('\n'),
    options: ['node', 'keys-dir', 'trust-dir', 'force'],
    run: async (args) => {
      const node = requiredOption(args, 'node', 'AT');
      const keys = generateKeyFiles(node, keyDirsOf(args), { force: flag(args, 'force') });
      print(`node ${node}: keys ${keys.kids.join(', ')}`);
      print(`  private: ${keys.privateFile} (mode 0600; keep it out of version control and backups you do not control)`);
      print(`  public:  ${keys.publicFile} (give this trust anchor to partner nodes)`);
      return 0;
    },
  },
  {
    words: ['keys', 'rotate'],
    usage: 'trmctl keys rotate --node AT [--activate-in 24h] [--retire-after 7d] [--keys-dir DIR] [--trust-dir DIR]',
    help: [
      "Adds new signing and encryption keys to the node's private JWKS, valid from now + --activate-in (default 24h),",
      'and ends the current keys --retire-after (default 7d) after that. Restart the gateway: it announces the new keys',
      'to every partner in a registry.update signed with the current key, and switches to the new key when it becomes',
      'valid. --activate-in must leave partners time to receive that update.',
    ].join('\n'),
    options: ['node', 'activate-in', 'retire-after', 'keys-dir', 'trust-dir'],
    run: async (args) => {
      const node = requiredOption(args, 'node', 'AT');
      const activateAt = new Date(Date.now() + durationOption(args, 'activate-in', '24h'));
      const retireAt = new Date(activateAt.getTime() + durationOption(args, 'retire-after', '7d'));
      const keys = rotateKeyFiles(node, keyDirsOf(args), activateAt, retireAt);
      print(`node ${node}: new keys ${keys.added.join(', ')} valid from ${activateAt.toISOString()}`);
      print(`  current keys end at ${retireAt.toISOString()}`);
      print(`  private: ${keys.privateFile}; public: ${keys.publicFile}`);
      print('  restart the gateway so it announces the new keys to its partners');
      return 0;
    },
  },
  {
    words: ['topology', 'apply'],
    usage: 'trmctl topology apply --node AT',
    help: [
      "Creates or checks the node's RabbitMQ vhost, exchanges, queues, bindings and partner users",
      '(deploy/rabbitmq/topology.yaml) through the management API; enables the management plugin on a local broker.',
      'Reads config/nodes/<node>.yaml, which needs what the gateway needs as well:',
      "  - the private key and the partners' trust anchors (trmctl keys generate, for every node),",
      '  - the link passwords in the environment, e.g. TRM_LINK_AT_RS and TRM_LINK_RS_AT',
      '    (`set -a; . var/links.env; set +a` after a demo run).',
    ].join('\n'),
    options: ['node'],
    run: async (args) => {
      const summary = await applyTopology(loadConfigOf(requiredOption(args, 'node', 'AT')), { log: print });
      print(formatSummary(summary));
      return 0;
    },
  },
  {
    words: ['topology', 'tls-conf'],
    usage: 'trmctl topology tls-conf --node RS [--dir var/tls/RS] [--listen 5671] [--external]',
    help: [
      "Prints the rabbitmq.conf lines of the node's TLS listener (profile section 2), which the management API cannot set:",
      'TLS 1.3 and 1.2 only, a client certificate required (verify_peer, fail_if_no_peer_cert) and verified against',
      "<dir>/ca.pem, the broker's certificate <dir>/broker.pem and key <dir>/broker-key.pem (trmctl tls create, or the",
      "country's PKI). --listen is a port or address:port (default 5671). --external adds SASL EXTERNAL: a client logs",
      "in as its certificate's CN (ssl_cert_login_from = common_name; enable rabbitmq_auth_mechanism_ssl), and a",
      'partner with inbound.externalAuth gets a broker user without a password from trmctl topology apply.',
      'Add the lines to rabbitmq.conf and restart the broker; see deploy/rabbitmq/README.md.',
    ].join('\n'),
    options: ['node', 'dir', 'listen', 'external'],
    run: async (args) => {
      const node = requiredOption(args, 'node', 'RS');
      const dir = resolve(stringOption(args, 'dir') ?? join(varDir(), 'tls', node));
      const external = flag(args, 'external');
      const listen = stringOption(args, 'listen') ?? '5671';
      if (!/^(\d{1,5}|[0-9a-fA-F.:[\]]+:\d{1,5})$/.test(listen)) throw new UsageError('--listen must be a port or address:port, e.g. 5671 or 0.0.0.0:5671');
      print(`# TLS listener of node ${node}'s broker (trmctl topology tls-conf)`);
      if (external) print('# needs: rabbitmq-plugins enable rabbitmq_auth_mechanism_ssl');
      for (const line of tlsListenerConf({ listen, ...brokerTlsFiles(dir), external })) print(line);
      return 0;
    },
  },
  {
    words: ['tls', 'create'],
    usage: 'trmctl tls create --node RS --clients AT[,RS-gateway] [--dir var/tls/RS] [--hosts 127.0.0.1,localhost] [--days 365] [--force]',
    help: [
      "Creates TLS material of node RS's broker for tests and demos, PEM files in --dir (default var/tls/<node>):",
      '  ca.pem, ca-key.pem              a small CA of its own (ECDSA P-256); partners pin ca.pem (partners[].tls.ca)',
      "  broker.pem, broker-key.pem      the broker's server certificate for --hosts (subject alternative names)",
      '  <account>.pem, <account>-key.pem  a client certificate per broker account in --clients (CN = the account):',
      "                                  give each partner its own (partners[].tls.cert and key on the partner's node)",
      'Private keys are mode 0600. In production the certificates come from the PKI of the country (or of the',
      'organisation running the broker), not from this command. An existing ca.pem is kept unless --force is given.',
    ].join('\n'),
    options: ['node', 'clients', 'dir', 'hosts', 'days', 'force'],
    run: async (args) => {
      const node = requiredOption(args, 'node', 'RS');
      const days = Number(stringOption(args, 'days') ?? 365);
      if (!Number.isInteger(days) || days < 1) throw new UsageError('--days must be a positive integer');
      const list = (name: string, fallback: string) =>
        (stringOption(args, name) ?? fallback)
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean);
      const files = await createTlsMaterial({
        node,
        dir: resolve(stringOption(args, 'dir') ?? join(varDir(), 'tls', node)),
        clients: list('clients', ''),
        hosts: list('hosts', '127.0.0.1,localhost'),
        days,
        force: flag(args, 'force'),
      });
      print(`node ${node}: TLS material in ${displayPath(files.dir)}`);
      print(`  CA:     ${displayPath(files.ca)} (key ${displayPath(files.caKey)}, mode 0600: keep it offline)`);
      print(`  broker: ${displayPath(files.broker.cert)}, ${displayPath(files.broker.key)}`);
      for (const c of files.clients) print(`  client ${c.account}: ${displayPath(c.cert)}, ${displayPath(c.key)} (until ${c.notAfter})`);
      print(`  listener: trmctl topology tls-conf --node ${node}${stringOption(args, 'dir') ? ` --dir ${stringOption(args, 'dir')}` : ''}`);
      return 0;
    },
  },
  {
    words: ['token', 'mint'],
    usage: 'trmctl token mint --node AT --sub <person-id> --role coordinator[,caseworker,auditor,administrator] [--org <slug>] [--ttl 8h] [--issuer URL]',
    help: [
      "Prints a bearer token for node AT's HTTP API, signed by the local issuer in var/auth (created on first use; the",
      "node configurations accept it through auth.jwks). --sub is the caller's person id in the node's registry (what a",
      'caseworker may see follows the roles that person holds); --org limits an administrator to one organisation.',
      "For local use and tests: in production an organisation's identity provider issues the tokens. --issuer is the iss",
      "the node expects (its auth.issuer): by default $TRM_AUTH_ISSUER, else trm-local-issuer (the node YAMLs' default);",
      "a node started next to its identity provider expects that provider's URL.",
    ].join('\n'),
    options: ['node', 'sub', 'role', 'org', 'ttl', 'issuer'],
    run: async (args) => {
      const roles = requiredOption(args, 'role', 'coordinator')
        .split(',')
        .map((r) => r.trim());
      const unknown = roles.filter((r) => !(APP_ROLES as readonly string[]).includes(r));
      if (unknown.length) throw new UsageError(`--role: ${unknown.join(', ')} is not one of ${APP_ROLES.join(', ')}`);
      const local = await ensureIssuer(join(varDir(), 'auth'));
      const issuer = { ...local, issuer: stringOption(args, 'issuer') ?? process.env.TRM_AUTH_ISSUER ?? local.issuer };
      const token = await mintToken(issuer, {
        node: requiredOption(args, 'node', 'AT'),
        subject: requiredOption(args, 'sub', 'a person id'),
        roles: roles as AppRole[],
        organisation: stringOption(args, 'org'),
        ttlSeconds: durationOption(args, 'ttl', '8h') / 1000,
      });
      print(token);
      return 0;
    },
  },
  {
    words: ['webhook-secret'],
    usage: 'trmctl webhook-secret',
    help: [
      'Prints a fresh secret for a webhook endpoint (Standard Webhooks: whsec_ and the base64 of 32 random bytes). Give',
      "it to the receiving system, which verifies each call's signature with it, and to the node through the environment",
      '(notifications.webhooks[].secret: ${TRM_WEBHOOK_CMS_SECRET}, say); never write it into the YAML. See docs/webhooks.md.',
    ].join('\n'),
    options: [],
    run: async () => {
      print(webhookSecret());
      return 0;
    },
  },
  {
    words: ['identity-provider'],
    usage: 'trmctl identity-provider --node AT [--port 3101] [--console-url http://127.0.0.1:3001] [--accounts FILE] [--auth-dir DIR] [--directory FILE]',
    help: [
      "Runs the node's embedded default OpenID provider for development, the demo and tests (in production a node points",
      "auth.issuer at the organisation's own provider, e.g. Keycloak: see README). Authorization code flow with PKCE for",
      'one public client, trm-console-<node>, redirecting to <console-url>/signed-in. Accounts: the sample staff of',
      'config/directory/<node>.yaml (<org>.<role> per active role), auditor, admin and <org>.admin; their passwords are',
      'generated once in var/identity/<node>.accounts.json (--accounts). Tokens are signed with the local issuer in',
      'var/auth (--auth-dir), which the node configurations accept through auth.jwks; start the gateway with',
      'TRM_AUTH_ISSUER=<the URL printed>. Defaults: AT on 3101 for the console on 3001, RS on 3102 for 3002.',
    ].join('\n'),
    options: ['node', 'port', 'console-url', 'accounts', 'auth-dir', 'directory'],
    run: async (args) => {
      const node = requiredOption(args, 'node', 'AT');
      const demo = DEMO_PORTS[node];
      const rawPort = stringOption(args, 'port') ?? (demo ? String(demo.provider) : undefined);
      if (rawPort === undefined) throw new UsageError(`--port is required for node ${node}, e.g. --port 3101`);
      const port = Number(rawPort);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a TCP port (0 for any free one)');
      const consoleUrl = stringOption(args, 'console-url') ?? (demo ? `http://127.0.0.1:${demo.gateway}` : undefined);
      if (consoleUrl === undefined) throw new UsageError(`--console-url is required for node ${node}, e.g. --console-url http://127.0.0.1:3001`);
      if (!URL.canParse(consoleUrl)) throw new UsageError('--console-url must be a URL such as http://127.0.0.1:3001');
      return runIdentityProvider(
        {
          node,
          port,
          consoleUrl,
          authDir: resolve(stringOption(args, 'auth-dir') ?? join(varDir(), 'auth')),
          accountsFile: resolve(stringOption(args, 'accounts') ?? accountsFileOf(node)),
          directoryFile: resolve(stringOption(args, 'directory') ?? directoryFile(node)),
        },
        print,
      );
    },
  },
  {
    words: ['audit', 'verify'],
    usage: 'trmctl audit verify --node AT',
    help: [
      "Checks the hash chain of the node's audit log (database and schema of config/nodes/<node>.yaml): every entry's hash",
      'matches its content and names the entry before it, and seq has no gaps. Prints the number of entries and the hash',
      'of the last one, or the first entry that was altered, removed or put in between (exit code 2).',
    ].join('\n'),
    options: ['node'],
    run: async (args) => {
      const node = requiredOption(args, 'node', 'AT');
      const { url, schema } = loadConfigOf(node).database;
      const result = await verifyAudit(url, schema);
      print(formatAuditVerification(node, result));
      return result.ok ? 0 : 2;
    },
  },
  {
    words: ['openapi'],
    usage: 'trmctl openapi <out-file> [--node AT]',
    help: [
      "Writes the gateway's OpenAPI document (what /openapi.json serves) to <out-file>, without a database, broker or",
      'key files: what the web console generates its typed API client from at build time. --node only names the node',
      'in the title (default XX).',
    ].join('\n'),
    options: ['node'],
    arguments: 1,
    run: async (args) => {
      const file = args.positionals[1];
      if (!file) throw new UsageError('name the file to write, e.g. dist/openapi.json');
      print(`wrote ${displayPath(await writeOpenApi(file, stringOption(args, 'node')))}`);
      return 0;
    },
  },
  {
    words: ['demo'],
    usage: 'trmctl demo [--keep]',
    help: [
      'Runs nodes AT and RS locally, each with its identity provider: AT hands a sample return case over to RS, the demo',
      "prints both timelines, verifies RS's signed receipt and prints the notices both nodes mail to the roles'",
      'functional mailboxes (caught by an SMTP server of its own on 127.0.0.1; --keep prints the later ones as they come).',
      'Needs RabbitMQ (5672, management 15672) and PostgreSQL (5432) on 127.0.0.1 and a build (npm run demo builds',
      'first). Creates keys, link passwords and the sample accounts under var/ once and reuses them; logs go to',
      'var/logs/. --keep leaves both nodes running after the story and prints their consoles with the sample logins and',
      'passwords, until Ctrl-C (npm run console). Ports: TRM_DEMO_AT_PORT (3001), TRM_DEMO_RS_PORT (3002),',
      'TRM_DEMO_AT_IDP_PORT (3101), TRM_DEMO_RS_IDP_PORT (3102).',
    ].join('\n'),
    options: ['keep'],
    run: (args) => runDemo(process.env, undefined, { keep: flag(args, 'keep') }),
  },
  {
    words: ['bench', 'hostile'],
    usage: 'trmctl bench hostile',
    help: [
      'Starts one throw-away gateway (RS) and sends it, one at a time, the worst inputs the profile limits (revision 2):',
      'deep nesting, oversized arrays, 1 MiB request bodies over HTTP, and partner-signed messages up to 256 KiB over',
      'AMQP, while GET /health is asked every 5 ms. Prints how long each took to answer and the /health latency',
      'meanwhile (its maximum is how long the event loop was blocked). Needs a build (npm run bench builds first).',
    ].join('\n'),
    options: [],
    run: async () => {
      await runHostileBench(print);
      return 0;
    },
  },
  {
    words: ['bench'],
    usage: 'trmctl bench [--count 5000] [--concurrency 64] [--rates 100,2000] [--seconds 5] [--backlog 10000]',
    help: [
      'Measures the whole path (HTTP submit -> outbox -> sign -> AMQP -> verify -> store -> receipt -> delivered)',
      'between two throw-away gateway processes AT and RS on the local broker and database, then a raw amqplib',
      "baseline on the same broker. Prints handovers/s, p50/p99 submit-to-delivered latency, the gateways' peak RSS",
      'and the ratio to the baseline. --count handovers go as fast as possible (closed loop, --concurrency',
      'submitters); then each rate in --rates is offered for --seconds (open loop) to measure latency at that rate.',
      "Last, --backlog handovers are submitted while AT's link to RS's broker is cut (a TCP proxy), and the rate at",
      'which the backlog drains once the link is back is measured (--backlog 0 skips it; 1000 runs in about a minute).',
      'Needs a build (npm run bench builds first).',
    ].join('\n'),
    options: ['count', 'concurrency', 'rates', 'seconds', 'backlog'],
    run: async (args) => {
      const number = (name: string, fallback: number, min = 1) => {
        const raw = stringOption(args, name);
        const n = raw === undefined ? fallback : Number(raw);
        if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be ${min ? 'a positive integer' : 'an integer of at least 0'}`);
        return n;
      };
      const rates = (stringOption(args, 'rates') ?? '100,2000').split(',').map((r) => Number(r.trim()));
      if (rates.some((r) => !Number.isInteger(r) || r < 1)) throw new UsageError('--rates must list positive integers, e.g. 100,2000');
      await runBench({
        count: number('count', 5000),
        concurrency: number('concurrency', 64),
        rates,
        seconds: number('seconds', 5),
        backlog: number('backlog', 10_000, 0),
        out: print,
      });
      return 0;
    },
  },
];

const print = (line: string) => process.stdout.write(`${line}\n`);

/** A duration option such as 30m, 24h or 7d (units as in the node configuration), in milliseconds. */
function durationOption(args: ParsedArgs, name: string, fallback: string): number {
  const ms = parseDuration(stringOption(args, name) ?? fallback);
  if (ms === null) throw new UsageError(`--${name} must be a duration such as 30m, 24h or 7d`);
  return ms;
}

/** --keys-dir / --trust-dir, else $TRM_KEYS_DIR / $TRM_TRUST_DIR, else var/keys and var/trust. */
function keyDirsOf(args: ParsedArgs): KeyDirs {
  return {
    keysDir: resolve(stringOption(args, 'keys-dir') ?? process.env.TRM_KEYS_DIR ?? defaultKeysDir()),
    trustDir: resolve(stringOption(args, 'trust-dir') ?? process.env.TRM_TRUST_DIR ?? defaultTrustDir()),
  };
}

/** config/nodes/<node>.yaml with process.env, with a hint where the usual mistakes have an obvious fix. */
function loadConfigOf(node: string): NodeConfig {
  const file = nodeConfigFile(node);
  if (!existsSync(file)) {
    const known = readdirSync(dirname(file))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -5));
    throw new CliError(`no configuration ${file}; nodes configured here: ${known.join(', ') || '(none)'}`);
  }
  try {
    return loadNodeConfig(file, process.env);
  } catch (err) {
    if (err instanceof ConfigError && err.problems.some((p) => p.includes('TRM_LINK_'))) {
      throw new CliError(
        `configuration error in ${err.message}\nThe link passwords come from the environment; after a demo run: set -a; . var/links.env; set +a`,
      );
    }
    throw err;
  }
}

function usage(): string {
  return [
    'trmctl: operator tool of a TRM Gateway node',
    '',
    ...COMMANDS.flatMap((c) => [`  ${c.usage}`, ...c.help.split('\n').map((l) => `      ${l}`), '']),
    '  trmctl help [command]',
    '',
  ].join('\n');
}

const commandUsage = (c: Command): string => `usage: ${c.usage}\n\n${c.help}\n`;

/** The command whose words start the positionals, e.g. `keys generate`. */
function findCommand(positionals: string[]): Command | undefined {
  return COMMANDS.find((c) => c.words.every((w, i) => positionals[i] === w));
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, new Set(['force', 'help', 'keep', 'external']));
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${err.message} (see trmctl help)`);
    throw err;
  }
  const { positionals } = args;
  if (positionals.length === 0 || positionals[0] === 'help') {
    const topic = findCommand(positionals.slice(1));
    process.stdout.write(topic ? commandUsage(topic) : usage());
    return 0;
  }
  const command = findCommand(positionals);
  if (!command) {
    process.stderr.write(`trmctl: unknown command "${positionals.join(' ')}"\n\n${usage()}`);
    return 1;
  }
  if (flag(args, 'help')) {
    process.stdout.write(commandUsage(command));
    return 0;
  }
  try {
    const extra = positionals.slice(command.words.length + (command.arguments ?? 0));
    if (extra.length) throw new UsageError(`unexpected argument "${extra.join(' ')}"`);
    expectOptions(args, [...command.options, 'help']);
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${err.message}\n\n${commandUsage(command)}`);
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const text =
      err instanceof ConfigError
        ? `configuration error in ${err.message}`
        : err instanceof CliError
          ? err.message
          : err instanceof Error
            ? process.env.TRM_DEBUG
              ? (err.stack ?? err.message)
              : err.message
            : String(err);
    process.stderr.write(`trmctl: ${text}\n`);
    process.exitCode = 1;
  },
);
