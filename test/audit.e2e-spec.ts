import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { GENESIS } from '../apps/gateway/src/audit/audit-chain';
import { AuditEntry, NODE_ACTOR } from '../apps/gateway/src/audit/audit-entry.entity';
import { AuditRepository } from '../apps/gateway/src/audit/audit.repository';
import { AuditInput, AuditLog } from '../apps/gateway/src/audit/audit.service';
import { MessageAuditor } from '../apps/gateway/src/audit/message-auditor';
import { migrate } from '../apps/gateway/src/database/database';
import { Audit1764100000000 } from '../apps/gateway/src/database/migrations/1764100000000-audit';
import { MessageLog1763800000000 } from '../apps/gateway/src/database/migrations/1763800000000-message-log';
import { Directory1763900000000 } from '../apps/gateway/src/database/migrations/1763900000000-directory';
import { Cases1764000000000 } from '../apps/gateway/src/database/migrations/1764000000000-cases';
import { AuditedMessages1764400000000 } from '../apps/gateway/src/database/migrations/1764400000000-audited-messages';
import { Transactions } from '../apps/gateway/src/database/transactions';
import { JobTurnRepository } from '../apps/gateway/src/database/job-turn.repository';
import { InboxRepository } from '../apps/gateway/src/message-log/inbox.repository';
import { OutboxRepository } from '../apps/gateway/src/message-log/outbox.repository';
import { formatAuditVerification, verifyAudit } from '../apps/trmctl/src/audit-verify';
import { ManualClock } from './support/clock';
import { DATABASE_URL } from './support/network';

/**
 * The audit log against a real database: one scratch schema with the message log, directory, cases and audit
 * migrations; two DataSources on it play two replicas of the node.
 */
describe('the audit log', () => {
  const schema = `t_${randomBytes(4).toString('hex')}_audit`;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  let replicas: Array<{ ds: DataSource; log: AuditLog; auditor: MessageAuditor }>;

  const connect = async () => {
    const ds = await new DataSource({
      type: 'postgres',
      url: DATABASE_URL,
      schema,
      poolSize: 6,
      extra: { options: `-c search_path=${schema}` },
      migrations: [MessageLog1763800000000, Directory1763900000000, Cases1764000000000, Audit1764100000000, AuditedMessages1764400000000],
      migrationsTableName: 'migrations',
      entities: [AuditEntry],
      synchronize: false,
      logging: false,
    }).initialize();
    await migrate(ds, schema);
    const repository = new AuditRepository(ds);
    const transactions = new Transactions(ds);
    const log = new AuditLog(repository, transactions, clock);
    return { ds, log, auditor: new MessageAuditor(new OutboxRepository(ds), new InboxRepository(ds), log, transactions, clock, new JobTurnRepository(ds)) };
  };

  /** SQL on a connection of its own (as an operator with psql would). */
  const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = [], setup: string[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      for (const s of setup) await client.query(s);
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    replicas = [];
    replicas.push(await connect());
    replicas.push(await connect()); // migrations already applied: nothing to do
  });
  afterAll(async () => {
    for (const r of replicas ?? []) await r.ds.destroy();
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  const entries = () =>
    sql<{ seq: string; action: string; subject: string | null; case_ref: string | null; detail: any; prev_hash: string; hash: string }>(
      'SELECT seq, action, subject, case_ref, detail, prev_hash, hash FROM audit_entry ORDER BY seq',
    );

  it('keeps one valid chain while two replicas append at once', async () => {
    const batch = (writer: number, i: number): AuditInput[] =>
      Array.from({ length: (i % 3) + 1 }, (_, k) => ({
        actor: `staff-${writer}`,
        action: 'registry.role.updated',
        subject: `AT/org-${writer}/role-${i}-${k}`,
        detail: { writer, i, k, fallback: null },
      }));
    const writes = [0, 1].flatMap((w) => Array.from({ length: 40 }, (_, i) => replicas[w].log.record(batch(w, i))));
    // Some inside a caller's transaction, among other work.
    writes.push(
      replicas[1].ds.transaction((tx) => replicas[1].log.record([{ actor: 'staff-9', action: 'registry.person.created', subject: randomUUID() }], tx)),
    );
    await Promise.all(writes);

    const rows = await entries();
    const expected = 2 * Array.from({ length: 40 }, (_, i) => (i % 3) + 1).reduce((a, b) => a + b, 0) + 1;
    expect(rows).toHaveLength(expected);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    expect(rows[0].prev_hash).toBe(GENESIS);
    rows.slice(1).forEach((r, i) => expect(r.prev_hash).toBe(rows[i].hash));
    // A batch stays together, in order.
    const first = rows.filter((r) => r.subject?.startsWith('AT/org-0/role-2-'));
    expect(first.map((r) => r.subject)).toEqual(['AT/org-0/role-2-0', 'AT/org-0/role-2-1', 'AT/org-0/role-2-2']);
    expect(first.map((r) => Number(r.seq))).toEqual([0, 1, 2].map((k) => Number(first[0].seq) + k));

    expect(await verifyAudit(DATABASE_URL, schema, 7)).toEqual({ ok: true, count: expected, head: rows[expected - 1].hash });
  });

  it('records nothing when the audited operation rolls back, and refuses what does not belong in it', async () => {
    const before = (await entries()).length;
    await expect(
      replicas[0].ds.transaction(async (tx) => {
        await replicas[0].log.record([{ actor: 'staff-1', action: 'sealed.opened', subject: randomUUID() }], tx);
        throw new Error('the operation failed');
      }),
    ).rejects.toThrow('the operation failed');
    const log = replicas[0].log;
    await expect(log.record([{ actor: 'staff-1', action: 'case.read' as never }])).rejects.toThrow(/unknown audit action/);
    await expect(log.record([{ actor: '', action: 'auth.login' }])).rejects.toThrow(/actor/);
    await expect(log.record([{ actor: 'staff-1', action: 'sealed.opened', detail: { note: 'x'.repeat(500) } }])).rejects.toThrow(/detail.note/);
    await expect(log.record([{ actor: 'staff-1', action: 'sealed.opened', detail: { at: new Date() as never } }])).rejects.toThrow(TypeError);
    expect((await entries()).length).toBe(before);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
    const refused = (text: string) =>
      sql(text).then(
        () => {
          throw new Error(`${text} was allowed`);
        },
        (err: { code?: string; message: string }) => err,
      );
    for (const text of [`UPDATE audit_entry SET actor = 'someone-else' WHERE seq = 3`, `DELETE FROM audit_entry WHERE seq = 3`, `TRUNCATE audit_entry`]) {
      const err = await refused(text);
      expect(err).toMatchObject({ code: '42501', message: expect.stringContaining('append-only') });
    }
    expect((await sql<{ actor: string }>('SELECT actor FROM audit_entry WHERE seq = 3'))[0].actor).toMatch(/^staff-/);
    expect(await verifyAudit(DATABASE_URL, schema)).toMatchObject({ ok: true });
  });

  describe('the message auditor', () => {
    const at = (iso: string) => new Date(iso);
    const outbound = (o: { id: string; sentAt: Date | null; caseRef?: string; digest?: string | null }) =>
      sql(
        `INSERT INTO outbound_message (id, type, to_node, case_ref, envelope, jws, digest, state, attempts, created_at, sent_at)
         VALUES ($1, 'handover.request', 'RS', $2, $3, $4, $5, $6, 1, $7, $8)`,
        [
          o.id,
          o.caseRef ?? 'AT-2026-AUDIT01',
          // The envelope and signed bytes carry (sample) personal data: none of it may reach the audit log.
          JSON.stringify({ id: o.id, sealed: 'eyJhbGciOi-SEALED', body: { name: 'Jane Roe' } }),
          o.sentAt ? 'eyJhbGciOi-JWS-BYTES' : null,
          o.sentAt ? (o.digest ?? `sha-256:out-${o.id.slice(0, 8)}`) : null,
          o.sentAt ? 'sent' : 'queued',
          at('2026-03-01T08:00:00Z'),
          o.sentAt,
        ],
      );
    const inbound = (i: { id: string; receivedAt: Date; status?: 'delivered' | 'rejected'; reason?: string }) =>
      sql(
        `INSERT INTO inbound_message (id, type, from_node, case_ref, sender, recipient, created_at, received_at, envelope, jws, digest, kid, status, reject_reason)
         VALUES ($1, 'handover.accepted', 'RS', 'AT-2026-AUDIT01', 'RS/cptv/intake', 'AT/bmi-thb/coordination', $2, $2, $3, 'eyJ-JWS', $4, 'RS#sig-1', $5, $6)`,
        [
          i.id,
          i.receivedAt,
          JSON.stringify({ id: i.id, body: { name: 'Jane Roe' } }),
          `sha-256:in-${i.id.slice(0, 8)}`,
          i.status ?? 'delivered',
          i.reason ?? null,
        ],
      );
    const audited = async (action: string) => (await entries()).filter((e) => e.action === action);

    it('audits each message sent and received once, also when passes run at the same time on two replicas', async () => {
      const sent = Array.from({ length: 30 }, (_, i) => ({ id: randomUUID(), sentAt: new Date(Date.parse('2026-03-01T08:00:00Z') + i * 1_000) }));
      const queued = { id: randomUUID(), sentAt: null };
      const received = Array.from({ length: 20 }, (_, i) => ({
        id: randomUUID(),
        receivedAt: new Date(Date.parse('2026-03-01T08:10:00Z') + i * 500),
        ...(i % 4 === 3 ? { status: 'rejected' as const, reason: 'unknown-case' } : {}),
      }));
      for (const o of [...sent, queued]) await outbound(o);
      for (const i of received) await inbound(i);

      const counts = await Promise.all([
        replicas[0].auditor.runOnce(),
        replicas[1].auditor.runOnce(),
        replicas[0].auditor.runOnce(),
        replicas[1].auditor.runOnce(),
      ]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(50);

      const sentEntries = await audited('message.sent');
      expect(sentEntries.map((e) => e.subject).sort()).toEqual(sent.map((o) => o.id).sort());
      const one = sentEntries.find((e) => e.subject === sent[4].id)!;
      expect(one).toMatchObject({ case_ref: 'AT-2026-AUDIT01' });
      expect(one.detail).toEqual({ type: 'handover.request', to: 'RS', digest: `sha-256:out-${sent[4].id.slice(0, 8)}`, sentAt: sent[4].sentAt.toISOString() });

      const receivedEntries = await audited('message.received');
      expect(receivedEntries.map((e) => e.subject).sort()).toEqual(received.map((i) => i.id).sort());
      expect(receivedEntries.find((e) => e.subject === received[3].id)!.detail).toEqual({
        type: 'handover.accepted',
        from: 'RS',
        status: 'rejected',
        reason: 'unknown-case',
        digest: `sha-256:in-${received[3].id.slice(0, 8)}`,
        receivedAt: received[3].receivedAt.toISOString(),
      });
      expect(receivedEntries.find((e) => e.subject === received[0].id)!.detail).not.toHaveProperty('reason');

      const everything = JSON.stringify(await entries());
      for (const secret of ['Jane Roe', 'SEALED', 'JWS-BYTES']) expect(everything).not.toContain(secret);
      expect(everything).not.toMatch(/eyJ[\w-]*\.eyJ/); // no JWS (a hash may contain "eyJ" by chance)
      expect(new Set((await sql<{ actor: string }>(`SELECT actor FROM audit_entry WHERE action LIKE 'message.%'`)).map((r) => r.actor))).toEqual(
        new Set([NODE_ACTOR]),
      );

      // The queued message is audited once its partner's broker confirmed it; nothing else again.
      await sql(`UPDATE outbound_message SET state = 'sent', sent_at = $2, digest = 'sha-256:late', jws = 'x' WHERE id = $1`, [
        queued.id,
        at('2026-03-01T08:20:00Z'),
      ]);
      expect(await Promise.all([replicas[0].auditor.runOnce(), replicas[1].auditor.runOnce()])).toEqual(expect.arrayContaining([1, 0]));
      expect(await replicas[0].auditor.runOnce()).toBe(0);
    });

    it('finds a message that committed after later ones were audited', async () => {
      // Sent (sent_at taken) before the last message audited, but committed only now, as a slow relay pass would.
      const late = { id: randomUUID(), sentAt: at('2026-03-01T08:19:00Z') };
      const lateIn = { id: randomUUID(), receivedAt: at('2026-03-01T08:10:01Z') };
      await outbound(late);
      await inbound(lateIn);
      expect(await replicas[1].auditor.runOnce()).toBe(2);
      expect((await audited('message.sent')).filter((e) => e.subject === late.id)).toHaveLength(1);
      expect((await audited('message.received')).filter((e) => e.subject === lateIn.id)).toHaveLength(1);
      const unaudited = await sql<{ n: number }>(
        `SELECT (SELECT count(*) FROM outbound_message WHERE sent_at IS NOT NULL AND audited_at IS NULL)::int + (SELECT count(*) FROM inbound_message WHERE audited_at IS NULL)::int AS n`,
      );
      expect(unaudited[0].n).toBe(0);
      // The database itself refuses a second entry for the same message.
      const head = (await entries()).at(-1)!;
      await expect(
        sql(`INSERT INTO audit_entry (seq, at, actor, action, subject, prev_hash, hash) VALUES ($1, now(), 'node', 'message.sent', $2, $3, 'sha-256:dup')`, [
          Number(head.seq) + 1,
          late.id,
          head.hash,
        ]),
      ).rejects.toMatchObject({ code: '23505' });
      expect(await verifyAudit(DATABASE_URL, schema, 16)).toMatchObject({ ok: true });
    });
  });

  it('answers the verification auditors read (GET /v1/audit/verification): the chain intact, with its length and head', async () => {
    const rows = await entries();
    expect(await replicas[1].log.verify()).toEqual({
      verified: true,
      entries: rows.length,
      head: rows[rows.length - 1].hash,
    });
  });

  it('pinpoints the entry a superuser changed behind the trigger', async () => {
    const total = (await entries()).length;
    const N = 42;
    await sql(`UPDATE audit_entry SET detail = jsonb_set(detail, '{i}', '99') WHERE seq = $1`, [N], ['SET session_replication_role = replica']);
    const result = await verifyAudit(DATABASE_URL, schema, 10);
    expect(result).toEqual({ ok: false, seq: N, problem: expect.stringContaining('hash does not match'), count: N - 1 });
    expect(formatAuditVerification('AT', result)).toContain(`BROKEN at entry ${N}`);
    // The console's answer says the same: not verified, broken at that entry, the entries before it verified.
    const answer = await replicas[0].log.verify();
    expect(answer).toEqual({
      verified: false,
      entries: N - 1,
      firstBroken: { seq: N, problem: expect.stringContaining('hash does not match') },
    });
    expect(answer).not.toHaveProperty('head');

    // A time moved by a microsecond, earlier in the chain, is found as well.
    await sql(`UPDATE audit_entry SET at = at + interval '1 microsecond' WHERE seq = 17`, [], ['SET session_replication_role = replica']);
    expect(await verifyAudit(DATABASE_URL, schema)).toMatchObject({ ok: false, seq: 17 });
    // And an entry removed, earlier still, at its seq.
    await sql(`DELETE FROM audit_entry WHERE seq = 5`, [], ['SET session_replication_role = replica']);
    expect(await verifyAudit(DATABASE_URL, schema)).toMatchObject({ ok: false, seq: 5, problem: expect.stringContaining('entry 5 is missing'), count: 4 });
    expect(total).toBeGreaterThan(N);
  });

  it('says so when a schema has no audit log', async () => {
    await expect(verifyAudit(DATABASE_URL, `${schema}_none`)).rejects.toThrow(/holds no audit log/);
  });
});
