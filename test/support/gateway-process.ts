import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './http';

const MAIN = join(__dirname, '../../dist/apps/gateway/src/main.js');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A gateway running as its own OS process, from the compiled build, so a test can kill it for real. */
export class GatewayProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    private readonly configFile: string,
    readonly port: number,
  ) {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm test builds before running Jest)`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [MAIN], { env: { ...process.env, TRM_CONFIG: this.configFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    await eventually(
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`gateway exited: ${this.output.slice(-2000)}`);
        const r = await fetch(`${this.url}/v1/inbox?limit=1`).catch(() => null);
        return r?.status === 200 ? true : undefined;
      },
      30_000,
      'the gateway process to answer',
    );
  }

  /** SIGKILL: no shutdown hook runs, whatever was in flight is cut off. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  get log(): string {
    return this.output;
  }
}
