import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { parseDatabaseUrl } from '../apps/gateway/src/config/database-url';
import { sessionClient } from '../apps/gateway/src/database/session-client';
import { Transactions } from '../apps/gateway/src/database/transactions';
import { RETRY_AFTER_SECONDS } from '../apps/gateway/src/http/error-filters';
import { EXACTLY_ONCE, notExactlyOnce } from './support/delivery';
import { eventually } from './support/http';
import { DATABASE_URL, TestNetwork } from './support/network';
import { ThrowAwayCluster } from './support/postgres-cluster';

const PRIMARY_PORT = 5461;
const STANDBY_PORT = 5462;
/** Handovers taken before the switchover, and after it. */
const BEFORE = 40;
const AFTER = 40;
const SENDERS = 4;
/** Between the primary's loss and the standby's promotion: no listed host takes writes. */
const SWITCHOVER_GAP_MS = 1_000;

/**
 * "The gateway survives a primary switchover": AT and RS share a primary with a synchronous streaming standby, and
 * their `database.url` lists both, the standby first (`target_session_attrs=read-write`). During a stream of handovers to RS the primary
 * is killed and the standby promoted. Meanwhile requests may be refused with 503 and Retry-After; every handover
 * that got a 202 is at AT afterwards, and delivered to RS exactly once.
 */
describe('a node whose database primary is switched over', () => {
  let primary: ThrowAwayCluster | undefined;
  let standby: ThrowAwayCluster | undefined;
  let net: TestNetwork;

  beforeAll(async () => {
    primary = new ThrowAwayCluster(PRIMARY_PORT);
    await primary.start();
    standby = new ThrowAwayCluster(STANDBY_PORT, primary);
    await standby.start();
    await primary.requireSynchronousStandby();
    // The standby first: until the switchover the nodes must pass over it for the host that takes writes.
    const url = `postgres://postgres@127.0.0.1:${STANDBY_PORT},127.0.0.1:${PRIMARY_PORT}/postgres?target_session_attrs=read-write`;
    // A receipt lost in the switchover is recovered by the sender's resend; make that come within seconds.
    net = await TestNetwork.create(['AT', 'RS'], { databaseUrl: url, tune: (c) => (c.timers.receiptTimeoutMs = 2_000) });
    await net.start('AT');
    await net.start('RS');
    await net.converged(['AT', 'RS']);
  });
  afterAll(async () => {
    try {
      await net?.close();
    } finally {
      await primary?.remove();
      await standby?.remove();
    }
  });

  it('loses nothing that got a 202, and takes handovers again on the promoted standby', async () => {
    const token = await net.token('AT');
    const accepted: Array<{ id: string; caseRef: string }> = [];
    const refused: Array<{ status: number; retryAfter: string | null }> = [];
    let running = true;
    const sender = async () => {
      while (running) {
        const r = await fetch(`${net.node('AT').url}/v1/handovers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(sampleReturnHandover()),
        });
        if (r.status === 202) accepted.push((await r.json()) as { id: string; caseRef: string });
        else refused.push({ status: r.status, retryAfter: r.headers.get('retry-after') });
      }
    };
    const senders = Array.from({ length: SENDERS }, sender);
    try {
      await eventually(async () => (accepted.length >= BEFORE ? true : undefined), 30_000, `${BEFORE} handovers taken`);
      await primary!.kill();
      await new Promise((resolve) => setTimeout(resolve, SWITCHOVER_GAP_MS)); // a failover manager's time to decide
      await standby!.promote();
      const promoted = accepted.length;
      await eventually(async () => (accepted.length >= promoted + AFTER ? true : undefined), 30_000, `${AFTER} handovers taken after the switchover`);
    } finally {
      running = false;
      await Promise.all(senders);
    }

    expect(refused.filter((r) => r.status !== 503 || r.retryAfter !== String(RETRY_AFTER_SECONDS))).toEqual([]);
    expect(await notExactlyOnce(net, 'AT', 'RS', accepted)).toEqual(EXACTLY_ONCE);
    const ids = accepted.map((h) => h.id);
    const atAt = await net.sql<{ id: string }>('AT', 'SELECT id FROM case_file WHERE id = ANY($1::uuid[])', [ids]);
    expect(ids.filter((id) => !atAt.some((row) => row.id === id))).toEqual([]);
  });
});

/**
 * A server that refuses writes is not the node's database, whether a standby or a primary demoted under a running
 * node: here a session of the shared server made read-only. Such a session is not taken, and a connection whose write
 * was refused as read-only is not kept by the pool.
 */
describe('a database session that refuses writes', () => {
  const readOnly = { options: '-c default_transaction_read_only=on', max: 1 };
  const pool = (attrs: string) => {
    const url = new URL(DATABASE_URL);
    url.searchParams.set('target_session_attrs', attrs);
    const targets = parseDatabaseUrl(url.toString());
    return new Pool({ connectionString: targets.hosts[0].url, Client: sessionClient(targets), ...readOnly });
  };

  it('is not taken for a read-write session', async () => {
    const p = pool('read-write');
    try {
      await expect(p.connect()).rejects.toMatchObject({ code: '08001', message: expect.stringContaining('does not serve a read-write session: read-only') });
    } finally {
      await p.end();
    }
  });

  it('is dropped once a write was refused as read-only', async () => {
    const p = pool('any');
    try {
      const client = await p.connect();
      await expect(client.query('CREATE TABLE refused_as_read_only ()')).rejects.toMatchObject({ code: '25006' });
      client.release();
      await eventually(async () => (p.totalCount === 0 ? true : undefined), 5_000, 'the pool to drop the connection');
    } finally {
      await p.end();
    }
  });
});

/**
 * A deadlock the server breaks by undoing one of the two transactions: Transactions runs the undone one again, and
 * both complete. Each takes the two rows in the other's order, each waiting until the other holds its first.
 */
describe('a transaction the server undid', () => {
  const schema = `t_undone_${process.pid}`;
  let ds: DataSource;

  beforeAll(async () => {
    ds = await new DataSource({ type: 'postgres', url: DATABASE_URL, poolSize: 2, extra: { options: `-c search_path=${schema}` } }).initialize();
    await ds.query(`CREATE SCHEMA ${schema}`);
    await ds.query(`CREATE TABLE ${schema}.counter (id int PRIMARY KEY, n int NOT NULL)`);
    await ds.query(`INSERT INTO ${schema}.counter VALUES (1, 0), (2, 0)`);
  });
  afterAll(async () => {
    await ds?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await ds?.destroy();
  });

  it('runs it again', async () => {
    const transactions = new Transactions(ds);
    const holds = [0, 1].map(() => {
      let held!: () => void;
      return { promise: new Promise<void>((resolve) => (held = resolve)), held: () => held() };
    });
    const attempts = [0, 0];
    const both = [
      [1, 2],
      [2, 1],
    ].map(([first, second], i) =>
      transactions.run(async (tx) => {
        attempts[i] += 1;
        await tx.query('UPDATE counter SET n = n + 1 WHERE id = $1', [first]);
        holds[i].held();
        await holds[1 - i].promise;
        await tx.query('UPDATE counter SET n = n + 1 WHERE id = $1', [second]);
      }),
    );
    await Promise.all(both);
    expect(attempts.sort()).toEqual([1, 2]);
    expect(await ds.query('SELECT id, n FROM counter ORDER BY id')).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });
});
