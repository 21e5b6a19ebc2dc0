import { sampleReturnHandover } from '../../apps/trmctl/src/local';
import { call, eventually } from './http';
import { TestNetwork } from './network';

/** A call that must succeed: any answer but 2xx fails the test with what the node said. */
export async function ok<T = any>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await call<T>(base, method, path, body);
  if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** `/v1/roles/<org>/<role><suffix>` for the address `<node>/<org>/<role>`. */
export const rolePath = (address: string, suffix = ''): string => `/v1/roles/${address.split('/').slice(1).join('/')}${suffix}`;

/** The steps a coordinator takes in a node's directory API. */
export function directoryApi(base: string) {
  return {
    role: (address: string) => ok(base, 'GET', rolePath(address)),
    person: async (name: string): Promise<string> => (await ok(base, 'POST', '/v1/people', { name })).id,
    /** A new role at `address`, handling return, referral and assistance for adults and children in sr and en unless `fields` say otherwise. */
    createRole: (address: string, fields: Record<string, unknown> = {}) => {
      const [, org, slug] = address.split('/');
      return ok(base, 'POST', `/v1/organisations/${org}/roles`, {
        slug,
        title: `Test role ${slug}`,
        purposes: ['return', 'referral', 'assistance'],
        ageGroups: ['adult', 'child'],
        languages: ['sr', 'en'],
        ...fields,
      });
    },
    assign: (address: string, person: string, extra: Record<string, unknown> = {}) => ok(base, 'POST', rolePath(address, '/assignments'), { person, ...extra }),
    endAssignment: (id: string) => ok(base, 'POST', `/v1/assignments/${id}/end`, {}),
    /** Ids of the messages GET /v1/inbox?role= lists for `role`. */
    inbox: async (role: string): Promise<string[]> =>
      (await ok<{ items: Array<{ id: string }> }>(base, 'GET', `/v1/inbox?limit=500&role=${encodeURIComponent(role)}`)).items.map((i) => i.id),
    lookup: (query: Record<string, string>) => ok(base, 'GET', `/v1/directory?${new URLSearchParams(query).toString()}`),
  };
}

/** Submits the sample return handover to `recipient` and waits until the partner's receipt says delivered. */
export async function deliverHandover(base: string, recipient: string, sender = 'AT/bmi-thb/coordination'): Promise<{ id: string; caseRef: string }> {
  const submitted = await ok<{ id: string; caseRef: string }>(base, 'POST', '/v1/handovers', { ...sampleReturnHandover(), sender, recipient });
  await eventually(
    async () => ((await call(base, 'GET', `/v1/handovers/${submitted.id}`)).body.status === 'delivered' ? true : undefined),
    20_000,
    `handover ${submitted.id} to be delivered`,
  );
  return { id: submitted.id, caseRef: submitted.caseRef };
}

/** The latest version `node` published of its own directory (0 before the first). */
export async function publishedVersion(net: TestNetwork, node: string): Promise<number> {
  const [row] = await net.sql<{ v: number | null }>(node, 'SELECT max(version)::int AS v FROM registry_publication');
  return row.v ?? 0;
}

/** The version of `of`'s directory that `holder` has applied, or null when none. */
export async function heldVersion(net: TestNetwork, holder: string, of: string): Promise<number | null> {
  const [row] = await net.sql<{ version: number }>(holder, 'SELECT version FROM partner_directory WHERE node = $1', [of]);
  return row?.version ?? null;
}

/** Makes a change on `node` that partners can see, and waits for the new version `node` publishes for it. */
export async function republished(net: TestNetwork, node: string, change: () => Promise<unknown>): Promise<number> {
  const before = await publishedVersion(net, node);
  await change();
  return eventually(
    async () => {
      const now = await publishedVersion(net, node);
      return now > before ? now : undefined;
    },
    20_000,
    `${node} to publish a version after ${before}`,
  );
}

/** Waits until `holder` has applied version `version` (or a later one) of `of`'s directory. */
export async function holds(net: TestNetwork, holder: string, of: string, version: number): Promise<void> {
  await eventually(
    async () => (((await heldVersion(net, holder, of)) ?? 0) >= version ? true : undefined),
    20_000,
    `${holder} to apply version ${version} of ${of}'s directory`,
  );
  // Stored is not yet in use: the node reloads its view of partners' directories after the commit.
  await eventually(
    async () => {
      const sources = (await ok<{ sources: Array<{ node: string; version: number | null }> }>(net.node(holder).url, 'GET', '/v1/directory')).sources;
      return (sources.find((s) => s.node === of)?.version ?? 0) >= version ? true : undefined;
    },
    20_000,
    `${holder} to use version ${version} of ${of}'s directory`,
  );
}

/** Waits until every message `node` sent has been settled by a receipt. */
export async function settled(net: TestNetwork, node: string): Promise<void> {
  await eventually(
    async () => {
      const [row] = await net.sql<{ n: number }>(node, `SELECT count(*)::int AS n FROM outbound_message WHERE state IN ('queued', 'sent')`);
      return row.n === 0 ? true : undefined;
    },
    20_000,
    `${node}'s outbox to settle`,
  );
}
