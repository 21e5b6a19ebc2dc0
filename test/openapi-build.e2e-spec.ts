import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayProcesses, freePort } from '../apps/trmctl/src/local';
import { repoRoot } from '../apps/trmctl/src/paths';
import { TestNetwork } from './support/network';

/**
 * `trmctl openapi <out-file>` (what the console's build generates its API client from) writes, without a database,
 * broker or key files, the document a running node serves at /openapi.json — both from the build (`npm test` builds
 * first), where the swagger plugin describes the DTOs.
 */
describe('the OpenAPI document at build time', () => {
  let net: TestNetwork;
  let dir: string;
  const processes = new GatewayProcesses();
  let served: any;
  let written: any;

  beforeAll(async () => {
    net = await TestNetwork.create(['AT']);
    dir = mkdtempSync(join(tmpdir(), 'trm-openapi-'));
    const port = await freePort();
    const gateway = processes.start({
      node: 'AT',
      port,
      configFile: net.writeNodeFiles('AT', dir, port),
      entry: join(repoRoot(), 'dist/apps/gateway/src/main.js'),
      env: process.env,
      logFile: join(dir, 'AT.log'),
    });
    await processes.waitUntilServing(gateway, 30_000);
    served = await (await fetch(`${gateway.url}/openapi.json`)).json();
    const out = join(dir, 'out', 'openapi.json');
    // No configuration, no database: an environment without any of them.
    execFileSync(process.execPath, [join(repoRoot(), 'dist/apps/trmctl/src/main.js'), 'openapi', out, '--node', 'AT'], { env: { PATH: process.env.PATH } });
    written = JSON.parse(readFileSync(out, 'utf8'));
  });
  afterAll(async () => {
    await processes.stopAll();
    await net?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is the document the running node serves: the same paths and schemas', () => {
    expect(Object.keys(written.paths).length).toBeGreaterThan(30);
    expect(written.paths).toEqual(served.paths);
    expect(written.components).toEqual(served.components);
    expect(written).toEqual(served);
  });

  it('describes what the console reads, not an empty object', () => {
    const schemas = written.components.schemas as Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }>;
    const empty = Object.entries(schemas)
      .filter(([, s]) => !s.properties || Object.keys(s.properties).length === 0)
      .map(([name]) => name);
    expect(empty).toEqual([]);
    expect(Object.keys(schemas.HandoverRequestBody.properties!)).toEqual(expect.arrayContaining(['purpose', 'person', 'exploitation', 'consent']));
    expect(Object.keys(schemas.SealedPersonalData.properties!)).toEqual(expect.arrayContaining(['givenName', 'familyName']));
    expect(schemas.TimelineEntryView).toMatchObject({ additionalProperties: true, properties: { at: expect.any(Object), event: expect.any(Object) } });
    expect(schemas.CaseView.properties!.timeline).toMatchObject({ items: { $ref: '#/components/schemas/TimelineEntryView' } });
    expect(schemas.HandoverView.properties!.timeline).toMatchObject({ items: { $ref: '#/components/schemas/TimelineEntryView' } });
    expect(schemas.InboxItem.properties!.body).toMatchObject({ type: 'object', additionalProperties: true });
    expect(schemas.CaseView.properties!.actions).toMatchObject({ type: 'array', items: { enum: expect.arrayContaining(['handover.accepted', 'openSealed']) } });
    expect(JSON.stringify(schemas.CaseSummary.properties!.consent)).toContain('CaseConsentView');
    for (const path of ['/v1/console/settings', '/v1/me', '/v1/partners']) expect(written.paths[path]?.get).toBeDefined();
  });
});
