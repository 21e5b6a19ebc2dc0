import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleReturnHandover } from '../apps/trmctl/src/demo/sample-handover';
import { GatewayProcess, freePort } from './support/gateway-process';
import { eventually } from './support/http';
import { TestNetwork, writeNodeFiles } from './support/network';

/** Gateways as real processes, killed with SIGKILL in the middle of work: nothing accepted may be lost or doubled. */
describe('a gateway killed at any moment', () => {
  let net: TestNetwork;
  let dir: string;
  let at: GatewayProcess;
  let rs: GatewayProcess;

  beforeAll(async () => {
    // A receipt lost with a killed receiver is recovered by the sender's resend; make that come within seconds.
    net = await TestNetwork.create(['AT', 'RS'], { tune: (c) => (c.timers.receiptTimeoutMs = 2_000) });
    dir = mkdtempSync(join(tmpdir(), 'trm-crash-'));
    const [atPort, rsPort] = [await freePort(), await freePort()];
    at = new GatewayProcess(writeNodeFiles(net.node('AT'), dir, atPort), atPort);
    rs = new GatewayProcess(writeNodeFiles(net.node('RS'), dir, rsPort), rsPort);
  });
  afterAll(async () => {
    await at?.stop();
    await rs?.stop();
    await net?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses and doubles nothing when sender and receiver are killed mid-stream', async () => {
    await at.start();
    await rs.start();
    const accepted: string[] = [];
    const submit = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await fetch(`${at.url}/v1/handovers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(sampleReturnHandover()),
        }).catch(() => null);
        if (r?.status === 202) accepted.push(((await r.json()) as { id: string }).id);
      }
    };

    for (let round = 0; round < 3; round++) {
      await submit(15);
      await rs.kill(); // while receipts for the round are being produced
      await submit(15);
      await at.kill(); // while the relay is publishing
      await rs.start();
      await at.start();
    }

    expect(accepted.length).toBe(90);
    await eventually(
      async () => {
        const [row] = await net.sql<{ n: number }>('AT', `SELECT count(*)::int AS n FROM outbound_message WHERE state = 'delivered' AND id = ANY($1::uuid[])`, [accepted]);
        return row.n === accepted.length ? true : undefined;
      },
      60_000,
      'every accepted handover delivered',
    );
    const [received] = await net.sql<{ n: number; handovers: number }>(
      'RS',
      `SELECT (SELECT count(*)::int FROM inbound_message WHERE id = ANY($1::uuid[])) AS n,
              (SELECT count(*)::int FROM handover WHERE id = ANY($1::uuid[])) AS handovers`,
      [accepted],
    );
    expect(received).toEqual({ n: 90, handovers: 90 });
  });
});
