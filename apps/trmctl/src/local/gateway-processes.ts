import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError } from '../errors';
import { displayPath } from '../paths';

export interface GatewaySpec {
  node: string;
  port: number;
  /** dist/apps/gateway/src/main.js */
  entry: string;
  logFile: string;
  env: NodeJS.ProcessEnv;
  /** A node YAML to run instead of config/nodes/<node>.yaml. */
  configFile?: string;
  /** Options for node itself, e.g. --cpu-prof. */
  nodeOptions?: string[];
  /** Arguments after the entry instead of `--node <node>`: another program of the build, e.g. trmctl identity-provider. */
  args?: string[];
  /** Answers 200 once the process serves (default /health). */
  readyPath?: string;
  /** How messages name it (default `gateway <node>`). */
  label?: string;
}

export interface GatewayProcess {
  node: string;
  label: string;
  url: string;
  readyPath: string;
  logFile: string;
  child: ChildProcess;
  /** Set once the process has ended. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  exited: Promise<void>;
}

/** V8 options every gateway runs with (as `npm start` and the container image): a small young generation keeps a busy gateway near 120 MB resident instead of 230 MB. */
export const GATEWAY_NODE_OPTIONS = ['--max-semi-space-size=4', '--max-old-space-size=256'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Gateway processes started from the build (demo, benchmark, crash tests); `stopAll` ends each of them, and only them. */
export class GatewayProcesses {
  private readonly running: GatewayProcess[] = [];
  private stopping: Promise<void> | null = null;

  start(spec: GatewaySpec): GatewayProcess {
    if (!existsSync(spec.entry)) throw new CliError(`${spec.entry} is missing: build first with npx nest build gateway`);
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const log = openSync(spec.logFile, 'w');
    // Own process group: Ctrl-C reaches trmctl only, which then stops the gateways in order.
    const child = spawn(
      process.execPath,
      [...GATEWAY_NODE_OPTIONS, ...(spec.nodeOptions ?? []), spec.entry, ...(spec.args ?? (spec.configFile ? [] : ['--node', spec.node]))],
      {
        env: { ...spec.env, TRM_HTTP_PORT: String(spec.port), ...(spec.configFile ? { TRM_CONFIG: spec.configFile } : {}) },
        stdio: ['ignore', log, log],
        detached: true,
      },
    );
    closeSync(log);
    const gateway: GatewayProcess = {
      node: spec.node,
      label: spec.label ?? `gateway ${spec.node}`,
      url: `http://127.0.0.1:${spec.port}`,
      readyPath: spec.readyPath ?? '/health',
      logFile: spec.logFile,
      child,
      exit: null,
      exited: Promise.resolve(),
    };
    gateway.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        gateway.exit = { code, signal };
        resolve();
      });
      child.once('error', (err) => {
        gateway.exit = { code: null, signal: null };
        process.stderr.write(`cannot start ${gateway.label}: ${err.message}\n`);
        resolve();
      });
    });
    this.running.push(gateway);
    return gateway;
  }

  /** Polls GET /health (or its readyPath) until it answers 200; fails with the tail of the log when the process ends or time runs out. */
  async waitUntilServing(gateway: GatewayProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (gateway.exit)
        throw new CliError(
          `${gateway.label} exited (${describeExit(gateway)}) while starting. Last lines of ${displayPath(gateway.logFile)}:\n${logTail(gateway.logFile)}`,
        );
      if (await answers(`${gateway.url}${gateway.readyPath}`)) return;
      await sleep(200);
    }
    throw new CliError(
      `${gateway.label} did not answer on ${gateway.url} within ${timeoutMs / 1000} s. Last lines of ${displayPath(gateway.logFile)}:\n${logTail(gateway.logFile)}`,
    );
  }

  /** SIGTERM to every gateway still running, SIGKILL to those not gone after `graceMs`. Safe to call repeatedly. */
  stopAll(graceMs = 10_000): Promise<void> {
    this.stopping ??= Promise.all(this.running.map((g) => stop(g, graceMs))).then(() => undefined);
    return this.stopping;
  }

  /** SIGKILL one gateway: no shutdown hook runs, whatever it had in flight is cut off. */
  async kill(gateway: GatewayProcess): Promise<void> {
    if (gateway.exit) return;
    gateway.child.kill('SIGKILL');
    await gateway.exited;
  }

  /** Stops one gateway: SIGTERM, then SIGKILL after `graceMs`. */
  stop(gateway: GatewayProcess, graceMs = 10_000): Promise<void> {
    return stop(gateway, graceMs);
  }

  /** Last resort when trmctl itself is exiting: no waiting possible. */
  killAllNow(): void {
    for (const g of this.running) if (!g.exit) g.child.kill('SIGKILL');
  }

  list(): readonly GatewayProcess[] {
    return this.running;
  }

  /** Gateways that ended on their own, e.g. crashed while the demo ran; none once stopping began. */
  crashed(): GatewayProcess[] {
    return this.stopping ? [] : this.running.filter((g) => g.exit !== null);
  }

  get isStopping(): boolean {
    return this.stopping !== null;
  }
}

async function stop(gateway: GatewayProcess, graceMs: number): Promise<void> {
  if (gateway.exit) return;
  gateway.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const gone = await Promise.race([gateway.exited.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))]);
  clearTimeout(timer); // a pending timer would keep trmctl alive after the demo
  if (!gone) {
    process.stderr.write(`${gateway.label} did not stop within ${graceMs / 1000} s; killing it\n`);
    gateway.child.kill('SIGKILL');
    await gateway.exited;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

export function describeExit(gateway: GatewayProcess): string {
  const { code, signal } = gateway.exit ?? { code: null, signal: null };
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

/** Peak resident set size of a running process in bytes (Linux /proc), or null where unavailable. */
export function peakRss(gateway: GatewayProcess): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${gateway.child.pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Ended by our SIGTERM (Nest re-raises it after its shutdown hooks) or with exit code 0. */
export const stoppedCleanly = (gateway: GatewayProcess): boolean => gateway.exit?.signal === 'SIGTERM' || gateway.exit?.code === 0;

/** The last lines of a log file, indented, for an error message; JSON log lines shortened to level and message. */
export function logTail(file: string, lines = 15): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trimEnd();
  } catch {
    return '    (no log)';
  }
  if (!text) return '    (empty)';
  return text
    .split('\n')
    .slice(-lines)
    .map((l) => `    ${readableLogLine(l)}`)
    .join('\n');
}

function readableLogLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: string; msg?: unknown; context?: string };
    const message = String(entry.msg).split('\n')[0];
    return `${entry.level ?? 'log'}${entry.context ? ` [${entry.context}]` : ''}: ${message}`;
  } catch {
    return line;
  }
}
