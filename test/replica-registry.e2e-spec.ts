import { INestApplication } from '@nestjs/common';
import { startGateway } from '../apps/gateway/src/gateway';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { call, eventually, useToken } from './support/http';
import { TestNetwork } from './support/network';

/**
 * Two replicas of AT in one process. RS's registry.update reaches one of them (whichever takes it from the queue); the
 * other holds the registry in memory and reloads it every 30 s. A lookup there that misses reloads at once, so a
 * handover to RS is taken by both as soon as either stored RS's directory.
 */
describe('a replica that did not take the partner directory itself', () => {
  let net: TestNetwork;
  let second: INestApplication | null = null;

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS']);
  });
  afterAll(async () => {
    await second?.close();
    await net?.close();
  });

  it("takes a handover to RS once the other replica stored RS's directory", async () => {
    const first = (await net.start('AT')).url;
    second = await startGateway(net.node('AT').config, { logger: false });
    const secondUrl = (await second.getUrl()).replace('[::1]', '127.0.0.1');
    useToken(secondUrl, await net.token('AT', { roles: ['coordinator', 'administrator'], ttlSeconds: 3_600 }));
    // Before RS has published: a 400 naming the recipient on both.
    for (const url of [first, secondUrl]) expect((await call(url, 'POST', '/v1/handovers', sampleReturnHandover())).status).toBe(400);

    await net.start('RS');
    await eventually(
      async () => ((await net.sql('AT', `SELECT 1 FROM partner_directory WHERE node = 'RS'`)).length ? true : undefined),
      20_000,
      "RS's directory stored by AT",
    );
    const answers = await Promise.all([first, secondUrl].map((url) => call(url, 'POST', '/v1/handovers', sampleReturnHandover())));
    expect(answers.map((r) => [r.status, r.body.problems ?? null])).toEqual([
      [202, null],
      [202, null],
    ]);
  });
});
