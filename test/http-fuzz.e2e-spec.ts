import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayProcesses, freePort } from '../apps/trmctl/src/local';
import { call, problemFields, rawRequest, useToken } from './support/http';
import { TestNetwork } from './support/network';

/** The build, whose OpenAPI document knows every query parameter and body field (the Swagger plugin of nest build). */
const ENTRY = join(__dirname, '../dist/apps/gateway/src/main.js');

/** Fixed, so that a failure names inputs anyone can send again; bounded, so that the run stays short. */
const SEED = 20_261_201;
const REQUESTS = 500;

/** Inputs that broke the API before (500s), and values any validator should meet once. */
const AWKWARD = [
  '2026-W05-3',
  '2026-031',
  '2026-01-31T12',
  '20260131T120000Z',
  '2026-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '2026-01-31T12:00:00Z',
  '\u0000',
  'a\u0000b',
  '\u0007',
  '\ud800',
  '',
  ' ',
  '-1',
  '0',
  '1.5',
  '1e308',
  'NaN',
  '99999999999999999999',
  'null',
  'true',
  '[]',
  '{}',
  '../..',
  '%00',
  '%',
  'AT/bmi-thb/coordination',
  'RS/cptv/intake',
  'AT-2026-ABCDEFGH',
  '00000000-0000-0000-0000-000000000000',
  'x'.repeat(3000),
];

/**
 * Query parameters left out: their 5xx belong to the paging helper's fix of issue 8 (a `before` that Date cannot read,
 * e.g. 20260131T120000Z). GET /v1/audit (`after`, `limit`, same fix) is for auditors and answers this token 403.
 */
const PAGING: Record<string, string[]> = { 'GET /v1/inbox': ['before'] };

interface Operation {
  method: string;
  /** OpenAPI template, e.g. /v1/roles/{org}/{role}/holders */
  path: string;
  pathParams: string[];
  query: string[];
  /** Property names of the body's schema, if it takes one. */
  body: string[] | null;
}

interface Attempt {
  method: string;
  url: string;
  body?: string;
}

type OpenApi = {
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>
  >;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
};

/** Every operation the node serves, as its OpenAPI document describes it. */
function operations(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
      const schema = ref ? doc.components?.schemas?.[ref.split('/').pop()!] : undefined;
      return {
        method: method.toUpperCase(),
        path,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        query: (op.parameters ?? []).filter((p) => p.in === 'query' && !PAGING[`${method.toUpperCase()} ${path}`]?.includes(p.name)).map((p) => p.name),
        body: op.requestBody ? Object.keys(schema?.properties ?? {}) : null,
      };
    }),
  );
}

/** Path parameters the node knows from its directory file, so that some requests get past the path's validation. */
const KNOWN: Record<string, string[]> = { org: ['bmi-thb'], role: ['coordination', 'duty'] };

/** Known troublemakers, and short strings with control characters in them. */
const troublesome = fc.oneof(
  fc.constantFrom(...AWKWARD),
  fc.string({
    unit: fc.oneof(fc.constant('\u0000'), fc.constantFrom('a', 'Z', '0', ' ', '-', ':', 'T', '\u0007', '\u001f', '\u007f', '\u017e')),
    minLength: 1,
    maxLength: 12,
  }),
);
const awkwardString = fc.oneof(
  { arbitrary: troublesome, weight: 4 },
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
);
/** Any JSON value, with awkward strings among the leaves. */
const awkwardJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    awkwardString,
    fc.jsonValue({ maxDepth: 2 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(awkwardString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/**
 * Fields for a body or a query string: one of the operation's own, alone (so that nothing else refuses the request
 * before the awkward value is used), or several of its own and unknown ones, with awkward values.
 */
const fieldsOf = (names: string[]): fc.Arbitrary<Record<string, unknown>> => {
  const name = names.length ? fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 9 }, fc.string({ maxLength: 8 })) : fc.string({ maxLength: 8 });
  const several = fc.dictionary(name, fc.oneof({ arbitrary: awkwardString, weight: 3 }, awkwardJson), { maxKeys: 5 });
  if (!names.length) return several;
  return fc.oneof({ arbitrary: fc.constantFrom(...names).chain((k) => troublesome.map((v) => ({ [k]: v }))), weight: 3 }, several);
};

/** A path segment; a lone surrogate, which no URL can carry, becomes U+FFFD as URLSearchParams would make it. */
const segment = (v: string): string => encodeURIComponent(v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

function attempts(op: Operation): fc.Arbitrary<Attempt> {
  const params = fc.tuple(
    ...op.pathParams.map((p) => (KNOWN[p] ? fc.oneof({ arbitrary: fc.constantFrom(...KNOWN[p]), weight: 4 }, awkwardString) : awkwardString)),
  );
  const query = fc
    .oneof({ arbitrary: fc.constant({}), weight: op.query.length ? 0 : 4 }, fieldsOf(op.query))
    .map((q) =>
      new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : String(JSON.stringify(v))])).toString(),
    );
  const body =
    op.body === null
      ? fc.constant(undefined)
      : fc.oneof(
          { arbitrary: fieldsOf(op.body).map((b) => JSON.stringify(b)), weight: 3 },
          awkwardJson.map((v) => JSON.stringify(v) ?? 'null'),
          fc.string({ unit: 'binary', maxLength: 60 }), // mostly not JSON at all
          fieldsOf(op.body).map((b) => JSON.stringify(b).slice(0, -1)), // cut short
        );
  return fc.record({ params, query, body }).map(({ params: values, query: q, body: b }) => {
    let path = op.path;
    op.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, segment(values[i]))));
    return { method: op.method, url: `${path}${q ? `?${q}` : ''}`, body: b };
  });
}

/**
 * "Bad input is a 4xx, never a 5xx": malformed bodies, query strings and path parameters for every operation of
 * /openapi.json, generated from a fixed seed, sent with a coordinator's and administrator's token.
 */
describe('the HTTP API answers malformed requests with 4xx, never 5xx', () => {
  let net: TestNetwork;
  let dir: string;
  const processes = new GatewayProcesses();
  const at = { url: '' };
  let ops: Operation[];
  let token: string;

  beforeAll(async () => {
    net = await TestNetwork.create(['AT']);
    dir = mkdtempSync(join(tmpdir(), 'trm-fuzz-'));
    const port = await freePort();
    const gateway = processes.start({
      node: 'AT',
      port,
      configFile: net.writeNodeFiles('AT', dir, port),
      entry: ENTRY,
      env: process.env,
      logFile: join(dir, 'AT.log'),
    });
    await processes.waitUntilServing(gateway, 30_000);
    at.url = gateway.url;
    token = await net.token('AT', { roles: ['coordinator', 'administrator'] });
    useToken(at.url, token);
    ops = operations((await (await fetch(`${at.url}/openapi.json`)).json()) as OpenApi);
  });
  afterAll(async () => {
    await processes.stopAll();
    await net?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads every operation from /openapi.json', () => {
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['POST /v1/handovers', 'GET /v1/roles/{org}/{role}/holders', 'POST /v1/people']),
    );
  });

  it(`answers ${REQUESTS} generated requests without a 5xx, and still serves /health afterwards`, async () => {
    const all = fc.sample(fc.constantFrom(...ops).chain(attempts), { seed: SEED, numRuns: REQUESTS });
    const failed: Array<Attempt & { status: number }> = [];
    for (const attempt of all) {
      const { status } = await rawRequest(Number(new URL(at.url).port), attempt.method, attempt.url, { token, body: attempt.body });
      if (status >= 500) failed.push({ ...attempt, status });
    }
    expect(failed).toEqual([]);
    expect((await call(at.url, 'GET', '/health')).status).toBe(200);
  });

  describe('inputs that gave 500', () => {
    const DATE_FORMS = ['2026-W05-3', '2026-031', '2026-01-31T12', '20260131T120000Z'];

    it('refuses date forms a Date cannot read, naming the field', async () => {
      const person = (await call(at.url, 'POST', '/v1/people', { name: 'Sample Holder' })).body.id;
      for (const at_ of DATE_FORMS) {
        const holders = await call(at.url, 'GET', `/v1/roles/bmi-thb/coordination/holders?at=${encodeURIComponent(at_)}`);
        expect([at_, holders.status, problemFields(holders.body)]).toEqual([at_, 400, ['at']]);
        for (const field of ['startsAt', 'endsAt']) {
          const assigned = await call(at.url, 'POST', '/v1/roles/bmi-thb/coordination/assignments', { person, [field]: at_ });
          expect([at_, assigned.status, problemFields(assigned.body)]).toEqual([at_, 400, [field]]);
        }
      }
    });

    it('refuses control characters in names and titles, naming the field', async () => {
      const cases: Array<[string, string, object, string]> = [
        ['POST', '/v1/people', { name: 'Sample\u0000Person' }, 'name'],
        ['POST', '/v1/organisations', { slug: 'nul-test', name: 'Sample\u0000Org', kind: 'ngo' }, 'name'],
        ['PATCH', '/v1/organisations/bmi-thb', { name: 'Office\u0000' }, 'name'],
        ['PATCH', '/v1/roles/bmi-thb/coordination', { title: 'Coordination\u0000' }, 'title'],
        ['PATCH', '/v1/roles/bmi-thb/coordination', { region: 'national\u0007' }, 'region'],
        [
          'POST',
          '/v1/organisations/bmi-thb/roles',
          { slug: 'nul-role', title: 'Desk\u001b', purposes: ['return'], ageGroups: ['adult'], languages: ['de'] },
          'title',
        ],
      ];
      for (const [method, path, body, field] of cases) {
        const reply = await call(at.url, method, path, body);
        expect([method, path, reply.status, problemFields(reply.body)]).toEqual([method, path, 400, [field]]);
      }
    });
  });
});
