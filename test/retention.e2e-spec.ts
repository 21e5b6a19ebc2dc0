import { INestApplication } from '@nestjs/common';
import { SealedPersonalData } from '@trm/wire';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { loadNodeConfig } from '../apps/gateway/src/config/load-config';
import { startGateway } from '../apps/gateway/src/gateway';
import { RetentionCounts, RetentionJob } from '../apps/gateway/src/retention/retention-job';
import { DAY_MS, ManualClock } from './support/clock';
import { CaseSteps, MINUTE_MS, bodies, isoDay, startCaseNodes, withSealedConsent } from './support/cases';
import { call } from './support/http';
import { TestNetwork } from './support/network';
import { LeakScanner } from './support/leaks';

/**
 * Retention with real nodes AT and RS on one manual clock: a closed return case whose sealed part carries unmistakable
 * personal details loses its sealed data, then its coded data, each exactly when its period ends (and not a minute
 * earlier), and leaves tombstones; the message log goes after its period except for cases still open; and afterwards
 * no column of any table of either node holds anything of the person — in clear, in base64, or inside a JWS or a JWE
 * either node could still open. Two replicas of a node running the job at once purge everything once.
 */

/** SAMPLE DATA, invented: personal details nobody could mistake for anything else. */
const PERSON: SealedPersonalData = {
  givenName: 'Zorica',
  familyName: 'Testović-Purge',
  dateOfBirth: '1987-11-23',
  placeOfBirth: 'Purgegrad',
  travelDocument: { type: 'passport', number: 'P1234-PURGE-99', issuer: 'RS', expires: '2031-02-28' },
  phone: '+381 63 555 0199',
};
const CANARIES = ['Zorica', 'Testović-Purge', 'P1234-PURGE-99', '1987-11-23', 'Purgegrad', '+381 63 555 0199'];
/** Another person (SAMPLE DATA), in a case that stays open: their details must stay. */
const OTHER: SealedPersonalData = { givenName: 'Keepina', familyName: 'Open-Case', dateOfBirth: '1979-05-02' };

const clock = new ManualClock();
const PERIODS = { sealedAfterEndMs: 30 * DAY_MS, caseDataAfterEndMs: 365 * DAY_MS, messageLogMs: 730 * DAY_MS };
let net: TestNetwork;
let steps: CaseSteps;
let scanner: LeakScanner;
const NODES = ['AT', 'RS'] as const;
type Node = (typeof NODES)[number];

const tick = () => clock.advance(MINUTE_MS);
const url = (node: string) => net.node(node).url;
const job = (node: string, app?: INestApplication) => (app ?? net.node(node).app!).get(RetentionJob);
const NOTHING: RetentionCounts = { sealed: 0, caseData: 0, caseDataMessages: 0, messageLog: 0, notices: 0 };

async function runBoth(): Promise<Record<Node, RetentionCounts>> {
  return { AT: await job('AT').runOnce(), RS: await job('RS').runOnce() };
}

/** A return from AT to RS through the API, with `sealed` (consent to share it included); waits until RS receipted it. */
async function sealedHandover(person: SealedPersonalData | null): Promise<{ id: string; caseRef: string }> {
  const sample = sampleReturnHandover(clock.now());
  const r = await call(url('AT'), 'POST', '/v1/handovers', {
    ...sample,
    body: withSealedConsent(sample.body),
    ...(person ? { sealed: person } : {}),
  });
  expect(r.status).toBe(202);
  expect(await steps.outcome('AT', r.body.id)).toEqual({ state: 'delivered', reject_reason: null });
  return r.body;
}

interface MessageRow {
  id: string;
  type: string;
  digest: string | null;
  status: string;
  jws: string | null;
  receipt_jws: string | null;
  envelope: Record<string, unknown>;
  sealed_at_rest: string | null;
  purged_at: Date | null;
  tombstoned_at: Date | null;
}

/** Every message of `caseRef` on `node`, both ways, by id. */
async function messages(node: string, caseRef: string): Promise<Map<string, MessageRow>> {
  const rows = await net.sql<MessageRow>(
    node,
    `SELECT id, type, digest, status, jws, receipt_jws, envelope, NULL AS sealed_at_rest, purged_at, tombstoned_at FROM inbound_message WHERE case_ref = $1
     UNION ALL
     SELECT id, type, digest, state, jws, NULL, envelope, sealed_at_rest, purged_at, tombstoned_at FROM outbound_message WHERE case_ref = $1`,
    [caseRef],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

async function caseRow(node: string, caseRef: string) {
  const [row] = await net.sql<Record<string, any>>(node, 'SELECT * FROM case_file WHERE case_ref = $1', [caseRef]);
  return row;
}

async function retentionAudit(node: string): Promise<Array<{ seq: string; actor: string; case_ref: string | null; detail: Record<string, unknown> }>> {
  return net.sql(node, `SELECT seq::text AS seq, actor, case_ref, detail FROM audit_entry a WHERE action = 'retention.purged' ORDER BY a.seq`);
}

const FRAME_KEYS = ['body', 'caseRef', 'createdAt', 'expiresAt', 'from', 'id', 'inReplyTo', 'profile', 'recipient', 'sealed', 'sender', 'to', 'type'];

beforeAll(async () => {
  ({ net, steps } = await startCaseNodes(clock, (config) => {
    // Runs only when a test says so; periods in the order sealed < case data < message log, so each shows alone.
    config.retention = { ...PERIODS, checkIntervalMs: 1_000_000_000 };
  }));
  scanner = new LeakScanner(net, NODES, CANARIES);
});
afterAll(() => net?.close());

describe('retention', () => {
  /** The closed case with the person's sealed details. */
  let closed: { id: string; caseRef: string };
  /** A case that stays open, with another person's sealed details. */
  let open: { id: string; caseRef: string };
  /** A case without sealed details that is closed only just before the message log's period ends. */
  let late: { id: string; caseRef: string };
  let closedAt: Date;
  /** The case's sealed parts and this node's sealed copy, and every JWS of the case, as they were before any purge. */
  const sealedSecrets: string[] = [];
  const jwsSecrets: string[] = [];
  const before = new Map<Node, Map<string, MessageRow>>();

  it('keeps sealed data until sealedAfterEnd has passed since the case ended, then deletes it and its JWS; the coded body stays', async () => {
    open = await sealedHandover(OTHER);
    late = await sealedHandover(null);
    tick();
    await steps.deliver('RS', open.caseRef, 'handover.accepted', bodies.accepted());
    await steps.deliver('RS', late.caseRef, 'handover.accepted', bodies.accepted());

    tick();
    closed = await sealedHandover(PERSON);
    // The details arrived and open on both sides (the opening is audited).
    for (const [node, direction] of [
      ['RS', 'in'],
      ['AT', 'out'],
    ] as const) {
      const r = await call(url(node), 'GET', `/v1/cases/${closed.caseRef}/sealed`);
      expect(r.status).toBe(200);
      expect(r.body.items).toEqual([{ message: closed.id, type: 'handover.request', direction, data: PERSON }]);
    }
    tick();
    await steps.deliver('RS', closed.caseRef, 'handover.accepted', bodies.accepted());
    tick();
    await steps.deliver('AT', closed.caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 5)));
    tick();
    await steps.deliver('RS', closed.caseRef, 'arrival.confirmed', bodies.arrived(clock.now()));
    tick();
    await steps.deliver('RS', closed.caseRef, 'followup.report', bodies.report(1));
    tick();
    await steps.deliver('AT', closed.caseRef, 'case.closed', bodies.closed());
    expect(await steps.states(closed.caseRef)).toEqual({ AT: 'closed', RS: 'closed' });

    const ends = await Promise.all(NODES.map(async (n) => (await caseRow(n, closed.caseRef)).closed_at as Date));
    expect(ends[0].getTime()).toBe(ends[1].getTime());
    closedAt = ends[0];

    for (const node of NODES) {
      const rows = await messages(node, closed.caseRef);
      before.set(node, rows);
      for (const r of rows.values()) {
        for (const s of [r.jws, r.receipt_jws]) if (s) jwsSecrets.push(s);
        for (const s of [r.envelope.sealed as string | null, r.sealed_at_rest]) if (s) sealedSecrets.push(s);
      }
    }
    // The request with its sealed part went out from AT (with AT's own sealed copy) and came into RS; receipts too.
    expect(sealedSecrets).toHaveLength(3);
    expect(before.get('RS')!.get(closed.id)).toMatchObject({
      type: 'handover.request',
      jws: expect.any(String),
      envelope: expect.objectContaining({ sealed: expect.any(String) }),
    });
    expect(before.get('AT')!.get(closed.id)).toMatchObject({ jws: expect.any(String), sealed_at_rest: expect.any(String) });

    // The scan used below finds the person while the data is there: in the JWE RS received (inside the JWS too) and in
    // AT's copy sealed to itself.
    for (const node of NODES) {
      const found = await scanner.scan(node, []);
      expect(found.map((f) => f.table)).toEqual(expect.arrayContaining(node === 'AT' ? ['outbound_message'] : ['inbound_message']));
      expect(found.flatMap((f) => f.found)).toEqual(expect.arrayContaining(['canary Zorica in a JWE', 'canary P1234-PURGE-99 in a JWE']));
    }

    // A minute before the period ends: nothing.
    clock.set(new Date(closedAt.getTime() + PERIODS.sealedAfterEndMs - MINUTE_MS));
    expect(await runBoth()).toEqual({ AT: NOTHING, RS: NOTHING });
    for (const node of NODES) expect(await messages(node, closed.caseRef)).toEqual(before.get(node));

    // A minute after: the sealed parts and the JWS carrying them, on both nodes.
    clock.set(new Date(closedAt.getTime() + PERIODS.sealedAfterEndMs + MINUTE_MS));
    const purgedAt = clock.now();
    expect(await runBoth()).toEqual({ AT: { ...NOTHING, sealed: 1 }, RS: { ...NOTHING, sealed: 1 } });
    for (const node of NODES) {
      const now = await messages(node, closed.caseRef);
      const request = now.get(closed.id)!;
      const was = before.get(node)!.get(closed.id)!;
      expect(request).toEqual({
        ...was,
        jws: null,
        envelope: { ...was.envelope, sealed: null },
        sealed_at_rest: null,
        purged_at: purgedAt,
      });
      // The coded body is still there, and so is everything about the other messages of the case.
      expect(request.envelope.body).toEqual(was.envelope.body);
      expect((request.envelope.body as { purpose: string }).purpose).toBe('return');
      for (const [id, r] of now) if (id !== closed.id) expect(r).toEqual(before.get(node)!.get(id));
      expect((await call(url(node), 'GET', `/v1/cases/${closed.caseRef}/sealed`)).status).toBe(410);
      expect(await retentionAudit(node)).toEqual([{ seq: expect.any(String), actor: 'node', case_ref: null, detail: { class: 'sealed', count: 1 } }]);
      // Nowhere on the node: neither the sealed parts nor the JWS of the request that carried one.
      expect(await scanner.scan(node, [...sealedSecrets, was.jws!])).toEqual([]);
    }
    // The open case keeps its sealed details.
    expect((await call(url('RS'), 'GET', `/v1/cases/${open.caseRef}/sealed`)).body.items[0].data).toEqual(OTHER);
  });

  it('keeps coded case data until caseDataAfterEnd has passed, then leaves only tombstones of the case and its messages', async () => {
    const intact = new Map<Node, Map<string, MessageRow>>();
    for (const node of NODES) intact.set(node, await messages(node, closed.caseRef));
    const caseBefore = new Map<Node, Record<string, any>>();
    for (const node of NODES) {
      caseBefore.set(node, await caseRow(node, closed.caseRef));
      expect(caseBefore.get(node)).toMatchObject({ purpose: 'return', consent: expect.objectContaining({ given: true }), purged_at: null });
      expect((await steps.expectations(node, closed.caseRef)).length).toBeGreaterThan(0);
    }

    clock.set(new Date(closedAt.getTime() + PERIODS.caseDataAfterEndMs - MINUTE_MS));
    expect(await runBoth()).toEqual({ AT: NOTHING, RS: NOTHING });
    for (const node of NODES) {
      expect(await messages(node, closed.caseRef)).toEqual(intact.get(node));
      expect(await caseRow(node, closed.caseRef)).toEqual(caseBefore.get(node));
    }

    clock.set(new Date(closedAt.getTime() + PERIODS.caseDataAfterEndMs + MINUTE_MS));
    const purgedAt = clock.now();
    const counts = await runBoth();
    for (const node of NODES) {
      const n = intact.get(node)!.size;
      expect(counts[node]).toEqual({ ...NOTHING, caseData: 1, caseDataMessages: n });
      expect((await retentionAudit(node)).map((e) => e.detail)).toEqual([
        { class: 'sealed', count: 1 },
        { class: 'case-data', count: 1, messages: n },
      ]);

      // The case: a tombstone with its caseRef, direction, partner, roles, state and dates.
      const was = caseBefore.get(node)!;
      expect(await caseRow(node, closed.caseRef)).toEqual({ ...was, purpose: null, consent: null, purged_at: purgedAt });
      expect(was).toMatchObject({ state: 'closed', direction: node === 'AT' ? 'outgoing' : 'incoming', partner: node === 'AT' ? 'RS' : 'AT' });
      expect(await steps.expectations(node, closed.caseRef)).toEqual([]);
      expect(await steps.escalations(node, closed.caseRef)).toEqual([]);

      // Each message: a tombstone with id, type, routing frame, digest and status; no body, no sealed part, no JWS.
      const now = await messages(node, closed.caseRef);
      expect([...now.keys()].sort()).toEqual([...intact.get(node)!.keys()].sort());
      for (const [id, r] of now) {
        const w = intact.get(node)!.get(id)!;
        expect(r).toEqual({
          ...w,
          jws: null,
          receipt_jws: null,
          sealed_at_rest: null,
          envelope: Object.fromEntries(FRAME_KEYS.map((k) => [k, k === 'body' || k === 'sealed' ? null : (w.envelope[k] ?? null)])),
          tombstoned_at: purgedAt,
        });
        expect(r).toMatchObject({ id: w.id, type: w.type, digest: w.digest, status: w.status });
      }
      // There is no JWS of the case left at all.
      const [jws] = await net.sql<{ n: number }>(
        node,
        `SELECT (SELECT count(*) FROM inbound_message WHERE case_ref = $1 AND (jws IS NOT NULL OR receipt_jws IS NOT NULL))::int
              + (SELECT count(*) FROM outbound_message WHERE case_ref = $1 AND (jws IS NOT NULL OR sealed_at_rest IS NOT NULL))::int AS n`,
        [closed.caseRef],
      );
      expect(jws.n).toBe(0);

      // The API still knows the case: closed, when, and what went each way; nothing of what it said.
      const view = await steps.view(node, closed.caseRef);
      expect(view).toMatchObject({ state: 'closed', purpose: null, consent: null, purgedAt: purgedAt.toISOString() });
      expect(view.timeline.length).toBeGreaterThan(0);

      // Nothing personal survives: no canary in any column of any table, no JWS or JWE of the case anywhere.
      expect(await scanner.scan(node, [...sealedSecrets, ...jwsSecrets])).toEqual([]);
    }
  });

  it('keeps the message log for messageLog unless the case is still open, then leaves tombstones; an open case keeps everything', async () => {
    const stored = async (node: string, fn: 'min' | 'max') =>
      (
        await net.sql<{ at: Date }>(
          node,
          `SELECT ${fn === 'min' ? 'least' : 'greatest'}((SELECT ${fn}(received_at) FROM inbound_message), (SELECT ${fn}(created_at) FROM outbound_message)) AS at`,
        )
      )[0].at.getTime();
    // The first message either node stored, and the last one so far (the closing above and its receipt).
    const first = Math.min(...(await Promise.all(NODES.map((n) => stored(n, 'min')))));
    const last = Math.max(...(await Promise.all(NODES.map((n) => stored(n, 'max')))));

    // The other case ends late: two days before the first messages reach the end of the log's period.
    clock.set(new Date(first + PERIODS.messageLogMs - 2 * DAY_MS));
    const lateClose = await steps.deliver('AT', late.caseRef, 'case.closed', bodies.closed());
    const openBefore = new Map<Node, Map<string, MessageRow>>();
    const lateBefore = new Map<Node, Map<string, MessageRow>>();
    for (const node of NODES) {
      openBefore.set(node, await messages(node, open.caseRef));
      lateBefore.set(node, await messages(node, late.caseRef));
      expect(openBefore.get(node)!.size).toBeGreaterThan(2);
    }

    // A minute before the first message's period ends: nothing.
    clock.set(new Date(first + PERIODS.messageLogMs - MINUTE_MS));
    expect(await runBoth()).toEqual({ AT: NOTHING, RS: NOTHING });
    for (const node of NODES) expect(await messages(node, late.caseRef)).toEqual(lateBefore.get(node));

    // A minute after the period of the last of those messages ended.
    clock.set(new Date(last + PERIODS.messageLogMs + MINUTE_MS));
    const purgedAt = clock.now();
    const cutoff = new Date(purgedAt.getTime() - PERIODS.messageLogMs);
    const counts = await runBoth();
    for (const node of NODES) {
      const [{ n }] = await net.sql<{ n: number }>(
        node,
        `SELECT ((SELECT count(*) FROM inbound_message WHERE tombstoned_at = $1) + (SELECT count(*) FROM outbound_message WHERE tombstoned_at = $1))::int AS n`,
        [purgedAt],
      );
      expect(n).toBeGreaterThan(0);
      expect(counts[node]).toEqual({ ...NOTHING, messageLog: n });
      expect((await retentionAudit(node)).map((e) => e.detail)).toEqual([
        { class: 'sealed', count: 1 },
        { class: 'case-data', count: 1, messages: before.get(node)!.size },
        { class: 'message-log', count: n },
      ]);

      // The open case keeps every message, body, sealed part and JWS, however old.
      expect(await messages(node, open.caseRef)).toEqual(openBefore.get(node));
      const request = openBefore.get(node)!.get(open.id)!;
      expect(request).toMatchObject({ jws: expect.any(String), tombstoned_at: null, envelope: expect.objectContaining({ body: expect.any(Object) }) });
      expect(node === 'AT' ? request.sealed_at_rest : request.envelope.sealed).toEqual(expect.any(String));

      // The case closed late: its old messages are tombstones; its closing message and that one's receipt are young.
      let young = 0;
      for (const [id, r] of await messages(node, late.caseRef)) {
        const w = lateBefore.get(node)!.get(id)!;
        if (id === lateClose || (w.type === 'receipt' && w.envelope.inReplyTo === lateClose)) {
          young += 1;
          expect(r).toEqual(w);
        } else {
          expect(r).toMatchObject({ id, type: w.type, digest: w.digest, status: w.status, jws: null, receipt_jws: null, tombstoned_at: purgedAt });
          expect(r.envelope).toMatchObject({ id, type: w.type, body: null, sealed: null });
        }
      }
      expect(young).toBe(node === 'AT' ? 2 : 1);
      expect(await caseRow(node, late.caseRef)).toMatchObject({
        state: 'closed',
        purpose: 'return',
        consent: expect.objectContaining({ given: true }),
        purged_at: null,
      });

      // Registry updates: those received before the cutoff are tombstones; of those sent, the newest to the partner
      // (the directory in force there) stays whole.
      const updates = await net.sql<{ kind: string; stored: Date; body: unknown; newest: boolean }>(
        node,
        `SELECT 'in' AS kind, received_at AS stored, envelope->'body' AS body, false AS newest FROM inbound_message WHERE type = 'registry.update'
         UNION ALL
         SELECT 'out', created_at, envelope->'body', seq = max(seq) OVER () FROM outbound_message WHERE type = 'registry.update'`,
      );
      const old = updates.filter((u) => u.stored < cutoff);
      expect(old.filter((u) => u.kind === 'in').length).toBeGreaterThan(0);
      for (const u of old)
        expect({ kind: u.kind, newest: u.newest, body: u.body === null ? null : 'kept' }).toEqual({
          kind: u.kind,
          newest: u.newest,
          body: u.newest ? 'kept' : null,
        });
      expect(updates.filter((u) => u.kind === 'out' && u.newest && u.body !== null)).toHaveLength(1);
    }
    for (const node of NODES) expect(await scanner.scan(node, [...sealedSecrets, ...jwsSecrets])).toEqual([]);
  });

  it('purges once when two replicas of a node run the job at the same time', async () => {
    const cases = [];
    for (let i = 0; i < 3; i++) {
      tick();
      const c = await sealedHandover(OTHER);
      await steps.deliver('AT', c.caseRef, 'case.closed', { reason: 'no-longer-needed' });
      cases.push(c);
    }
    const ended = clock.now();
    const replica = await startGateway(net.node('AT').config, { clock, logger: false });
    try {
      // The replica ran once at its start (nothing due); both take one message per batch, so a run has several.
      await job('AT', replica).runOnce();
      job('AT').batchSize = 1;
      job('AT', replica).batchSize = 1;
      const auditBefore = (await retentionAudit('AT')).length;

      clock.set(new Date(ended.getTime() + PERIODS.sealedAfterEndMs + MINUTE_MS));
      const results = await Promise.all([job('AT').runOnce(), job('AT', replica).runOnce(), job('AT').runOnce(), job('AT', replica).runOnce()]);
      expect(results.reduce((sum, r) => sum + r.sealed, 0)).toBe(3);
      expect(results.filter((r) => r.sealed > 0)).toHaveLength(1);
      expect(results.every((r) => r.caseData === 0 && r.messageLog === 0)).toBe(true);
      const added = (await retentionAudit('AT')).slice(auditBefore);
      expect(added.map((e) => e.detail)).toEqual([{ class: 'sealed', count: 3 }]);

      expect(await job('RS').runOnce()).toEqual({ ...NOTHING, sealed: 3 });
      for (const node of NODES) {
        for (const c of cases) {
          const request = (await messages(node, c.caseRef)).get(c.id)!;
          expect(request).toMatchObject({ jws: null, sealed_at_rest: null, purged_at: clock.now() });
          expect(request.envelope.sealed).toBeNull();
        }
      }
    } finally {
      job('AT').batchSize = 500;
      await replica.close();
    }
  });
});

/** Retention configuration is read by `loadNodeConfig` (its unit spec); here only trmctl's writing of it. */
it('writes the retention of a scratch node into its YAML, and it reads back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trm-retention-'));
  try {
    expect(loadNodeConfig(net.writeNodeFiles('RS', dir, 0)).retention).toEqual(net.node('RS').config.retention);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
