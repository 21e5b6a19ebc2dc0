import { join } from 'node:path';
import { ConfigError, loadNodeConfig } from '../../../gateway/src/config/load-config';
import { CliError } from '../errors';
import { KeyDirs, ensureKeyFiles, readJwks, trustAnchorFile } from '../keys';
import { defaultKeysDir, defaultTrustDir, displayPath, nodeConfigFile, repoRoot, varDir } from '../paths';
import { applyTopology, formatSummary, removeTopology } from '../topology/apply';
import { ensureLinkPasswords } from './links';
import { HandoverView, NodeClient } from './node-client';
import { isPortInUse, localServices, unreachable } from '../local/preflight';
import { handoverHeader, inboxBlock, mailBlock, mailLines, receiptLine, timelineBlock } from './print';
import { GatewayProcess, GatewayProcesses, describeExit, logTail, stoppedCleanly } from '../local/gateway-processes';
import { ReceivedMail, SmtpCatcher } from '../local/mail-catcher';
import { caseTimeline, playEscalation, playReturn } from './case-story';
import { checkReceipt } from './receipt-check';
import { LocalIssuer, ensureIssuer, mintToken } from '../tokens';
import { sampleReturnHandover } from './sample-handover';
import { AccountsFile, DEMO_PORTS, accountsFileOf, identityProviderSpec } from '../identity';
import { readFileSync } from 'node:fs';
import type { NodeConfig } from '../../../gateway/src/config/node-config';
import { Client } from 'pg';

const SENDER = 'AT';
const RECIPIENT = 'RS';
const STEPS = 10;
const START_TIMEOUT_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 30_000;
/** The longest the demo waits for the mail it expects: notices go out right after what they are about is stored. */
const MAIL_TIMEOUT_MS = 15_000;
/** Once the expected mail is in, this long without another: the rest of what one step sent has arrived too. */
const MAIL_QUIET_MS = 1_000;

type Out = (line: string) => void;

/** Progress and results to `out`, failures to `err`. */
export interface DemoOutput {
  out: Out;
  err: Out;
}

const terminal: DemoOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export interface DemoOptions {
  /** After the story, leave the gateways and identity providers running (the consoles to try) until Ctrl-C. */
  keep?: boolean;
}

/**
 * `trmctl demo`: two local nodes, AT and RS, on the local RabbitMQ and PostgreSQL, each with its identity provider.
 * AT hands a return case over to RS; the demo shows both sides' timelines, checks RS's signed receipt itself, and
 * prints the notices both nodes mailed to their roles' functional mailboxes (a local SMTP server catches them).
 * Returns the exit code.
 */
export async function runDemo(env: NodeJS.ProcessEnv = process.env, { out, err: fail }: DemoOutput = terminal, options: DemoOptions = {}): Promise<number> {
  const step = (n: number, text: string) => out(`[${n}/${STEPS}] ${text}`);
  const gateways = new GatewayProcesses();
  const signals = installSignalHandlers(gateways, out);
  let catcher: SmtpCatcher | null = null;
  try {
    out(`trmctl demo: node ${SENDER} hands a return case over to node ${RECIPIENT} over RabbitMQ`);
    step(1, 'checking RabbitMQ and PostgreSQL');
    await checkServices(env);

    step(2, 'keys and link passwords');
    const dirs: KeyDirs = { keysDir: defaultKeysDir(), trustDir: defaultTrustDir() };
    const nodeEnv = prepareNodeEnv(env, dirs, out);
    const issuer = await ensureIssuer(join(varDir(), 'auth'));
    out(`      API tokens: local issuer ${displayPath(join(varDir(), 'auth'))}`);

    step(3, "a clean slate: each node's database schema and broker virtual host, afresh");
    for (const node of [SENDER, RECIPIENT]) {
      const config = loadNodeConfig(nodeConfigFile(node), nodeEnv);
      await startAfresh(config);
      out(`      ${formatSummary(await applyTopology(config))}`);
    }

    step(4, 'starting a mail catcher, the identity providers and the gateways');
    catcher = await SmtpCatcher.start();
    out(`      mail catcher on 127.0.0.1:${catcher.port}: an SMTP server that keeps the notices the nodes mail (notifications.smtp)`);
    const [at, rs] = await startGateways(gateways, { ...nodeEnv, TRM_SMTP_PORT: String(catcher.port) }, out, issuer);

    step(5, 'exchanging directories (signed registry.update both ways)');
    await awaitDirectories(at, rs);
    const request = sampleReturnHandover();
    const lookup = await at.directory({ country: RECIPIENT, purpose: 'return', ageGroup: 'adult', language: 'sr', exploitation: 'sexual' });
    out(`      ${SENDER} asks its registry who in ${RECIPIENT} takes the return of an adult, sexual exploitation, speaking sr:`);
    for (const m of lookup.matches.slice(0, 3)) out(`        ${m.address.padEnd(28)} ${m.reasons.join('; ')}`);

    step(6, 'submitting the sample handover');
    const submitted = await at.submitHandover(request);
    out(`      ${request.sender} -> ${request.recipient}: handover ${submitted.id}, case ${submitted.caseRef}`);

    step(7, `waiting for ${RECIPIENT}'s receipt`);
    const view = await awaitSettlement(at, submitted.id, gateways);
    out(`      ${view.status}${view.reason ? ` (${view.reason})` : ''}`);

    step(8, `checking the receipt against ${RECIPIENT}'s trust anchor`);
    if ((await report(view, at, rs, dirs, { out, err: fail })) !== 0) return 1;

    step(
      9,
      `the case moves on, message by message, the same on both nodes (acceptance due within ${nodeEnv.TRM_AGREEMENT_ACCEPTANCE} for this demo, not 48 h)`,
    );
    const finished = await playReturn(at, rs, submitted.caseRef, out);
    out('');
    for (const line of caseTimeline(finished)) out(line);
    out('');
    out('  Each node mails a notice to the functional mailbox of the role a message waits for, or whose deadline is near or');
    out('  missed: the case, the message type, the deadline and a console link, never what the message says.');
    // RS's intake hears of the request and each message after it; AT's coordination office of each answer.
    await printMail(catcher, submitted.caseRef, [await mailboxOf(rs, request.recipient), await mailboxOf(at, request.sender)], out);
    out('');

    step(10, `variant: acceptance never comes (deadline shortened to ${nodeEnv.TRM_AGREEMENT_ACCEPTANCE} for the demo)`);
    const escalation = { ...request, recipient: 'RS/atina/reintegration' };
    const escalated = await playEscalation(at, escalation, out);
    out('');
    // The silent role heard of the request; the roles AT alerted hear that the deadline passed.
    const alerted = await Promise.all(escalated.alerted.map((role) => mailboxOf(at, role)));
    await printMail(catcher, escalated.caseRef, [await mailboxOf(rs, escalation.recipient), ...alerted], out);
    out('\nDemo succeeded.');
    if (options.keep) {
      printConsoles([at, rs], out);
      const live = catcher;
      out(`Mail the nodes send from now on (to 127.0.0.1:${live.port}) is printed here as it arrives:`);
      live.onMail = (mail) => out([...mailLines(mail), ''].join('\n'));
      await signals.interrupted();
    }
    return 0;
  } catch (err) {
    if (gateways.isStopping) return 130; // interrupted: the signal handler has said so and exits
    const text = err instanceof ConfigError ? `configuration error in ${err.message}` : err instanceof Error ? err.message : String(err);
    fail(`\nDemo failed: ${text}`);
    if (!(err instanceof CliError || err instanceof ConfigError) && env.TRM_DEBUG && err instanceof Error) fail(err.stack ?? '');
    return 1;
  } finally {
    await stopGateways(gateways, out);
    await catcher?.down();
    signals.remove();
  }
}

async function checkServices(env: NodeJS.ProcessEnv): Promise<void> {
  const missing = await unreachable(localServices(env));
  if (!missing.length) return;
  const lines = missing.map((s) => `${s.name} is not reachable on ${s.host}:${s.port}. Start it with:\n    ${s.start}`);
  throw new CliError(`${lines.join('\n')}\nor with Docker: docker compose up -d rabbitmq postgres\nThen run the demo again.`);
}

/** Keys, trust anchors and link passwords under var/, created once and reused; the environment for both nodes. */
function prepareNodeEnv(env: NodeJS.ProcessEnv, dirs: KeyDirs, out: Out): NodeJS.ProcessEnv {
  for (const node of [SENDER, RECIPIENT]) {
    const keys = ensureKeyFiles(node, dirs);
    out(`      ${node}: ${keys.created ? 'created' : 'reusing'} keys ${keys.kids.join(', ')}`);
  }
  const linksFile = join(varDir(), 'links.env');
  const links = ensureLinkPasswords(linksFile);
  out(`      link passwords: ${links.created.length ? 'created' : 'reusing'} ${displayPath(linksFile)}`);
  const { TRM_CONFIG: _config, TRM_NODE: _node, ...inherited } = env; // each gateway is told its node by --node
  // Deadlines short enough to see an escalation during the demo, checked every second.
  return {
    TRM_AGREEMENT_ACCEPTANCE: '6s',
    TRM_DEADLINE_CHECK: '1s',
    ...inherited,
    ...links.values,
    TRM_KEYS_DIR: dirs.keysDir,
    TRM_TRUST_DIR: dirs.trustDir,
    TRM_AUTH_JWKS: join(varDir(), 'auth', 'issuer.jwks.json'),
  };
}

async function startGateways(gateways: GatewayProcesses, nodeEnv: NodeJS.ProcessEnv, out: Out, issuer: LocalIssuer): Promise<NodeClient[]> {
  const entry = join(repoRoot(), 'dist', 'apps', 'gateway', 'src', 'main.js');
  const specs = [
    {
      node: SENDER,
      port: demoPort(nodeEnv, 'TRM_DEMO_AT_PORT', DEMO_PORTS.AT.gateway),
      providerPort: demoPort(nodeEnv, 'TRM_DEMO_AT_IDP_PORT', DEMO_PORTS.AT.provider),
    },
    {
      node: RECIPIENT,
      port: demoPort(nodeEnv, 'TRM_DEMO_RS_PORT', DEMO_PORTS.RS.gateway),
      providerPort: demoPort(nodeEnv, 'TRM_DEMO_RS_IDP_PORT', DEMO_PORTS.RS.provider),
    },
  ];
  const ports = specs.flatMap((s) => [s.port, s.providerPort]);
  if (new Set(ports).size !== ports.length) throw new CliError(`the demo's ports must all differ: ${ports.join(', ')}`);
  for (const { node, port, providerPort } of specs) {
    for (const [p, variable] of [
      [port, `TRM_DEMO_${node}_PORT`],
      [providerPort, `TRM_DEMO_${node}_IDP_PORT`],
    ] as const) {
      if (await isPortInUse(p)) {
        throw new CliError(
          `port ${p} for node ${node} is already in use, perhaps by a gateway or identity provider of an earlier run (see: ss -ltnp "sport = :${p}"). ` +
            `Stop that process, or choose another port: ${variable}=<port> npm run demo`,
        );
      }
    }
  }
  // Each node's identity provider first: its URL is the issuer the node's gateway accepts tokens from.
  const providers = specs.map(({ node, port, providerPort }) =>
    gateways.start(
      identityProviderSpec({
        node,
        port: providerPort,
        consoleUrl: `http://127.0.0.1:${port}`,
        logFile: join(varDir(), 'logs', `${node}.identity.log`),
        env: nodeEnv,
        authDir: join(varDir(), 'auth'),
      }),
    ),
  );
  await Promise.all(providers.map((p) => gateways.waitUntilServing(p, START_TIMEOUT_MS)));
  for (const p of providers) out(`      ${p.label} on ${p.url} (pid ${p.child.pid}, log ${displayPath(p.logFile)})`);
  const started = specs.map(({ node, port }, i) =>
    gateways.start({ node, port, entry, env: { ...nodeEnv, TRM_AUTH_ISSUER: providers[i].url }, logFile: join(varDir(), 'logs', `${node}.log`) }),
  );
  await Promise.all(started.map((g) => gateways.waitUntilServing(g, START_TIMEOUT_MS)));
  for (const g of started) out(`      ${g.label} on ${g.url} (pid ${g.child.pid}, log ${displayPath(g.logFile)})`);
  // The demo acts as each node's operator: coordinator and administrator, with a token as from the node's provider.
  return Promise.all(
    started.map(
      async (g, i) =>
        new NodeClient(
          g.node,
          g.url,
          await mintToken({ ...issuer, issuer: providers[i].url }, { subject: 'demo-operator', roles: ['coordinator', 'administrator'], node: g.node }),
        ),
    ),
  );
}

/**
 * What an earlier run left in the demo node's schema and virtual host is removed: a run that reuses keys from var/ but
 * finds a partner's older keys, directory versions or staff in the database would refuse its own messages. The demo's
 * nodes are sample data only (config/nodes/*.yaml); a real node is never started this way.
 */
async function startAfresh(config: NodeConfig): Promise<void> {
  await removeTopology(config);
  const client = new Client({ connectionString: config.database.url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${config.database.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A role's functional mailbox, as the node's directory has it. */
async function mailboxOf(node: NodeClient, role: string): Promise<string> {
  const mailbox = (await node.role(role)).channels?.mailbox;
  if (!mailbox) throw new CliError(`${role} has no mailbox in ${node.node}'s directory (config/directory/${node.node}.yaml)`);
  return mailbox;
}

/**
 * Prints the mail about `caseRef` the catcher holds once each of `mailboxes` has some and no more came for a moment;
 * fails, after printing what came, when one of them got none within MAIL_TIMEOUT_MS.
 */
async function printMail(catcher: SmtpCatcher, caseRef: string, mailboxes: string[], out: Out): Promise<void> {
  const deadline = Date.now() + MAIL_TIMEOUT_MS;
  let mails: ReceivedMail[];
  let missing: string[];
  for (;;) {
    mails = catcher.mails.filter((m) => m.subject.includes(caseRef) || m.text.includes(caseRef));
    missing = mailboxes.filter((box) => !mails.some((m) => m.to.includes(box.toLowerCase())));
    const quiet = Date.now() - (mails.at(-1)?.receivedAt.getTime() ?? 0) >= MAIL_QUIET_MS;
    if ((!missing.length && quiet) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const line of mailBlock(`Mail the nodes sent to functional mailboxes about case ${caseRef}`, mails)) out(line);
  if (missing.length)
    throw new CliError(
      `no mail to ${missing.join(', ')} about case ${caseRef} within ${MAIL_TIMEOUT_MS / 1000} s. See var/logs/${SENDER}.log and var/logs/${RECIPIENT}.log`,
    );
}

/** --keep: where to sign in, and as whom. */
function printConsoles(nodes: NodeClient[], out: Out): void {
  out('\nThe consoles keep running until Ctrl-C:');
  for (const n of nodes) out(`  ${n.node}  ${n.url}/`);
  for (const n of nodes) {
    const file = accountsFileOf(n.node);
    const { accounts } = JSON.parse(readFileSync(file, 'utf8')) as AccountsFile;
    const width = Math.max(...accounts.map((a) => a.login.length));
    out(`\nSample logins of ${n.node} (fictional staff; passwords kept in ${displayPath(file)}):`);
    for (const a of accounts) out(`  ${a.login.padEnd(width)}  ${a.password}  ${[...a.roles, ...(a.organisation ? [`of ${a.organisation}`] : [])].join(', ')}`);
  }
  out('');
}

function demoPort(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable];
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`${variable}=${raw} is not a TCP port (1-65535)`);
  return port;
}

/** Each node publishes its directory to the other at start; wait until both hold the other's. */
async function awaitDirectories(...nodes: NodeClient[]): Promise<void> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  for (const node of nodes) {
    const others = nodes.filter((n) => n !== node).map((n) => n.node);
    for (;;) {
      const { sources } = await node.directory();
      if (others.every((o) => sources.some((s) => s.node === o && s.version !== null))) break;
      if (Date.now() > deadline)
        throw new CliError(`${node.node} did not receive the directory of ${others.join(', ')} within ${DELIVERY_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Polls the sender until the handover is delivered or rejected. */
async function awaitSettlement(sender: NodeClient, id: string, gateways: GatewayProcesses): Promise<HandoverView> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  for (;;) {
    failIfCrashed(gateways.crashed());
    const view = await sender.handover(id).catch((err: unknown) => {
      failIfCrashed(gateways.crashed()); // a crash explains a failed call better than the call's own error
      throw err;
    });
    if (view.status === 'delivered' || view.status === 'rejected') return view;
    if (Date.now() > deadline) {
      const events = view.timeline.map((e) => e.event).join(', ');
      throw new CliError(
        `no receipt from ${RECIPIENT} within ${DELIVERY_TIMEOUT_MS / 1000} s: the handover is "${view.status}" (events: ${events}). ` +
          `See var/logs/${SENDER}.log and var/logs/${RECIPIENT}.log`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function failIfCrashed(crashed: GatewayProcess[]): void {
  const [g] = crashed;
  if (g) throw new CliError(`gateway ${g.node} exited (${describeExit(g)}). Last lines of ${displayPath(g.logFile)}:\n${logTail(g.logFile)}`);
}

/** Prints both sides and the receipt check; 0 when the handover was delivered and the receipt holds. */
async function report(view: HandoverView, sender: NodeClient, recipient: NodeClient, dirs: KeyDirs, { out, err }: DemoOutput): Promise<number> {
  const [inbox, incoming] = await Promise.all([recipient.inbox(), recipient.handover(view.id)]);
  const receipt = view.evidence?.receipt;
  const check =
    receipt?.jws && view.evidence?.digest
      ? await checkReceipt({
          jws: receipt.jws,
          handoverId: view.id,
          digest: view.evidence.digest,
          partner: recipient.node,
          trustAnchor: readJwks(trustAnchorFile(recipient.node, dirs)),
        })
      : ({ ok: false, problem: `${sender.node} holds no receipt or no digest for the handover` } as const);

  out('');
  for (const line of [
    ...handoverHeader(view),
    ...timelineBlock(`${sender.node} (sender) timeline`, view.timeline),
    ...inboxBlock(
      recipient.node,
      inbox.filter((i) => i.caseRef === view.caseRef),
    ),
    ...timelineBlock(`${recipient.node} (recipient) timeline`, incoming.timeline),
  ]) {
    out(line);
  }
  out('');
  out(receiptLine(check, recipient.node));
  if (check.ok && check.status !== view.status) out(`But ${sender.node} shows the handover as ${view.status}, the receipt says ${check.status}.`);
  const success = view.status === 'delivered' && check.ok && check.status === 'delivered';
  if (!success) err(`\nDemo failed: the handover was not delivered with a valid receipt. See var/logs/${sender.node}.log and ${recipient.node}.log`);
  return success ? 0 : 1;
}

async function stopGateways(gateways: GatewayProcesses, out: Out): Promise<void> {
  if (!gateways.list().length) return;
  await gateways.stopAll();
  const unusual = gateways.list().filter((g) => !stoppedCleanly(g));
  const detail = unusual.length ? ` (${unusual.map((g) => `${g.label}: ${describeExit(g)}`).join(', ')}; see var/logs/)` : '';
  out(
    `Stopped ${gateways
      .list()
      .map((g) => g.label)
      .join(', ')}${detail}.`,
  );
}

/**
 * Ctrl-C (or SIGTERM/SIGHUP) stops the gateways and identity providers before trmctl exits; a second one kills them at
 * once. While the demo waits in `interrupted()` (--keep), the first one ends that wait instead.
 */
function installSignalHandlers(gateways: GatewayProcesses, out: Out): { interrupted: () => Promise<void>; remove: () => void } {
  let interrupted = false;
  let endWait: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      gateways.killAllNow();
      process.exit(130);
    }
    interrupted = true;
    out(`\n${signal}: stopping the gateways and identity providers (again to kill them)`);
    if (endWait) return endWait();
    void gateways.stopAll().finally(() => process.exit(130));
  };
  const onExit = () => gateways.killAllNow();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('exit', onExit);
  return {
    interrupted: () => new Promise<void>((resolve) => (endWait = resolve)),
    remove: () => {
      for (const s of signals) process.off(s, onSignal);
      process.off('exit', onExit);
    },
  };
}
