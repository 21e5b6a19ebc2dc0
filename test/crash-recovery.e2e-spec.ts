import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayProcess, GatewayProcesses, freePort, sampleReturnHandover } from '../apps/trmctl/src/local';
import { EXACTLY_ONCE, notExactlyOnce } from './support/delivery';
import { eventually } from './support/http';
import { TestNetwork } from './support/network';

const ENTRY = join(__dirname, '../dist/apps/gateway/src/main.js');

/** Gateways as real processes, killed with SIGKILL in the middle of work: nothing accepted may be lost or doubled. */
describe('a gateway killed at any moment', () => {
  let net: TestNetwork;
  let dir: string;
  const processes = new GatewayProcesses();
  const specs = new Map<string, { configFile: string; port: number }>();

  const start = async (node: string): Promise<GatewayProcess> => {
    const { configFile, port } = specs.get(node)!;
    const gateway = processes.start({ node, port, configFile, entry: ENTRY, env: process.env, logFile: join(dir, `${node}.log`) });
    await processes.waitUntilServing(gateway, 30_000);
    return gateway;
  };

  beforeAll(async () => {
    // A receipt lost with a killed receiver is recovered by the sender's resend; make that come within seconds.
    net = await TestNetwork.create(['AT', 'RS'], { tune: (c) => (c.timers.receiptTimeoutMs = 2_000) });
    dir = mkdtempSync(join(tmpdir(), 'trm-crash-'));
    for (const node of ['AT', 'RS']) {
      const port = await freePort();
      specs.set(node, { port, configFile: net.writeNodeFiles(node, dir, port) });
    }
  });
  afterAll(async () => {
    await processes.stopAll();
    await net?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses and doubles nothing when sender and receiver are killed mid-stream', async () => {
    let at = await start('AT');
    let rs = await start('RS');
    await net.converged(['AT', 'RS']);
    const accepted: Array<{ id: string; caseRef: string }> = [];
    const token = await net.token('AT');
    const submit = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await fetch(`${at.url}/v1/handovers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(sampleReturnHandover()),
        }).catch(() => null);
        if (r?.status === 202) accepted.push((await r.json()) as { id: string; caseRef: string });
      }
    };

    for (let round = 0; round < 3; round++) {
      await submit(15);
      await processes.kill(rs); // while receipts for the round are being produced
      await submit(15);
      await processes.kill(at); // while the relay is publishing
      rs = await start('RS');
      at = await start('AT');
    }

    expect(accepted.length).toBe(90);
    await eventually(
      async () => {
        const [row] = await net.sql<{ n: number }>('AT', `SELECT count(*)::int AS n FROM outbound_message WHERE state = 'delivered' AND id = ANY($1::uuid[])`, [
          accepted.map((h) => h.id),
        ]);
        return row.n === accepted.length ? true : undefined;
      },
      60_000,
      'every accepted handover delivered',
    );
    expect(await notExactlyOnce(net, 'AT', 'RS', accepted)).toEqual(EXACTLY_ONCE);
  });
});
