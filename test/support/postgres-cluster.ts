import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { appendFileSync, chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL cluster of its own, in a temporary directory on its own port, so that it can be stopped without
 * touching the shared server. initdb refuses to run as root: as root, it runs as the postgres user. Given a running
 * `primary`, the cluster is its streaming standby instead (a base backup with the standby settings, `-R`), which
 * `promote` makes a primary of its own.
 */
export class ThrowAwayCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'trm-pg-'));
  private readonly bin = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().pop()!, 'bin');

  constructor(
    readonly port: number,
    primary?: ThrowAwayCluster,
  ) {
    if (process.getuid?.() === 0)
      chownSync(
        this.dir,
        Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
        Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
      );
    if (primary) {
      this.run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', this.data, '-R', '-X', 'stream', '--no-sync']);
    } else {
      this.run('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
      // What a standby needs of its primary: WAL for replicas and a replication connection from loopback.
      appendFileSync(join(this.data, 'postgresql.conf'), '\nwal_level = replica\nmax_wal_senders = 4\n');
      appendFileSync(join(this.data, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
    }
  }

  get data(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** The server runs (asynchronously, as every command while a test's gateways run: they keep working meanwhile). */
  start(): Promise<void> {
    return this.runAsync('pg_ctl', [
      '-D',
      this.data,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  }

  /** Started unless it runs (after a test that failed while it was down, its scratch schema still has to go). */
  async ensureRunning(): Promise<void> {
    try {
      await this.runAsync('pg_ctl', ['-D', this.data, 'status']);
    } catch {
      await this.start();
    }
  }

  /** As a crash or a pulled plug: no shutdown, every connection just ends. */
  kill(): Promise<void> {
    return this.runAsync('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
  }

  /**
   * A commit here waits until a standby has it too: what a client was told is stored survives the loss of this server.
   * Only once the standby streams, or every commit would wait for it.
   */
  requireSynchronousStandby(): Promise<void> {
    return this.runAsync('psql', [
      '-h',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-U',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      "ALTER SYSTEM SET synchronous_standby_names = '*'",
      '-c',
      'SELECT pg_reload_conf()',
    ]);
  }

  /** A standby leaves recovery and takes writes: the new primary of a switchover. Returns once it does. */
  promote(): Promise<void> {
    return this.runAsync('pg_ctl', ['-D', this.data, '-w', 'promote']);
  }

  async remove(): Promise<void> {
    try {
      await this.kill();
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private command(tool: string, args: string[]): [string, string[]] {
    return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(this.bin, tool), ...args]] : [join(this.bin, tool), args];
  }

  private run(tool: string, args: string[]): void {
    execFileSync(...this.command(tool, args), { stdio: 'ignore' });
  }

  private async runAsync(tool: string, args: string[]): Promise<void> {
    await promisify(execFile)(...this.command(tool, args));
  }
}
