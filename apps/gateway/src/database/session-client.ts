import { Client, ClientConfig } from 'pg';
import { DatabaseHost, DatabaseTargets, TargetSessionAttrs } from '../config/database-url';

/** How long asking one listed host whether it takes writes may take, unless the pool sets a connect timeout. */
const PROBE_TIMEOUT_MS = 5_000;
/** SQLSTATE of a write refused by a read-only server: a standby, or a primary demoted under the gateway. */
const READ_ONLY = '25006';
/** SQLSTATE libpq's own failures to connect carry; `isConnectionLoss` knows the class. */
const UNABLE_TO_CONNECT = '08001';

type ConnectCallback = (err: Error | null, client?: Client) => void;

/** Why the session on `client` does not serve `attrs`, or null if it does (libpq's checks for each value). */
async function refusal(client: Client, attrs: TargetSessionAttrs): Promise<string | null> {
  if (attrs === 'read-write') {
    const { rows } = await client.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
    return rows[0]?.transaction_read_only === 'off' ? null : 'read-only';
  }
  if (attrs === 'primary') {
    const { rows } = await client.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
    return rows[0]?.recovery === false ? null : 'in recovery';
  }
  return null;
}

const unfit = (message: string) => Object.assign(new Error(message), { code: UNABLE_TO_CONNECT });
const name = (h: DatabaseHost) => `${h.host}:${h.port}`;

/**
 * The node-postgres Client class of the node's pool (pg-pool's `Client` option), for what libpq does and
 * node-postgres does not: several hosts in `database.url`, and `target_session_attrs`. A new connection goes to the
 * host that last served, and is checked; when none did yet or that one failed, the listed hosts are asked in order
 * (a short connection each) and the first that serves wins. A connection that fails its check is not used: the
 * pool's caller sees a lost connection, and the next one looks again. A connection whose write is refused as
 * read-only is ended after that query, so the pool does not keep it.
 */
export function sessionClient(targets: DatabaseTargets): typeof Client {
  const { hosts, targetSessionAttrs } = targets;
  let serving: DatabaseHost | null = hosts.length === 1 ? hosts[0] : null;

  async function find(config: ClientConfig): Promise<DatabaseHost> {
    const reasons: string[] = [];
    for (const host of hosts) {
      const probe = new Client({ ...config, connectionString: host.url, connectionTimeoutMillis: config.connectionTimeoutMillis || PROBE_TIMEOUT_MS });
      probe.on('error', () => undefined); // a server going away mid-probe fails the probe's query, which counts
      try {
        await probe.connect();
        const refused = await refusal(probe, targetSessionAttrs);
        if (!refused) return host;
        reasons.push(`${name(host)} ${refused}`);
      } catch (err) {
        reasons.push(`${name(host)} ${(err as { code?: string }).code ?? 'unreachable'}`);
      } finally {
        await probe.end().catch(() => undefined);
      }
    }
    throw unfit(`no database host serves a ${targetSessionAttrs} session: ${reasons.join(', ')}`);
  }

  return class SessionClient extends Client {
    constructor(private readonly config: ClientConfig = {}) {
      super(config);
    }

    override connect(): Promise<Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<Client> | void {
      const connected = this.open().then(() => this);
      if (!callback) return connected;
      connected.then(
        (client) => callback(null, client),
        (err: Error) => callback(err),
      );
    }

    private async open(): Promise<void> {
      const host = serving ?? (await find(this.config));
      if (hosts.length > 1) [this.host, this.port] = [host.host, host.port]; // one URL's host and port: what it connects to
      // Until the pool takes the connection and listens, a server going away mid-check fails the check, not the process.
      const ignore = () => undefined;
      this.on('error', ignore);
      try {
        await super.connect();
        const refused = await refusal(this, targetSessionAttrs);
        if (refused) {
          await this.end().catch(() => undefined);
          throw unfit(`database host ${name(host)} does not serve a ${targetSessionAttrs} session: ${refused}`);
        }
      } catch (err) {
        if (hosts.length > 1 && serving === host) serving = null;
        throw err;
      } finally {
        this.removeListener('error', ignore);
      }
      if (hosts.length > 1) serving = host;
      this.connection.on('errorMessage', (msg: { code?: string }) => {
        if (msg.code === READ_ONLY) void this.end().catch(() => undefined);
      });
    }
  };
}
