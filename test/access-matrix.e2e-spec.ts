import { INestApplication } from '@nestjs/common';
import { SignJWT, importJWK } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { createIssuer, mintToken } from '../apps/trmctl/src/tokens';
import { bodies, withSealedConsent } from './support/cases';
import { ok, rolePath } from './support/directory';
import { Reply, auditLog, call, eventually, problemFields } from './support/http';
import { TestNetwork } from './support/network';

/**
 * Who may call what, on a live node: every HTTP endpoint × every kind of caller, each cell its own test.
 *
 * Nodes AT and RS run; the matrix is played against RS. AT refers two cases to RS: one to a role of the organisation
 * `cptv` (the "own" organisation of the matrix) and one to a role of `astra` (the "other" one). The caseworkers are
 * people of RS's registry (their token's `sub` is their person id), staff of cptv or astra holding one of those
 * roles; the administrators look after `cptv` (own), `astra` (other) or the whole node. Every cell sends the same valid request as the other
 * callers of its row (fresh resources for calls that change something), so an allowed call succeeds and a denied one
 * fails only because of who calls; a cell that changes something also checks that the change happened exactly when
 * it was allowed.
 */

// ---------------------------------------------------------------------------------------------------------------
// The callers

const CALLERS = ['none', 'coordinator', 'caseworkerOwn', 'caseworkerOther', 'auditor', 'adminOwn', 'adminOther', 'adminNode'] as const;
type Caller = (typeof CALLERS)[number];

const LABEL: Record<Caller, string> = {
  none: 'no token',
  coordinator: 'coordinator',
  caseworkerOwn: 'caseworker (own organisation)',
  caseworkerOther: 'caseworker (other organisation)',
  auditor: 'auditor',
  adminOwn: 'administrator (own organisation)',
  adminOther: 'administrator (other organisation)',
  adminNode: 'administrator (whole node)',
};

// ---------------------------------------------------------------------------------------------------------------
// The table: one row per endpoint (method + path template as in /openapi.json, `:param` for `{param}`).
// A = allowed (2xx), D = denied (403), U = unauthenticated (401); a number is a specific status.
//
// "Own" and "other" are about the resource each row touches, which always belongs to `cptv`: the cptv case, the role
// RS/cptv/matrix-desk, cptv's roles and assignments, the organisation cptv itself. List rows ask for that role
// (`?role=RS/cptv/matrix-desk`), so a caseworker of astra asks for a role they do not hold; what the unfiltered lists
// show whom is checked under "redaction and scoping". Confirming a role names its holder as `person`: the holder
// vouches for themselves, anyone else does so on the holder's behalf (an administrator's prerogative). A role link
// is astra's request that a role of cptv be the fallback of a fresh astra role: cptv (own) accepts or declines it,
// astra (other) may only withdraw it (decline), an administrator of the whole node or a coordinator decides for cptv.
// A person is created as staff of cptv (`organisation: "cptv"`), and the people assigned are staff of cptv: an
// administrator of astra neither creates cptv's staff nor assigns them (the 400 of a person of another organisation
// is checked under "redaction and scoping", like what each caller sees of who asked and decided a role link).
//
// Who holds a role is known within its organisation: holders, history and role transfers (which name the people who
// gave a role up and took it) of cptv's roles are for coordinators and administrators of cptv or of the whole node;
// auditors and administrators of astra get 403. The views of a role itself (the role, organisations, attention) are
// theirs too, with the role's status and `holderCount` but no `holders`: checked under "redaction and scoping".
//
// Cells the rules leave open follow least privilege, and match the node as built: caseworkers do not read the
// registry's staff-related views (holders, history, organisations with holders, attention, role transfers) nor
// /metrics; the audit log is the auditor's alone; administrators get no overdue list and no alerts (case metadata);
// /metrics (counts, codes and node ids only) is for coordinators, auditors and administrators. The OpenAPI document
// is public in both forms the node serves it, JSON and YAML.

type Outcome = 'allow' | 'deny' | 'unauth' | number;
const A: Outcome = 'allow';
const D: Outcome = 'deny';
const U: Outcome = 'unauth';

/** The organisations and roles of RS the matrix is about. */
const OWN_ORG = 'cptv';
const OTHER_ORG = 'astra';
const CPTV_ROLE = 'RS/cptv/matrix-desk';
const ASTRA_ROLE = 'RS/astra/matrix-desk';
const AT_RECIPIENT = 'AT/bmi-thb/coordination';
/** RS's webhook endpoint: nothing listens there, and the one event it asks for does not happen in the matrix. */
const MATRIX_WEBHOOK = 'http://127.0.0.1:9/trm-events';

// prettier-ignore
const TABLE: Array<[op: string, ...cells: Outcome[]]> = [
  //                                                  none coord cw-own cw-other auditor adm-own adm-other adm-node
  ['GET /health',                                      A,   A,    A,     A,       A,      A,      A,        A],
  ['GET /health/ready',                                A,   A,    A,     A,       A,      A,      A,        A],
  ['GET /openapi.json',                                A,   A,    A,     A,       A,      A,      A,        A],
  ['GET /docs-yaml',                                   A,   A,    A,     A,       A,      A,      A,        A],
  ['GET /metrics',                                     U,   A,    D,     D,       A,      A,      A,        A],
  // cases and messages
  ['POST /v1/handovers',                               U,   A,    A,     D,       D,      D,      D,        D],
  ['GET /v1/handovers/:id',                            U,   A,    A,     D,       A,      D,      D,        D],
  ['GET /v1/inbox',                                    U,   A,    A,     D,       A,      D,      D,        D],
  ['GET /v1/cases',                                    U,   A,    A,     D,       A,      D,      D,        D],
  ['GET /v1/cases/:caseRef',                           U,   A,    A,     D,       A,      D,      D,        D],
  ['POST /v1/cases/:caseRef/messages',                 U,   A,    A,     D,       D,      D,      D,        D],
  ['POST /v1/cases/:caseRef/participants',             U,   A,    A,     D,       D,      D,      D,        D],
  ['GET /v1/cases/:caseRef/sealed',                    U,   A,    A,     D,       D,      D,      D,        D],
  ['GET /v1/overdue',                                  U,   A,    D,     D,       A,      D,      D,        D],
  ['GET /v1/alerts',                                   U,   A,    A,     D,       A,      D,      D,        D],
  ['GET /v1/audit',                                    U,   D,    D,     D,       A,      D,      D,        D],
  ['GET /v1/audit/verification',                       U,   D,    D,     D,       A,      D,      D,        D],
  // the web console
  ['GET /v1/console/settings',                         A,   A,    A,     A,       A,      A,      A,        A],
  ['GET /v1/me',                                       U,   A,    A,     A,       A,      A,      A,        A],
  ['GET /v1/partners',                                 U,   A,    D,     D,       A,      A,      A,        A],
  // notices: mails to roles' mailboxes, webhook calls
  ['GET /v1/notifications',                            U,   A,    D,     D,       A,      A,      A,        A],
  ['GET /v1/notifications/mail',                       U,   A,    A,     D,       A,      A,      D,        A],
  ['POST /v1/notifications/mail/:id/retry',            U,   D,    D,     D,       D,      D,      D,        A],
  ['GET /v1/notifications/webhooks',                   U,   A,    D,     D,       A,      D,      D,        A],
  ['POST /v1/notifications/webhooks/:id/retry',        U,   D,    D,     D,       D,      D,      D,        A],
  // the registry
  ['GET /v1/directory',                                U,   A,    A,     A,       A,      A,      A,        A],
  ['GET /v1/directory/attention',                      U,   A,    D,     D,       A,      A,      A,        A],
  ['GET /v1/organisations',                            U,   A,    D,     D,       A,      A,      A,        A],
  ['POST /v1/organisations',                           U,   D,    D,     D,       D,      D,      D,        A],
  ['PATCH /v1/organisations/:org',                     U,   D,    D,     D,       D,      A,      D,        A],
  ['POST /v1/organisations/:org/roles',                U,   D,    D,     D,       D,      A,      D,        A],
  ['GET /v1/roles/:org/:role',                         U,   A,    A,     A,       A,      A,      A,        A],
  ['PATCH /v1/roles/:org/:role',                       U,   D,    D,     D,       D,      A,      D,        A],
  ['GET /v1/roles/:org/:role/holders',                 U,   A,    D,     D,       D,      A,      D,        A],
  ['GET /v1/roles/:org/:role/history',                 U,   A,    D,     D,       D,      A,      D,        A],
  ['POST /v1/roles/:org/:role/assignments',            U,   D,    D,     D,       D,      A,      D,        A],
  ['POST /v1/roles/:org/:role/handover',               U,   D,    D,     D,       D,      A,      D,        A],
  ['POST /v1/roles/:org/:role/deactivate',             U,   D,    D,     D,       D,      A,      D,        A],
  ['POST /v1/roles/:org/:role/confirm',                U,   D,    A,     D,       D,      A,      D,        A],
  ['GET /v1/role-transfers/:id',                       U,   A,    D,     D,       D,      A,      D,        A],
  ['GET /v1/role-links',                               U,   A,    D,     D,       A,      A,      A,        A],
  ['POST /v1/role-links/:id/accept',                   U,   A,    D,     D,       D,      A,      D,        A],
  ['POST /v1/role-links/:id/decline',                  U,   A,    D,     D,       D,      A,      A,        A],
  ['POST /v1/people',                                  U,   D,    D,     D,       D,      A,      D,        A],
  ['POST /v1/assignments/:id/end',                     U,   D,    D,     D,       D,      A,      D,        A],
];

/** Routes the node serves outside its OpenAPI document: the document itself, in JSON and in YAML. */
const UNDOCUMENTED = new Set(['GET /openapi.json', 'GET /docs-yaml']);
/** Public rows: no token needed, and a bad one does not matter. */
const PUBLIC = new Set(TABLE.filter(([, none]) => none === 'allow').map(([op]) => op));

interface Cell {
  op: string;
  caller: Caller;
  want: Outcome;
  name: string;
}

const wantText = (o: Outcome) => (o === 'allow' ? '2xx' : o === 'deny' ? '403' : o === 'unauth' ? '401' : String(o));

const CELLS: Cell[] = TABLE.flatMap(([op, ...outcomes]) =>
  CALLERS.map((caller, i) => ({
    op,
    caller,
    want: outcomes[i],
    name: `${op} as ${LABEL[caller]} → ${wantText(outcomes[i])}`,
  })),
);

// ---------------------------------------------------------------------------------------------------------------
// Tokens with several roles. Each role's rule holds whatever other roles the token carries: a combination may call a
// row exactly when one of its roles alone may (403 when none may), and what it reads is, item by item, what one of its
// roles alone reads there — never more (an auditor who is also a caseworker reads the bodies of their own roles'
// messages only; an administrator's role adds no case contents).

type Single = Exclude<Caller, 'none'>;
type AppRole = 'coordinator' | 'caseworker' | 'auditor' | 'administrator';

const COMBINATIONS: Array<[label: string, parts: Single[]]> = [
  ['auditor + caseworker (other organisation)', ['auditor', 'caseworkerOther']],
  ['administrator (other organisation) + caseworker (own organisation)', ['adminOther', 'caseworkerOwn']],
  ['auditor + administrator (whole node)', ['auditor', 'adminNode']],
];

const outcomeOf = (op: string, caller: Single): Outcome => TABLE.find(([o]) => o === op)![1 + CALLERS.indexOf(caller)] as Outcome;

/** What a combination may do on a row: what one of its roles alone may (none of the rows is 401 for a valid token). */
const unionOf = (op: string, parts: Single[]): Outcome => (parts.some((c) => outcomeOf(op, c) === A) ? A : D);

const COMBINED_CELLS = TABLE.flatMap(([op]) =>
  COMBINATIONS.map(([label, parts]) => ({ op, label, parts, name: `${op} as ${label} → ${wantText(unionOf(op, parts))}` })),
);

// ---------------------------------------------------------------------------------------------------------------
// The live network and what each row sends

interface Prepared {
  method: string;
  path: string;
  body?: unknown;
  /** Whether the call changed what it is for; checked true when allowed, false when refused. */
  changed?: () => Promise<boolean>;
  /** Further checks of an allowed answer: it is about the resource asked for. */
  verify?: (reply: Reply) => void;
}

interface World {
  net: TestNetwork;
  rs: string;
  at: string;
  tokens: Record<Single, string>;
  /** The tokens of COMBINATIONS, by label. */
  combined: Record<string, string>;
  people: { own: string; other: string; none: string };
  /** The case AT referred to CPTV_ROLE (with sealed personal details), and the one it referred to ASTRA_ROLE. */
  cptvCase: { id: string; caseRef: string };
  astraCase: { id: string; caseRef: string };
  /** The case.updated AT sent on the cptv case: a second message of it in RS's inbox. */
  cptvUpdate: string;
  transferId: string;
  /** A role link asking cptv, left pending. */
  pendingLink: string;
  /** Operations /openapi.json lists, as `METHOD /path/:param`. */
  documented: Set<string>;
  sealedMarker: string;
}

let world: World;
const suffix = () => randomBytes(4).toString('hex');

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => world.net.sql<T>('RS', text, params);

/** A case AT refers to `recipient` on RS, delivered (RS receipted it). Sealed details are added when asked. */
async function referCase(recipient: string, sealed?: Record<string, unknown>): Promise<{ id: string; caseRef: string }> {
  const sample = sampleReturnHandover();
  const body = sealed ? withSealedConsent(sample.body) : sample.body;
  const r = await call(world.at, 'POST', '/v1/handovers', { sender: AT_RECIPIENT, recipient, body, ...(sealed ? { sealed } : {}) });
  if (r.status !== 202) throw new Error(`AT POST /v1/handovers answered ${r.status}: ${JSON.stringify(r.body)}`);
  await eventually(
    async () => ((await call(world.at, 'GET', `/v1/handovers/${r.body.id}`)).body.status === 'delivered' ? true : undefined),
    20_000,
    `handover ${r.body.id} to be delivered`,
  );
  await eventually(
    async () => ((await sql('SELECT 1 FROM case_file WHERE case_ref = $1', [r.body.caseRef])).length ? true : undefined),
    10_000,
    'the case on RS',
  );
  return { id: r.body.id, caseRef: r.body.caseRef };
}

/** Fresh cases for cells that move a case on; delivered ahead in parallel. */
const casePool: Array<Promise<{ id: string; caseRef: string }>> = [];
const freshCase = () => casePool.shift() ?? referCase(CPTV_ROLE);

/** A fresh role of `org` on RS, created by the node's operator. */
async function freshRole(org = OWN_ORG): Promise<string> {
  const slug = `mx-${suffix()}`;
  await ok(world.rs, 'POST', `/v1/organisations/${org}/roles`, {
    slug,
    title: `Matrix role ${slug}`,
    purposes: ['return', 'referral'],
    ageGroups: ['adult'],
    languages: ['sr'],
  });
  return `RS/${org}/${slug}`;
}

/** A fresh pending role link: astra's administrator asks that RS/cptv/intake be the fallback of a fresh astra role. */
async function freshLink(): Promise<string> {
  const r = await call(world.rs, 'PATCH', rolePath(await freshRole(OTHER_ORG)), { fallback: 'RS/cptv/intake' }, world.tokens.adminOther);
  if (!r.body?.pendingFallback) throw new Error(`asking cptv answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.pendingFallback.link;
}

/** A fresh member of staff of `organisation` (null: of the node itself), created by the node's operator. */
const freshPerson = async (name = `Matrix person ${suffix()}`, organisation: string | null = OWN_ORG): Promise<string> =>
  (await ok(world.rs, 'POST', '/v1/people', { name, ...(organisation ? { organisation } : {}) })).id;

const exists = async (text: string, params: unknown[]) => (await sql(text, params)).length > 0;

const ROWS: Record<string, (caller: Caller) => Promise<Prepared>> = {
  'GET /health': async () => ({ method: 'GET', path: '/health', verify: (r) => expect(r.body).toMatchObject({ status: 'ok', node: 'RS' }) }),
  'GET /health/ready': async () => ({ method: 'GET', path: '/health/ready', verify: (r) => expect(r.body).toMatchObject({ status: 'ok' }) }),
  'GET /openapi.json': async () => ({ method: 'GET', path: '/openapi.json', verify: (r) => expect(r.body.paths).toBeDefined() }),
  'GET /docs-yaml': async () => ({ method: 'GET', path: '/docs-yaml', verify: (r) => expect(r.body).toMatch(/^openapi: 3/) }),
  'GET /metrics': async () => ({
    method: 'GET',
    path: '/metrics',
    verify: (r) => {
      expect(r.body).toContain('# TYPE trm_messages_received_total counter');
      // Codes and node ids only: no caseRef, no address.
      expect(r.body).not.toContain(world.cptvCase.caseRef);
      expect(r.body).not.toContain('RS/cptv');
    },
  }),

  'POST /v1/handovers': async () => {
    const count = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM case_file WHERE direction = 'outgoing'`))[0].n;
    const before = await count();
    return {
      method: 'POST',
      path: '/v1/handovers',
      body: { sender: CPTV_ROLE, recipient: AT_RECIPIENT, body: sampleReturnHandover().body },
      changed: async () => (await count()) > before,
      verify: (r) => expect(r.body).toMatchObject({ id: expect.any(String), caseRef: expect.stringMatching(/^RS-/), status: 'submitted' }),
    };
  },
  'GET /v1/handovers/:id': async () => ({
    method: 'GET',
    path: `/v1/handovers/${world.cptvCase.id}`,
    verify: (r) => expect(r.body).toMatchObject({ id: world.cptvCase.id, caseRef: world.cptvCase.caseRef, direction: 'incoming', recipient: CPTV_ROLE }),
  }),
  'GET /v1/inbox': async () => ({
    method: 'GET',
    path: `/v1/inbox?limit=500&role=${encodeURIComponent(CPTV_ROLE)}`,
    verify: (r) => expect(r.body.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining([world.cptvCase.id, world.cptvUpdate])),
  }),
  'GET /v1/cases': async () => ({
    method: 'GET',
    path: `/v1/cases?limit=500&role=${encodeURIComponent(CPTV_ROLE)}`,
    verify: (r) => expect(r.body.items.map((c: { caseRef: string }) => c.caseRef)).toContain(world.cptvCase.caseRef),
  }),
  'GET /v1/cases/:caseRef': async () => ({
    method: 'GET',
    path: `/v1/cases/${world.cptvCase.caseRef}`,
    verify: (r) => expect(r.body).toMatchObject({ caseRef: world.cptvCase.caseRef, ourRole: CPTV_ROLE, timeline: expect.any(Array) }),
  }),
  'POST /v1/cases/:caseRef/messages': async () => {
    const { caseRef } = await freshCase();
    return {
      method: 'POST',
      path: `/v1/cases/${caseRef}/messages`,
      body: { type: 'info.request', body: bodies.infoRequest() },
      changed: () => exists(`SELECT 1 FROM outbound_message WHERE case_ref = $1 AND type = 'info.request'`, [caseRef]),
      verify: (r) => expect(r.body).toMatchObject({ caseRef, type: 'info.request', status: 'submitted' }),
    };
  },
  'POST /v1/cases/:caseRef/participants': async () => {
    const { caseRef } = await freshCase();
    const role = 'RS/cptv/intake';
    return {
      method: 'POST',
      path: `/v1/cases/${caseRef}/participants`,
      body: { role },
      changed: async () =>
        (await sql<{ participants: string[] }>('SELECT participants FROM case_file WHERE case_ref = $1', [caseRef]))[0].participants.includes(role),
      verify: (r) => expect(r.body).toMatchObject({ caseRef, participants: [role] }),
    };
  },
  'GET /v1/cases/:caseRef/sealed': async () => ({
    method: 'GET',
    path: `/v1/cases/${world.cptvCase.caseRef}/sealed`,
    verify: (r) => expect(JSON.stringify(r.body)).toContain(world.sealedMarker),
  }),
  'GET /v1/overdue': async () => ({ method: 'GET', path: '/v1/overdue', verify: (r) => expect(r.body.items).toEqual(expect.any(Array)) }),
  'GET /v1/alerts': async () => ({
    method: 'GET',
    path: `/v1/alerts?role=${encodeURIComponent(CPTV_ROLE)}`,
    verify: (r) => expect(r.body.items).toEqual(expect.any(Array)),
  }),
  'GET /v1/audit': async () => ({ method: 'GET', path: '/v1/audit?limit=10', verify: (r) => expect(r.body.items.length).toBeGreaterThan(0) }),
  'GET /v1/audit/verification': async () => ({
    method: 'GET',
    path: '/v1/audit/verification',
    verify: (r) => expect(r.body).toMatchObject({ verified: true }),
  }),

  'GET /v1/console/settings': async () => ({
    method: 'GET',
    path: '/v1/console/settings',
    verify: (r) => expect(r.body).toMatchObject({ node: 'RS', clientId: 'trm-console-RS' }),
  }),
  'GET /v1/me': async () => ({ method: 'GET', path: '/v1/me', verify: (r) => expect(r.body).toMatchObject({ node: 'RS', roles: expect.any(Array) }) }),
  'GET /v1/partners': async () => ({
    method: 'GET',
    path: '/v1/partners',
    verify: (r) => expect(r.body.items.map((p: { node: string }) => p.node)).toEqual(['AT']),
  }),

  'GET /v1/notifications': async () => ({
    method: 'GET',
    path: '/v1/notifications',
    verify: (r) => expect(r.body.webhooks.map((w: { url: string }) => w.url)).toEqual([MATRIX_WEBHOOK]),
  }),
  'GET /v1/notifications/mail': async () => ({
    method: 'GET',
    path: `/v1/notifications/mail?role=${encodeURIComponent(CPTV_ROLE)}`,
    verify: (r) => expect(r.body.items).toEqual(expect.any(Array)),
  }),
  'POST /v1/notifications/mail/:id/retry': async () => {
    const id = randomUUID();
    await sql(
      `INSERT INTO mail_notice (id, event_key, event, role, mailbox, languages, detail, created_at, trying_since, state, attempts, last_error)
       VALUES ($1::uuid, $1::text, 'role.handed-over', 'RS/cptv/intake', 'intake@cptv.example', '["sr"]', '{"reason": "handed-over"}', now(), now(), 'failed', 3, 'SMTP 550')`,
      [id],
    );
    return {
      method: 'POST',
      path: `/v1/notifications/mail/${id}/retry`,
      verify: (r) => expect(r.body).toMatchObject({ id, state: 'pending' }),
      changed: () => exists(`SELECT 1 FROM mail_notice WHERE id = $1 AND state = 'pending'`, [id]),
    };
  },
  'GET /v1/notifications/webhooks': async () => ({
    method: 'GET',
    path: '/v1/notifications/webhooks',
    verify: (r) => expect(r.body.items).toEqual(expect.any(Array)),
  }),
  'POST /v1/notifications/webhooks/:id/retry': async () => {
    const id = randomUUID();
    await sql(
      `INSERT INTO webhook_delivery (id, event_key, event, endpoint, payload, created_at, trying_since, state, attempts, last_status)
       VALUES ($1::uuid, $1::text, 'deadline.near', $2, '{"type": "deadline.near", "timestamp": "2026-12-01T00:00:00Z", "data": {}}', now(), now(), 'failed', 1, 410)`,
      [id, MATRIX_WEBHOOK],
    );
    return {
      method: 'POST',
      path: `/v1/notifications/webhooks/${id}/retry`,
      verify: (r) => expect(r.body).toMatchObject({ id, state: 'pending' }),
      changed: () => exists(`SELECT 1 FROM webhook_delivery WHERE id = $1 AND state = 'pending'`, [id]),
    };
  },

  'GET /v1/directory': async () => ({
    method: 'GET',
    path: '/v1/directory?country=RS',
    verify: (r) => expect(r.body.matches.map((m: { address: string }) => m.address)).toContain(CPTV_ROLE),
  }),
  'GET /v1/directory/attention': async () => ({
    method: 'GET',
    path: '/v1/directory/attention',
    verify: (r) => expect(r.body.vacant).toEqual(expect.any(Array)),
  }),
  'GET /v1/organisations': async () => ({
    method: 'GET',
    path: '/v1/organisations',
    verify: (r) => expect(r.body.items.map((o: { slug: string }) => o.slug)).toEqual(expect.arrayContaining([OWN_ORG, OTHER_ORG])),
  }),
  'POST /v1/organisations': async () => {
    const slug = `mx-org-${suffix()}`;
    return {
      method: 'POST',
      path: '/v1/organisations',
      body: { slug, name: `Matrix organisation ${slug}`, kind: 'ngo' },
      changed: () => exists('SELECT 1 FROM organisation WHERE slug = $1', [slug]),
    };
  },
  'PATCH /v1/organisations/:org': async () => {
    const name = `Centre for the Protection of Victims of Trafficking (${suffix()})`;
    return {
      method: 'PATCH',
      path: `/v1/organisations/${OWN_ORG}`,
      body: { name },
      changed: () => exists('SELECT 1 FROM organisation WHERE slug = $1 AND name = $2', [OWN_ORG, name]),
    };
  },
  'POST /v1/organisations/:org/roles': async () => {
    const slug = `mx-${suffix()}`;
    return {
      method: 'POST',
      path: `/v1/organisations/${OWN_ORG}/roles`,
      body: { slug, title: `Matrix role ${slug}`, purposes: ['return'], ageGroups: ['adult'], languages: ['sr'] },
      changed: () => exists('SELECT 1 FROM role WHERE address = $1', [`RS/${OWN_ORG}/${slug}`]),
    };
  },
  'GET /v1/roles/:org/:role': async () => ({ method: 'GET', path: rolePath(CPTV_ROLE), verify: (r) => expect(r.body).toMatchObject({ address: CPTV_ROLE }) }),
  'PATCH /v1/roles/:org/:role': async () => {
    const role = await freshRole();
    const title = `Renamed matrix role ${suffix()}`;
    return {
      method: 'PATCH',
      path: rolePath(role),
      body: { title },
      changed: () => exists('SELECT 1 FROM role WHERE address = $1 AND title = $2', [role, title]),
    };
  },
  'GET /v1/roles/:org/:role/holders': async () => ({
    method: 'GET',
    path: rolePath(CPTV_ROLE, '/holders'),
    verify: (r) => expect(r.body.items.map((h: { person: { id: string } }) => h.person.id)).toContain(world.people.own),
  }),
  'GET /v1/roles/:org/:role/history': async () => ({
    method: 'GET',
    path: rolePath(CPTV_ROLE, '/history'),
    verify: (r) => expect(r.body.items.map((h: { person: { id: string } }) => h.person.id)).toContain(world.people.own),
  }),
  'POST /v1/roles/:org/:role/assignments': async () => {
    const [role, person] = [await freshRole(), await freshPerson()];
    return {
      method: 'POST',
      path: rolePath(role, '/assignments'),
      body: { person },
      changed: () => exists('SELECT 1 FROM assignment WHERE role = $1 AND person = $2', [role, person]),
      verify: (r) =>
        expect(r.body.holders).toEqual([expect.objectContaining({ assignment: r.body.assignment, person: expect.objectContaining({ id: person }) })]),
    };
  },
  'POST /v1/roles/:org/:role/handover': async () => {
    const [role, person] = [await freshRole(), await freshPerson()];
    return {
      method: 'POST',
      path: rolePath(role, '/handover'),
      body: { to: person },
      changed: () => exists('SELECT 1 FROM role_transfer WHERE role = $1 AND to_person = $2', [role, person]),
      verify: (r) => expect(r.body).toMatchObject({ to: person, assignment: expect.any(String) }),
    };
  },
  'POST /v1/roles/:org/:role/deactivate': async () => {
    const role = await freshRole();
    return {
      method: 'POST',
      path: rolePath(role, '/deactivate'),
      body: { successor: 'RS/cptv/intake' },
      changed: () => exists('SELECT 1 FROM role WHERE address = $1 AND retired_at IS NOT NULL', [role]),
    };
  },
  'POST /v1/roles/:org/:role/confirm': async () => {
    const confirmedAt = async () => (await sql<{ at: Date }>('SELECT confirmed_at AS at FROM role WHERE address = $1', [CPTV_ROLE]))[0].at.getTime();
    const before = await confirmedAt();
    await new Promise((r) => setTimeout(r, 5));
    // The holder vouches for the role (or an administrator on the holder's behalf).
    return { method: 'POST', path: rolePath(CPTV_ROLE, '/confirm'), body: { person: world.people.own }, changed: async () => (await confirmedAt()) > before };
  },
  'GET /v1/role-transfers/:id': async () => ({
    method: 'GET',
    path: `/v1/role-transfers/${world.transferId}`,
    verify: (r) => expect(r.body).toMatchObject({ id: world.transferId, kind: 'handover' }),
  }),
  'GET /v1/role-links': async () => ({
    method: 'GET',
    path: '/v1/role-links?status=pending',
    verify: (r) => expect(r.body.items).toContainEqual(expect.objectContaining({ id: world.pendingLink, targetOrganisation: OWN_ORG, status: 'pending' })),
  }),
  ...Object.fromEntries(
    (['accept', 'decline'] as const).map((decision) => [
      `POST /v1/role-links/:id/${decision}`,
      async (): Promise<Prepared> => {
        const id = await freshLink();
        const status = decision === 'accept' ? 'accepted' : 'declined';
        return {
          method: 'POST',
          path: `/v1/role-links/${id}/${decision}`,
          changed: () => exists('SELECT 1 FROM role_link WHERE id = $1 AND status = $2', [id, status]),
          verify: (r) => expect(r.body).toMatchObject({ id, status }),
        };
      },
    ]),
  ),
  'POST /v1/people': async () => {
    const name = `Matrix new person ${suffix()}`;
    return {
      method: 'POST',
      path: '/v1/people',
      body: { name, organisation: OWN_ORG },
      changed: () => exists('SELECT 1 FROM person WHERE name = $1 AND organisation = $2', [name, OWN_ORG]),
      verify: (r) => expect(r.body).toMatchObject({ id: expect.any(String), organisation: OWN_ORG }),
    };
  },
  'POST /v1/assignments/:id/end': async () => {
    const role = await freshRole();
    const { assignment: id } = await ok<{ assignment: string }>(world.rs, 'POST', rolePath(role, '/assignments'), { person: await freshPerson() });
    return {
      method: 'POST',
      path: `/v1/assignments/${id}/end`,
      body: {},
      changed: () => exists('SELECT 1 FROM assignment WHERE id = $1 AND ends_at IS NOT NULL', [id]),
    };
  },
};

const tokenOf = (caller: Caller): string | null => (caller === 'none' ? null : world.tokens[caller]);

/** What a present endpoint should answer: `allow` any 2xx, otherwise exactly the status. */
function expectOutcome(reply: Reply, want: Outcome, what: string): void {
  const met = want === 'allow' ? reply.status >= 200 && reply.status < 300 : reply.status === (want === 'deny' ? 403 : want === 'unauth' ? 401 : want);
  if (!met) throw new Error(`${what}: expected ${wantText(want)}, the node answered ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Runs one call of a row: the outcome, what an allowed answer says, and whether it changed anything. */
async function play(op: string, who: string, want: Outcome, token: string | null, prepared: Prepared): Promise<void> {
  const reply = await call(world.rs, prepared.method, prepared.path, prepared.body, token);
  const cell = `${op} ${who}`;
  expectOutcome(reply, want, cell);
  if (want === 'allow') prepared.verify?.(reply);
  if (prepared.changed) expect({ cell, changed: await prepared.changed() }).toEqual({ cell, changed: want === 'allow' });
}

// ---------------------------------------------------------------------------------------------------------------

/** Every key anywhere in a JSON value. */
function keysDeep(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysDeep(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysDeep(v, into);
    }
  }
  return into;
}

/**
 * Where `value` shows more than every one of `parts` (answers to the same request): the paths of values none of them
 * holds. An array element must equal an element one of them shows (an item is shown as one role alone shows it).
 */
function beyondAll(value: unknown, parts: unknown[], at = ''): string[] {
  if (parts.some((p) => isDeepStrictEqual(p, value))) return [];
  if (Array.isArray(value)) {
    const elements = parts.flatMap((p) => (Array.isArray(p) ? p : []));
    return value.flatMap((v, i) => (elements.some((e) => isDeepStrictEqual(e, v)) ? [] : [`${at}[${i}]`]));
  }
  if (value && typeof value === 'object') {
    const objects = parts.filter((p): p is Record<string, unknown> => !!p && typeof p === 'object' && !Array.isArray(p));
    return Object.entries(value).flatMap(([k, v]) => {
      const holding = objects.filter((o) => k in o).map((o) => o[k]);
      return holding.length ? beyondAll(v, holding, `${at}.${k}`) : [`${at}.${k}`];
    });
  }
  return [at || '(value)'];
}

/** The Fastify router's routes (HEAD and OPTIONS aside), as `METHOD /path/:param`. */
function liveRoutes(app: INestApplication): Set<string> {
  const text: string = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?\s*$/.exec(line);
    if (!m) continue;
    const depth = [...m[1]].length / 4;
    const path = (depth ? stack[depth - 1] : '') + m[2];
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) if (method && method !== 'HEAD' && method !== 'OPTIONS') out.add(`${method} ${path}`);
  }
  return out;
}

describe('access matrix of the HTTP API (node RS)', () => {
  beforeAll(async () => {
    const net = await TestNetwork.create(['AT', 'RS'], {
      tune: (config) => {
        if (config.node === 'RS')
          config.notifications.webhooks = [{ url: MATRIX_WEBHOOK, events: ['deadline.near'], secret: `whsec_${randomBytes(32).toString('base64')}` }];
      },
    });
    world = { net } as World;
    await net.start('AT');
    await net.start('RS');
    await net.converged();
    world.at = net.node('AT').url;
    world.rs = net.node('RS').url;

    const doc = await call(world.rs, 'GET', '/openapi.json', undefined, null);
    world.documented = new Set(
      Object.entries<Record<string, unknown>>(doc.body.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
      ),
    );

    // The roles of the matrix, each held by a caseworker; a third person holds nothing.
    await ok(world.rs, 'POST', `/v1/organisations/${OWN_ORG}/roles`, {
      slug: 'matrix-desk',
      title: 'Matrix desk (cptv)',
      purposes: ['return', 'referral', 'assistance'],
      ageGroups: ['adult', 'child'],
      languages: ['sr', 'en'],
    });
    await ok(world.rs, 'POST', `/v1/organisations/${OTHER_ORG}/roles`, {
      slug: 'matrix-desk',
      title: 'Matrix desk (astra)',
      purposes: ['return', 'referral', 'assistance'],
      ageGroups: ['adult', 'child'],
      languages: ['sr', 'en'],
    });
    world.people = {
      own: await freshPerson('Caseworker of cptv'),
      other: await freshPerson('Caseworker of astra', OTHER_ORG),
      none: await freshPerson('Caseworker holding no role'),
    };
    await ok(world.rs, 'POST', rolePath(CPTV_ROLE, '/assignments'), { person: world.people.own });
    await ok(world.rs, 'POST', rolePath(ASTRA_ROLE, '/assignments'), { person: world.people.other });
    // AT must know both roles (staffed) before it can refer cases to them.
    await eventually(
      async () => {
        const seen = (await call(world.at, 'GET', '/v1/directory?country=RS')).body.matches as Array<{ address: string; status: string }>;
        return [CPTV_ROLE, ASTRA_ROLE].every((a) => seen.some((m) => m.address === a && m.status === 'active')) ? true : undefined;
      },
      20_000,
      'AT to learn the matrix roles',
    );

    world.sealedMarker = `Sealedname${suffix()}`;
    const sealed = { givenName: 'Mira', familyName: world.sealedMarker, dateOfBirth: '1990-04-02' };
    [world.cptvCase, world.astraCase] = await Promise.all([referCase(CPTV_ROLE, sealed), referCase(ASTRA_ROLE, { givenName: 'Ana', familyName: 'Astracase' })]);
    // A second message of the cptv case in RS's inbox.
    const update = await ok(world.at, 'POST', `/v1/cases/${world.cptvCase.caseRef}/messages`, { type: 'case.updated', body: bodies.updated() });
    world.cptvUpdate = update.id;
    await eventually(
      async () => ((await sql(`SELECT 1 FROM inbound_message WHERE id = $1 AND status = 'delivered'`, [update.id])).length ? true : undefined),
      20_000,
      'the case.updated on RS',
    );

    // A role transfer to read.
    const handedRole = await freshRole();
    world.transferId = (await ok(world.rs, 'POST', rolePath(handedRole, '/handover'), { to: await freshPerson() })).id;

    // Cases for the cells that move a case on: (8 callers + 3 combinations) × 2 rows, and the rows' 401 checks.
    for (let i = 0; i < 26; i++) casePool.push(referCase(CPTV_ROLE));
    await Promise.all(casePool);

    const who: Record<Single, { subject: string; roles: AppRole[]; organisation?: string }> = {
      coordinator: { subject: 'matrix-coordinator', roles: ['coordinator'] },
      caseworkerOwn: { subject: world.people.own, roles: ['caseworker'] },
      caseworkerOther: { subject: world.people.other, roles: ['caseworker'] },
      auditor: { subject: 'matrix-auditor', roles: ['auditor'] },
      adminOwn: { subject: 'matrix-admin-cptv', roles: ['administrator'], organisation: OWN_ORG },
      adminOther: { subject: 'matrix-admin-astra', roles: ['administrator'], organisation: OTHER_ORG },
      adminNode: { subject: 'matrix-admin-node', roles: ['administrator'] },
    };
    world.tokens = {} as World['tokens'];
    for (const caller of CALLERS) if (caller !== 'none') world.tokens[caller] = await net.token('RS', who[caller]);
    world.pendingLink = await freshLink();
    // A combination is the person of its caseworker part (what they hold decides), with the organisation of its
    // administrator part.
    world.combined = {};
    for (const [label, parts] of COMBINATIONS) {
      const ids = parts.map((c) => who[c]);
      world.combined[label] = await net.token('RS', {
        subject: ids.find((i) => i.roles.includes('caseworker'))?.subject ?? ids.map((i) => i.subject).join('+'),
        roles: ids.flatMap((i) => i.roles),
        ...Object.assign({}, ...ids.map((i) => (i.organisation ? { organisation: i.organisation } : {}))),
      });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(casePool);
    await world?.net.close();
  });

  // 1. ---------------------------------------------------------------------------------------------------------
  describe('every endpoint × every caller', () => {
    it.each(CELLS)('$name', async ({ op, caller, want }) => {
      await play(op, `as ${LABEL[caller]}`, want, tokenOf(caller), await ROWS[op](caller));
    });
  });

  describe('every endpoint × tokens with several roles: no more than the union of their roles alone', () => {
    it.each(COMBINED_CELLS)('$name', async ({ op, label, parts }) => {
      const prepared = await ROWS[op]('none');
      const want = unionOf(op, parts);
      await play(op, `as ${label}`, want, world.combined[label], prepared);
      // Public rows answer everyone alike (their counters move between calls): nothing to compare.
      // /v1/me tells each token its own subject and roles: those of a combined token are its own by construction.
      if (want !== A || prepared.method !== 'GET' || PUBLIC.has(op) || op === 'GET /v1/me') return;
      // What it reads, against what each role alone reads at the same moment.
      const combined = await call(world.rs, 'GET', prepared.path, undefined, world.combined[label]);
      const alone = [];
      for (const c of parts) {
        const r = await call(world.rs, 'GET', prepared.path, undefined, world.tokens[c]);
        if (r.status === 200) alone.push(r.body);
      }
      if (typeof combined.body === 'object') expect({ op, label, beyond: beyondAll(combined.body, alone) }).toEqual({ op, label, beyond: [] });
    });
  });

  // 2. ---------------------------------------------------------------------------------------------------------
  describe('the table covers the API', () => {
    const rows = new Set(TABLE.map(([op]) => op));

    it('has a row for every operation in /openapi.json', () => {
      expect([...world.documented].filter((op) => !rows.has(op)).sort()).toEqual([]);
    });

    it('lists in /openapi.json every row but the document itself (JSON and YAML)', () => {
      expect([...rows].filter((op) => !UNDOCUMENTED.has(op) && !world.documented.has(op))).toEqual([]);
      expect([...UNDOCUMENTED].filter((op) => world.documented.has(op))).toEqual([]);
    });

    it('has a row for every route the node serves (documented or not), and every row is served', () => {
      const live = liveRoutes(world.net.node('RS').app!);
      expect(live.has('GET /health')).toBe(true); // the route listing was read
      expect([...live].filter((op) => !rows.has(op)).sort()).toEqual([]);
      expect([...rows].filter((op) => !live.has(op))).toEqual([]);
    });

    it('declares in /openapi.json the bearer scheme on every row that needs a token, and on no public row', async () => {
      const doc = (await call(world.rs, 'GET', '/openapi.json', undefined, null)).body;
      expect(doc.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }) });
      const declared = Object.entries<Record<string, { security?: unknown }>>(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ op: `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`, security: op.security })),
      );
      expect(declared.length).toBeGreaterThan(0);
      expect(declared.filter(({ op, security }) => !isDeepStrictEqual(security, PUBLIC.has(op) ? undefined : [{ bearer: [] }]))).toEqual([]);
    });

    it('types in /openapi.json the body of every 2xx answer, with a schema the document defines', async () => {
      type Answer = { content?: Record<string, { schema?: { $ref?: string } }> };
      const doc = (await call(world.rs, 'GET', '/openapi.json', undefined, null)).body;
      const defined = (schema?: { $ref?: string }) =>
        !!schema && (!schema.$ref || schema.$ref.replace('#/components/schemas/', '') in (doc.components.schemas ?? {}));
      const typed = (answers: Answer[]) =>
        answers.length > 0 && answers.every((a) => Object.values(a.content ?? {}).length > 0 && Object.values(a.content!).every((c) => defined(c.schema)));
      const untyped = Object.entries<Record<string, { responses?: Record<string, Answer> }>>(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(
            ([, op]) =>
              !typed(
                Object.entries(op.responses ?? {})
                  .filter(([status]) => /^2\d\d$/.test(status))
                  .map(([, a]) => a),
              ),
          )
          .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
      );
      expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
      expect(untyped).toEqual([]);
    });

    it('has a request for every row, and a row for every request', () => {
      expect(Object.keys(ROWS).sort()).toEqual([...rows].sort());
    });
  });

  // 3. ---------------------------------------------------------------------------------------------------------
  describe('redaction and scoping', () => {
    const get = (path: string, caller: Exclude<Caller, 'none'>) => call(world.rs, 'GET', path, undefined, world.tokens[caller]);
    const items = async (path: string, caller: Exclude<Caller, 'none'>) => {
      const r = await get(path, caller);
      expect({ path, caller, status: r.status }).toEqual({ path, caller, status: 200 });
      return r.body.items as any[];
    };
    const noContents = (value: unknown) => {
      const keys = keysDeep(value);
      expect({ body: keys.has('body'), sealed: keys.has('sealed') }).toEqual({ body: false, sealed: false });
      expect(JSON.stringify(value)).not.toContain(world.sealedMarker);
    };

    it("shows the auditor a handover's metadata without its body (the coordinator sees the body)", async () => {
      const full = await get(`/v1/handovers/${world.cptvCase.id}`, 'coordinator');
      expect(full.body.body).toMatchObject({ purpose: 'return' });
      const meta = await get(`/v1/handovers/${world.cptvCase.id}`, 'auditor');
      expect(meta.status).toBe(200);
      expect(meta.body).toMatchObject({ id: world.cptvCase.id, caseRef: world.cptvCase.caseRef, status: full.body.status, purpose: 'return' });
      expect(Object.keys(meta.body)).not.toContain('body');
      noContents(meta.body);
    });

    it("shows the auditor the inbox without bodies, filtered or not (the coordinator's items carry them)", async () => {
      const ids = [world.cptvCase.id, world.cptvUpdate];
      const coordinator = (await items('/v1/inbox?limit=500', 'coordinator')).filter((i) => ids.includes(i.id));
      expect(coordinator.map((i) => i.id).sort()).toEqual([...ids].sort());
      coordinator.forEach((i) => expect(i.body).toEqual(expect.any(Object)));
      for (const path of ['/v1/inbox?limit=500', `/v1/inbox?limit=500&role=${encodeURIComponent(CPTV_ROLE)}`]) {
        const audited = await items(path, 'auditor');
        expect(audited.map((i) => i.id)).toEqual(expect.arrayContaining(ids));
        noContents(audited);
      }
    });

    it("gives an auditor who is also a caseworker the bodies of their own roles' messages only", async () => {
      const token = world.combined['auditor + caseworker (other organisation)'];
      for (const path of ['/v1/inbox?limit=500', `/v1/inbox?limit=500&role=${encodeURIComponent(CPTV_ROLE)}`]) {
        const r = await call(world.rs, 'GET', path, undefined, token);
        expect({ path, status: r.status }).toEqual({ path, status: 200 });
        const cptv = (r.body.items as any[]).filter((i) => i.caseRef === world.cptvCase.caseRef);
        expect(cptv.map((i) => i.id).sort()).toEqual([world.cptvCase.id, world.cptvUpdate].sort());
        noContents(cptv);
      }
      const all = (await call(world.rs, 'GET', '/v1/inbox?limit=500', undefined, token)).body.items as any[];
      expect(all.find((i) => i.id === world.astraCase.id)?.body).toEqual(expect.any(Object));
      const handover = await call(world.rs, 'GET', `/v1/handovers/${world.cptvCase.id}`, undefined, token);
      expect(handover.status).toBe(200);
      noContents(handover.body);
    });

    it('shows the auditor a case and the case list without any body or sealed data', async () => {
      const view = await get(`/v1/cases/${world.cptvCase.caseRef}`, 'auditor');
      expect(view.status).toBe(200);
      expect(view.body.timeline.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['received handover.request', 'received case.updated']));
      noContents(view.body);
      const list = await items('/v1/cases?limit=500', 'auditor');
      expect(list.map((c) => c.caseRef)).toEqual(expect.arrayContaining([world.cptvCase.caseRef, world.astraCase.caseRef]));
      noContents(list);
      noContents(await items('/v1/alerts', 'auditor'));
      noContents(await items('/v1/overdue', 'auditor'));
    });

    it('lets a caseworker of another organisation see neither the case nor its messages in any list', async () => {
      const cases = await items('/v1/cases?limit=500', 'caseworkerOther');
      expect(cases.map((c) => c.caseRef)).toContain(world.astraCase.caseRef);
      expect(cases.map((c) => c.caseRef)).not.toContain(world.cptvCase.caseRef);
      cases.forEach((c) => expect([c.ourRole, ...c.participants]).toContain(ASTRA_ROLE));
      const inbox = await items('/v1/inbox?limit=500', 'caseworkerOther');
      expect(inbox.map((i) => i.id)).toContain(world.astraCase.id);
      expect(inbox.filter((i) => i.caseRef === world.cptvCase.caseRef)).toEqual([]);
      inbox.forEach((i) => expect([i.recipient, i.routedTo]).toContain(ASTRA_ROLE));
      expect((await items('/v1/alerts', 'caseworkerOther')).filter((a) => a.caseRef === world.cptvCase.caseRef)).toEqual([]);
    });

    it("lets a caseworker see their own role's case and messages, with bodies, and not the other organisation's", async () => {
      const cases = await items('/v1/cases?limit=500', 'caseworkerOwn');
      expect(cases.map((c) => c.caseRef)).toContain(world.cptvCase.caseRef);
      expect(cases.map((c) => c.caseRef)).not.toContain(world.astraCase.caseRef);
      const inbox = await items('/v1/inbox?limit=500', 'caseworkerOwn');
      const mine = inbox.filter((i) => i.caseRef === world.cptvCase.caseRef);
      expect(mine.map((i) => i.id).sort()).toEqual([world.cptvCase.id, world.cptvUpdate].sort());
      mine.forEach((i) => expect(i.body).toEqual(expect.any(Object)));
      expect(inbox.map((i) => i.id)).not.toContain(world.astraCase.id);
    });

    it('shows a caseworker who holds no role no case and no message', async () => {
      const token = await world.net.token('RS', { subject: world.people.none, roles: ['caseworker'] });
      const cases = await call(world.rs, 'GET', '/v1/cases?limit=500', undefined, token);
      const inbox = await call(world.rs, 'GET', '/v1/inbox?limit=500', undefined, token);
      const alerts = await call(world.rs, 'GET', '/v1/alerts', undefined, token);
      expect([cases.status, inbox.status, alerts.status]).toEqual([200, 200, 200]);
      expect({ cases: cases.body.items, inbox: inbox.body.items, alerts: alerts.body.items }).toEqual({ cases: [], inbox: [], alerts: [] });
      expect((await call(world.rs, 'GET', `/v1/cases/${world.cptvCase.caseRef}`, undefined, token)).status).toBe(403);
      expect((await call(world.rs, 'GET', `/v1/handovers/${world.cptvCase.id}`, undefined, token)).status).toBe(403);
    });

    it('lets a caseworker of another organisation work on a case once their role takes part in it', async () => {
      const { id, caseRef } = await freshCase();
      expect((await get(`/v1/cases/${caseRef}`, 'caseworkerOther')).status).toBe(403);
      await ok(world.rs, 'POST', `/v1/cases/${caseRef}/participants`, { role: ASTRA_ROLE });
      const view = await get(`/v1/cases/${caseRef}`, 'caseworkerOther');
      expect({ status: view.status, participants: view.body.participants }).toEqual({ status: 200, participants: [ASTRA_ROLE] });
      expect((await get(`/v1/handovers/${id}`, 'caseworkerOther')).body).toMatchObject({ id, body: expect.any(Object) });
      expect((await items('/v1/cases?limit=500', 'caseworkerOther')).map((c) => c.caseRef)).toContain(caseRef);
    });

    it("names cptv's staff to the coordinator and administrators of cptv or the whole node only; others see status and holderCount", async () => {
      const staff = await sql<{ id: string; name: string; organisation: string }>(
        `SELECT DISTINCT p.id, p.name, r.organisation FROM person p JOIN assignment a ON p.id IN (a.person, a.deputy) JOIN role r ON r.address = a.role`,
      );
      const cptvStaff = staff.filter((p) => p.organisation === OWN_ORG);
      expect(cptvStaff.map((p) => p.id)).toContain(world.people.own);
      const read = async (caller: Exclude<Caller, 'none'>) => {
        const role = await get(rolePath(CPTV_ROLE), caller);
        const attention = await get('/v1/directory/attention', caller);
        expect({ caller, role: role.status, attention: attention.status }).toEqual({ caller, role: 200, attention: 200 });
        const roles = [
          role.body,
          ...(await items('/v1/organisations', caller)).flatMap((o) => o.roles),
          ...attention.body.vacant,
          ...attention.body.unconfirmed,
        ];
        return { role: role.body, cptvRoles: roles.filter((r) => r.organisation === OWN_ORG), all: roles };
      };
      for (const caller of ['coordinator', 'adminOwn', 'adminNode'] as const) {
        const { role, cptvRoles } = await read(caller);
        expect({ caller, holders: role.holders.map((h: { person: unknown }) => h.person) }).toEqual({
          caller,
          holders: [{ id: world.people.own, name: 'Caseworker of cptv' }],
        });
        expect({ caller, withoutHolders: cptvRoles.filter((r) => !Array.isArray(r.holders)).map((r) => r.address) }).toEqual({ caller, withoutHolders: [] });
      }
      for (const caller of ['adminOther', 'auditor'] as const) {
        const { role, cptvRoles, all } = await read(caller);
        expect({ caller, status: role.status, holderCount: role.holderCount, unconfirmed: role.unconfirmed }).toEqual({
          caller,
          status: 'active',
          holderCount: 1,
          unconfirmed: false,
        });
        expect({ caller, holders: keysDeep(cptvRoles).has('holders'), roles: cptvRoles.length > 1 }).toEqual({ caller, holders: false, roles: true });
        const text = JSON.stringify(all);
        const shown = (caller === 'auditor' ? staff : cptvStaff).filter((p) => text.includes(p.id) || text.includes(p.name));
        expect({ caller, shown }).toEqual({ caller, shown: [] });
      }
      // The administrator of astra sees astra's own staff.
      const astra = await get(rolePath(ASTRA_ROLE), 'adminOther');
      expect(astra.body.holders.map((h: { person: { id: string } }) => h.person.id)).toEqual([world.people.other]);
    });

    it("keeps an administrator to their organisation's staff: astra's creates astra's only, and is refused a person of cptv or of the node exactly as an unknown id", async () => {
      const as = (caller: Exclude<Caller, 'none'>, method: string, path: string, body?: unknown) => call(world.rs, method, path, body, world.tokens[caller]);
      const created = await as('adminOther', 'POST', '/v1/people', { name: `Astra newcomer ${suffix()}` });
      expect(created).toMatchObject({ status: 201, body: { organisation: OTHER_ORG } });
      expect((await as('adminOther', 'POST', '/v1/people', { name: `Astra for cptv ${suffix()}`, organisation: OWN_ORG })).status).toBe(403);
      // The node's administrator names an organisation of the node, or none (the node's own staff).
      const nowhere = await as('adminNode', 'POST', '/v1/people', { name: `Nowhere ${suffix()}`, organisation: 'nowhere' });
      expect({ status: nowhere.status, fields: problemFields(nowhere.body) }).toEqual({ status: 400, fields: ['organisation'] });
      expect(await as('adminNode', 'POST', '/v1/people', { name: `Node staff ${suffix()}` })).toMatchObject({ status: 201, body: { organisation: null } });

      const role = await freshRole(OTHER_ORG);
      const [astraPerson, nodeStaff] = [created.body.id, await freshPerson(`Node staff ${suffix()}`, null)];
      // An assignment a century ahead grants nothing, but would show the person's name in the role's history.
      const later = '2126-01-01T00:00:00Z';
      const attempts: Array<[string, Record<string, string>, string]> = [
        ['/assignments', { person: randomUUID(), startsAt: later }, 'person'],
        ['/assignments', { person: world.people.own, startsAt: later }, 'person'],
        ['/assignments', { person: nodeStaff }, 'person'],
        ['/assignments', { person: astraPerson, deputy: world.people.own }, 'deputy'],
        ['/handover', { to: randomUUID() }, 'to'],
        ['/handover', { to: world.people.own }, 'to'],
        ['/handover', { to: astraPerson, deputy: nodeStaff }, 'deputy'],
      ];
      const answers = [];
      for (const [path, body, field] of attempts) {
        const r = await as('adminOther', 'POST', rolePath(role, path), body);
        expect({ path, body, status: r.status, fields: problemFields(r.body) }).toEqual({ path, body, status: 400, fields: [field] });
        answers.push({ field, body: r.body });
      }
      // One answer for every field, whoever the id is of: ids of other organisations' staff cannot be probed.
      for (const field of ['person', 'deputy', 'to']) {
        const of = answers.filter((a) => a.field === field).map((a) => a.body);
        expect({ field, different: of.filter((b) => !isDeepStrictEqual(b, of[0])) }).toEqual({ field, different: [] });
        expect(of[0].problems).toEqual([{ field, problem: `is not a member of staff of ${OTHER_ORG} known to this node` }]);
      }
      expect(await exists('SELECT 1 FROM assignment WHERE role = $1', [role])).toBe(false);
      expect((await get(rolePath(role, '/history'), 'adminOther')).body.items).toEqual([]);

      // Staff of astra are taken; the node's own staff from the node's administrator, but not a person of cptv.
      expect((await as('adminOther', 'POST', rolePath(role, '/assignments'), { person: astraPerson, startsAt: later })).status).toBe(201);
      expect((await as('adminNode', 'POST', rolePath(role, '/assignments'), { person: nodeStaff, startsAt: later })).status).toBe(201);
      expect((await as('adminNode', 'POST', rolePath(role, '/assignments'), { person: world.people.own, startsAt: later })).status).toBe(400);
      const history = (await get(rolePath(role, '/history'), 'adminOther')).body.items.map((h: { person: { id: string } }) => h.person.id);
      expect(history.sort()).toEqual([astraPerson, nodeStaff].sort());
    });

    it("checks a role's channels against the staff its administrator sees: astra's learns nothing of cptv's, the attention list flags it without saying whose", async () => {
      const email = `matrix-${suffix()}@home.example`;
      await ok(world.rs, 'POST', '/v1/people', { name: `Matrix private ${suffix()}`, email, organisation: OWN_ORG });
      const entry = (slug: string) => ({
        slug,
        title: `Matrix channel desk ${slug}`,
        purposes: ['return'],
        ageGroups: ['adult'],
        languages: ['sr'],
        channels: { mailbox: email },
      });
      const own = await call(world.rs, 'POST', `/v1/organisations/${OWN_ORG}/roles`, entry(`mx-${suffix()}`), world.tokens.adminOwn);
      expect({ status: own.status, fields: problemFields(own.body) }).toEqual({ status: 400, fields: ['channels.mailbox'] });
      const slug = `mx-${suffix()}`;
      expect((await call(world.rs, 'POST', `/v1/organisations/${OTHER_ORG}/roles`, entry(slug), world.tokens.adminOther)).status).toBe(201);
      const flagged = { role: `RS/${OTHER_ORG}/${slug}`, channel: 'mailbox', reason: 'staff-contact' };
      for (const caller of ['coordinator', 'adminOther'] as const) {
        const listed = (await get('/v1/directory/attention', caller)).body.personalChannels.filter((c: { role: string }) => c.role === flagged.role);
        expect({ caller, listed }).toEqual({ caller, listed: [flagged] });
      }
    });

    it('keeps sealed data from the auditor and the other organisation, and records its opening in the audit log the auditor reads', async () => {
      const opened = await call(world.rs, 'GET', `/v1/cases/${world.cptvCase.caseRef}/sealed`, undefined, world.tokens.caseworkerOwn);
      expect(opened.status).toBe(200);
      expect(opened.body.items).toEqual([
        expect.objectContaining({ message: world.cptvCase.id, direction: 'in', data: expect.objectContaining({ familyName: world.sealedMarker }) }),
      ]);
      for (const caller of ['auditor', 'caseworkerOther', 'adminOwn', 'adminNode'] as const) {
        const refused = await call(world.rs, 'GET', `/v1/cases/${world.cptvCase.caseRef}/sealed`, undefined, world.tokens[caller]);
        expect({ caller, status: refused.status, leaked: JSON.stringify(refused.body ?? '').includes(world.sealedMarker) }).toEqual({
          caller,
          status: 403,
          leaked: false,
        });
      }
      const entries = await auditLog(world.rs, world.tokens.auditor);
      noContents(entries);
      const openings = entries.filter((e) => e.action === 'sealed.opened' && e.caseRef === world.cptvCase.caseRef);
      expect(openings.map((e) => e.actor)).toContain(world.people.own);
      // Refused attempts opened nothing.
      expect(openings.map((e) => e.actor)).not.toContain(world.people.other);
      expect(openings.map((e) => e.actor)).not.toContain('matrix-auditor');
    });
  });

  describe('finer rules', () => {
    const as = (caller: Exclude<Caller, 'none'>, method: string, path: string, body?: unknown) => call(world.rs, method, path, body, world.tokens[caller]);

    it('lets a caseworker send a handover only as a role they hold', async () => {
      const handover = (sender: string) => ({ sender, recipient: AT_RECIPIENT, body: sampleReturnHandover().body });
      expect((await as('caseworkerOwn', 'POST', '/v1/handovers', handover(ASTRA_ROLE))).status).toBe(403);
      // The same request from the holder of that role is taken: the 403 above is about the sender only.
      expect((await as('caseworkerOther', 'POST', '/v1/handovers', handover(ASTRA_ROLE))).status).toBe(202);
    });

    it('lets a caseworker send a case message on their case only as a role they hold', async () => {
      const { caseRef } = await freshCase();
      const r = await as('caseworkerOwn', 'POST', `/v1/cases/${caseRef}/messages`, { type: 'info.request', body: bodies.infoRequest(), sender: ASTRA_ROLE });
      expect(r.status).toBe(403);
      expect(await exists('SELECT 1 FROM outbound_message WHERE case_ref = $1', [caseRef])).toBe(false);
    });

    it.each(['/v1/inbox', '/v1/cases', '/v1/alerts'])('refuses a caseworker %s?role= of a role they do not hold', async (path) => {
      expect((await as('caseworkerOwn', 'GET', `${path}?role=${encodeURIComponent(ASTRA_ROLE)}`)).status).toBe(403);
      expect((await as('caseworkerOwn', 'GET', `${path}?role=${encodeURIComponent(CPTV_ROLE)}`)).status).toBe(200);
    });

    it('follows the roles a caseworker holds today, for a token already in use', async () => {
      const { id, caseRef } = await freshCase();
      const person = await freshPerson('Second holder of the cptv desk');
      const { assignment } = await ok(world.rs, 'POST', rolePath(CPTV_ROLE, '/assignments'), { person });
      const token = await world.net.token('RS', { subject: person, roles: ['caseworker'] });
      const sees = async () => ({
        case: (await call(world.rs, 'GET', `/v1/cases/${caseRef}`, undefined, token)).status,
        handover: (await call(world.rs, 'GET', `/v1/handovers/${id}`, undefined, token)).status,
        listed: ((await call(world.rs, 'GET', '/v1/cases?limit=500', undefined, token)).body.items as Array<{ caseRef: string }>).some(
          (c) => c.caseRef === caseRef,
        ),
      });
      expect(await sees()).toEqual({ case: 200, handover: 200, listed: true });
      await ok(world.rs, 'POST', `/v1/assignments/${assignment}/end`, {});
      expect(await sees()).toEqual({ case: 403, handover: 403, listed: false });
    });

    it('refuses a token from the moment it expires, though the node accepted it before', async () => {
      const token = await world.net.token('RS', { subject: 'matrix-short-lived', roles: ['coordinator'], ttlSeconds: 2 });
      expect((await call(world.rs, 'GET', '/v1/overdue', undefined, token)).status).toBe(200);
      const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
      await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 100));
      expect((await call(world.rs, 'GET', '/v1/overdue', undefined, token)).status).toBe(401);
    });

    it('refuses (403) a caseworker confirming, for themselves, a role they do not hold', async () => {
      const before = (await sql<{ at: Date }>('SELECT confirmed_at AS at FROM role WHERE address = $1', [CPTV_ROLE]))[0].at.getTime();
      expectOutcome(
        await as('caseworkerOther', 'POST', rolePath(CPTV_ROLE, '/confirm'), {}),
        'deny',
        'POST /v1/roles/cptv/matrix-desk/confirm {} as caseworker (other organisation)',
      );
      expect((await sql<{ at: Date }>('SELECT confirmed_at AS at FROM role WHERE address = $1', [CPTV_ROLE]))[0].at.getTime()).toBe(before);
    });

    it('refuses (403) a coordinator confirming a role without naming anyone (naming the holder: see the matrix)', async () => {
      expectOutcome(await as('coordinator', 'POST', rolePath(CPTV_ROLE, '/confirm'), {}), 'deny', 'POST /v1/roles/cptv/matrix-desk/confirm {} as coordinator');
    });
  });

  // 4. ---------------------------------------------------------------------------------------------------------
  describe('tokens that are not valid here', () => {
    /** What each bad token would be allowed if it were valid: every application role, for the whole node. */
    const ALL_ROLES = ['coordinator', 'caseworker', 'auditor', 'administrator'] as const;
    /** A token for RS signed by its issuer with every role and `claims`, finished by `finish` (subject, times). */
    const handMade = async (finish: (jwt: SignJWT) => SignJWT, claims: Record<string, unknown> = {}) => {
      const key = await importJWK(world.net.issuer.privateJwk as never, 'EdDSA');
      const jwt = new SignJWT({ trm_roles: [...ALL_ROLES], ...claims })
        .setProtectedHeader({ alg: 'EdDSA', kid: String(world.net.issuer.privateJwk.kid) })
        .setIssuer(world.net.issuer.issuer)
        .setAudience('trm-gateway-RS')
        .setIssuedAt();
      return finish(jwt).sign(key);
    };
    const BAD_TOKENS: Array<[string, () => Promise<string>]> = [
      [
        'an expired token',
        () => world.net.token('RS', { subject: 'matrix-superuser', roles: [...ALL_ROLES], now: new Date(Date.now() - 2 * 3600_000), ttlSeconds: 600 }),
      ],
      ["a token for another node's audience", () => world.net.token('AT', { subject: 'matrix-superuser', roles: [...ALL_ROLES] })],
      ['a token signed by another issuer', async () => mintToken(await createIssuer(), { subject: 'matrix-superuser', roles: [...ALL_ROLES], node: 'RS' })],
      [
        "a token naming another issuer, signed with this issuer's key",
        () => mintToken({ ...world.net.issuer, issuer: 'https://idp.elsewhere.example' }, { subject: 'matrix-superuser', roles: [...ALL_ROLES], node: 'RS' }),
      ],
      ['a token without roles', () => world.net.token('RS', { subject: 'matrix-superuser', roles: [] })],
      ['a token with only roles the node does not know', () => world.net.token('RS', { subject: 'matrix-superuser', roles: ['superuser' as never] })],
      ['a token without a subject', () => handMade((jwt) => jwt.setExpirationTime('1h'))],
      ['a token without an expiry', () => handMade((jwt) => jwt.setSubject('matrix-superuser'))],
      ['a token not valid before tomorrow', () => handMade((jwt) => jwt.setSubject('matrix-superuser').setNotBefore('24h').setExpirationTime('48h'))],
      // A claim of the wrong type never widens access (trm_org not a slug once meant every organisation).
      ...[
        ['a list', ['astra', 'cptv']],
        ['null', null],
        ['a number', 7],
        ['an object', { slug: 'astra' }],
      ].map(([what, org]): [string, () => Promise<string>] => [
        `a token whose trm_org is ${JSON.stringify(what)}`,
        () => handMade((jwt) => jwt.setSubject('matrix-superuser').setExpirationTime('1h'), { trm_org: org }),
      ]),
      ['a token issued in the future', () => handMade((jwt) => jwt.setSubject('matrix-superuser').setIssuedAt('1h').setExpirationTime('2h'))],
      ['a token living longer than the node accepts', () => handMade((jwt) => jwt.setSubject('matrix-superuser').setExpirationTime('7500d'))],
      [
        'an unsigned token (alg none)',
        async () => {
          const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: world.net.issuer.issuer, aud: 'trm-gateway-RS', sub: 'matrix-superuser', trm_roles: ALL_ROLES, iat: now, exp: now + 3600 })}.`;
        },
      ],
      ['a token that is not a JWT', async () => 'not-a-jwt'],
    ];
    const tokens = new Map<string, string>();
    const rowsPrepared = new Map<string, Promise<Prepared>>();

    beforeAll(async () => {
      for (const [name, mint] of BAD_TOKENS) tokens.set(name, await mint());
    });

    const cells = TABLE.flatMap(([op]) => BAD_TOKENS.map(([bad]) => ({ op, bad, name: `${op} with ${bad} → ${PUBLIC.has(op) ? '2xx (public)' : '401'}` })));

    it.each(cells)('$name', async ({ op, bad }) => {
      // One valid request per row serves every bad token (none of them may change anything).
      if (!rowsPrepared.has(op)) rowsPrepared.set(op, ROWS[op]('none'));
      await play(op, `with ${bad}`, PUBLIC.has(op) ? 'allow' : 'unauth', tokens.get(bad)!, await rowsPrepared.get(op)!);
    });

    it('the valid twin of the bad tokens is accepted everywhere, so each 401 above is the defect alone', async () => {
      const valid = await world.net.token('RS', { subject: 'matrix-superuser', roles: [...ALL_ROLES] });
      for (const [op] of TABLE) {
        const p = await ROWS[op]('none');
        const r = await call(world.rs, p.method, p.path, p.body, valid);
        expect({ op, status: r.status >= 200 && r.status < 300 ? '2xx' : r.status, body: r.status < 300 ? undefined : r.body }).toEqual({
          op,
          status: '2xx',
          body: undefined,
        });
      }
    });

    it.each(TABLE.filter(([op]) => op.startsWith('GET ') && !PUBLIC.has(op)).map(([op]) => op))('HEAD of %s without a token → 401', async (op) => {
      const p = await ROWS[op]('none');
      const r = await call(world.rs, 'HEAD', p.path, undefined, null);
      expect(r.status).toBe(401);
    });
  });
});
