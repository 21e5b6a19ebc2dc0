import { randomUUID } from 'node:crypto';
import { DAY_MS, ManualClock } from './support/clock';
import { Reply, call, eventually, problemFields } from './support/http';
import { TestNetwork } from './support/network';
import { HandPartner } from './support/partner';

/**
 * Issue 8, point 9: paging returns everything once. AT (played by hand) refers a few hundred cases to RS at once.
 * RS's clock stands still, so every message is stored with one received time, every case with one creation time, and
 * later every deadline falls due and escalates at one time: the worst case of a batch stored in one transaction. Each
 * list is read in small pages and must hold every item exactly once, in its order.
 */
describe('RS pages every list by a stable cursor', () => {
  const COUNT = 240;
  const LIMIT = 7;
  const clock = new ManualClock();
  let net: TestNetwork;
  let at: HandPartner;
  let url: string;
  let auditor: string;
  const sent = new Map<string, string>(); // message id → caseRef

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS'], { clocks: { RS: clock } });
    url = (await net.start('RS')).url;
    auditor = await net.token('RS', { subject: 'paging-auditor', roles: ['auditor'], now: clock.now(), ttlSeconds: 365 * 86_400 });
    at = await new HandPartner(net, 'AT', 'RS').open();
    const createdAt = clock.now().toISOString();
    const envelopes = Array.from({ length: COUNT }, () => at.handover({ createdAt }));
    for (const e of envelopes) sent.set(e.id, e.caseRef);
    await Promise.all(envelopes.map((e) => at.send(e)));
    await eventually(
      async () =>
        (await net.sql<{ n: number }>('RS', `SELECT count(*)::int AS n FROM inbound_message WHERE type = 'handover.request'`))[0].n === COUNT || undefined,
      60_000,
      `RS to store ${COUNT} handovers`,
    );
  });
  afterAll(async () => {
    await at?.close();
    await net?.close();
  });

  /** Every page of `path` with `limit`, following `next` until it is null. */
  async function readAll(path: string, limit: number, token?: string): Promise<any[]> {
    const items: any[] = [];
    for (let cursor: string | null = null, pages = 0; ; pages++) {
      if (pages > COUNT * 2) throw new Error(`${path} pages on without end`);
      const r: Reply = await call(url, 'GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, undefined, token);
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...r.body.items);
      if (r.body.next === null) return items;
      expect(r.body.items).toHaveLength(limit);
      cursor = r.body.next;
    }
  }

  /** Sorted copy, to compare sets of ids regardless of order. */
  const sorted = (values: string[]) => [...values].sort();

  it('lists the inbox newest first, each message once, however many share a received time', async () => {
    const items = await readAll('/v1/inbox', LIMIT);
    expect(new Set(items.map((i) => i.receivedAt)).size).toBe(1); // one received time for all: the case to get right
    expect(sorted(items.map((i) => i.id))).toEqual(sorted([...sent.keys()]));
    for (let k = 1; k < items.length; k++) {
      const [a, b] = [items[k - 1], items[k]];
      expect(a.receivedAt > b.receivedAt || (a.receivedAt === b.receivedAt && a.id > b.id)).toBe(true);
    }
    // The same list as one page; a role filter paged alike; `before` starts the list at a time.
    expect(items).toEqual(await readAll('/v1/inbox', 500));
    expect(await readAll(`/v1/inbox?before=${items[0].receivedAt}`, LIMIT)).toEqual([]);
    expect(await readAll(`/v1/inbox?before=${new Date(Date.parse(items[0].receivedAt) + 1).toISOString()}`, LIMIT)).toEqual(items);
    const role = items[0].recipient;
    expect((await readAll(`/v1/inbox?role=${encodeURIComponent(role)}`, LIMIT)).map((i) => i.id)).toEqual(
      items.filter((i) => i.recipient === role).map((i) => i.id),
    );
  });

  it('lists the cases they opened, each once, in the order of one whole page', async () => {
    const cases = await readAll('/v1/cases', LIMIT);
    expect(sorted(cases.map((c) => c.caseRef))).toEqual(sorted([...sent.values()]));
    expect(cases).toEqual(await readAll('/v1/cases', 500));
    expect((await readAll('/v1/cases?state=referred', LIMIT)).map((c) => c.caseRef)).toEqual(cases.map((c) => c.caseRef));
  });

  it('lists overdue deadlines and the alerts they raised, each once, when all fell due at one time', async () => {
    clock.advance(3 * DAY_MS); // past the 48 h acceptance of every case
    await eventually(
      async () => (await net.sql<{ n: number }>('RS', `SELECT count(*)::int AS n FROM escalation WHERE action = 'alert'`))[0].n === COUNT || undefined,
      60_000,
      'every acceptance deadline to escalate',
    );
    const overdue = await readAll('/v1/overdue', LIMIT);
    expect(new Set(overdue.map((o) => o.dueAt)).size).toBe(1);
    expect(sorted(overdue.map((o) => o.caseRef))).toEqual(sorted([...sent.values()]));
    expect(overdue).toEqual(await readAll('/v1/overdue', 500));
    const alerts = await readAll('/v1/alerts', LIMIT);
    expect(sorted(alerts.map((a) => a.caseRef))).toEqual(sorted([...sent.values()]));
    expect(alerts).toEqual(await readAll('/v1/alerts', 500));
  });

  it('pages the audit log by seq, every entry once', async () => {
    await eventually(
      async () =>
        (await net.sql<{ n: number }>('RS', `SELECT count(*)::int AS n FROM audit_entry WHERE action = 'message.received'`))[0].n >= COUNT || undefined,
      60_000,
      'the audit of every message received',
    );
    const entries = await readAll('/v1/audit', LIMIT, auditor);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, k) => k + 1));
    const received = entries.filter((e) => e.action === 'message.received' && sent.has(e.subject)).map((e) => e.subject);
    expect(sorted(received)).toEqual(sorted([...sent.keys()]));
    const later = await readAll(`/v1/audit?after=${entries[9].seq}`, LIMIT, auditor);
    expect(later.slice(0, 3).map((e) => e.seq)).toEqual([11, 12, 13]);
  });

  describe('answers 400 naming the parameter, never echoing it', () => {
    const cursorOf = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');
    const garbled = [
      'not a cursor!',
      '%FF%FE',
      'x'.repeat(300),
      cursorOf({ at: '2026-01-31T12:00:00Z', id: randomUUID() }),
      cursorOf(['2026-02-30T12:00:00Z', randomUUID()]),
      cursorOf(['2026-01-31T12:00:00Z', 'not-a-uuid']),
      cursorOf(['2026-01-31T12:00:00Z', randomUUID(), 1]),
      cursorOf([12]),
      `${cursorOf(['2026-01-31T12:00:00Z', randomUUID()])}A`,
      Buffer.from('["2026-01-31T12:00:00Z"').toString('base64url'),
    ];
    const cases: Array<[string, string, string[]]> = [
      ['/v1/audit?after=99999999999999999999', 'after', []],
      ['/v1/audit?after=1e308', 'after', []],
      ['/v1/audit?after=-1', 'after', []],
      ['/v1/audit?after=1.5', 'after', []],
      ['/v1/audit?limit=1e2', 'limit', []],
      ['/v1/audit?limit=0x10', 'limit', []],
      ['/v1/audit?limit=1001', 'limit', []],
      ['/v1/audit?cursor=' + cursorOf([-1]), 'cursor', []],
      ['/v1/audit?cursor=' + cursorOf([Number.MAX_SAFE_INTEGER + 2]), 'cursor', []],
      ['/v1/audit?cursor=' + cursorOf(['2026-01-31T12:00:00Z', randomUUID()]), 'cursor', []],
      ...['2026-W05-3', '2026-031', '2026-01-31T12', '20260131T120000Z', '2026-01-31', '2026-02-30T12:00:00Z', '2026-01-31T25:00:00Z'].map(
        (before): [string, string, string[]] => [`/v1/inbox?before=${encodeURIComponent(before)}`, 'before', [before]],
      ),
      ...['2026-W05-3', '20260131T120000Z'].map((at): [string, string, string[]] => [`/v1/roles/cptv/intake/holders?at=${at}`, 'at', [at]]),
      ['/v1/inbox?limit=501', 'limit', []],
      ['/v1/overdue?limit=0', 'limit', []],
      ...['/v1/inbox', '/v1/cases', '/v1/alerts', '/v1/overdue'].flatMap((path) =>
        garbled.map((cursor): [string, string, string[]] => [`${path}?cursor=${encodeURIComponent(cursor)}`, 'cursor', [cursor]]),
      ),
    ];
    it.each(cases)('%s', async (path, field, secrets) => {
      const r = await call(url, 'GET', path, undefined, path.startsWith('/v1/audit') ? auditor : undefined);
      expect({ status: r.status, fields: problemFields(r.body) }).toEqual({ status: 400, fields: [field] });
      for (const s of secrets) expect(JSON.stringify(r.body)).not.toContain(s);
    });
  });
});
