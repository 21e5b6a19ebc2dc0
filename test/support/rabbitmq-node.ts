import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/rabbitmq/bin';

export interface RabbitNodeOptions {
  /** Short name: the node is `<name>@localhost`. Unique on the machine. */
  name: string;
  /** Plain AMQP on 127.0.0.1; the Erlang distribution port is this plus 20000. */
  port: number;
  /** Lines added to the node's rabbitmq.conf (a TLS listener, say). */
  conf?: string[];
  /** Plugins enabled at start (in the node's own enabled_plugins file, never the shared broker's). */
  plugins?: string[];
}

/**
 * A RabbitMQ node of a test's own: own name, ports, config, plugins and data in a temporary directory, run as root
 * straight from RabbitMQ's own scripts (not Debian's wrapper, which drops the environment), so it can be stopped,
 * misconfigured or clustered without touching the shared broker. `remove` stops it and deletes everything.
 */
export class RabbitNode {
  readonly dir = mkdtempSync(join(tmpdir(), 'trm-rabbit-'));
  readonly node: string;

  constructor(readonly options: RabbitNodeOptions) {
    this.node = `${options.name}@localhost`;
    mkdirSync(join(this.dir, 'log'));
    writeFileSync(join(this.dir, 'rabbitmq-env.conf'), '');
    writeFileSync(
      join(this.dir, 'rabbitmq.conf'),
      [`listeners.tcp.local = 127.0.0.1:${options.port}`, 'loopback_users = none', ...(options.conf ?? [])].join('\n') + '\n',
    );
    writeFileSync(join(this.dir, 'enabled_plugins'), `[${(options.plugins ?? []).join(',')}].\n`);
  }

  get amqpUrl(): string {
    return `amqp://guest:guest@127.0.0.1:${this.options.port}`;
  }

  private get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_PORT: String(this.options.port),
      RABBITMQ_DIST_PORT: String(this.options.port + 20_000),
      RABBITMQ_CONF_ENV_FILE: join(this.dir, 'rabbitmq-env.conf'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_PID_FILE: join(this.dir, 'pid'),
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }

  /** Starts the node and waits until it serves. */
  async start(): Promise<void> {
    await run(join(BIN, 'rabbitmq-server'), ['-detached'], { env: this.env });
    // `await_startup` fails at once while the detached node has not yet registered with epmd; `wait` on its pid file
    // waits for that too.
    await this.ctl('wait', join(this.dir, 'pid'), '--timeout', '120');
  }

  /** Stops the node (its data stays: `start` brings it back). */
  async stop(): Promise<void> {
    await this.ctl('stop');
  }

  /** `rabbitmqctl` against this node. */
  async ctl(...args: string[]): Promise<string> {
    const { stdout } = await run(join(BIN, 'rabbitmqctl'), ['-n', this.node, ...args], { env: this.env });
    return stdout;
  }

  /** Stopped if running, and every file gone. Synchronous and quiet, for afterAll. */
  remove(): void {
    try {
      execFileSync(join(BIN, 'rabbitmqctl'), ['-n', this.node, 'stop'], { env: this.env, stdio: 'ignore', timeout: 60_000 });
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
