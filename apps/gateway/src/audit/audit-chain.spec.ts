import { createHash } from 'node:crypto';
import { ChainEntry, ChainVerifier, GENESIS, canonicalJson, entryHash, isoFromPostgres, verifyChain } from './audit-chain';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');

/** A valid chain of `n` entries, hashed as the gateway writes them. */
function chain(n: number): ChainEntry[] {
  const entries: ChainEntry[] = [];
  let prevHash = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      seq,
      at: new Date(T0 + seq * 1_000),
      actor: seq % 3 === 0 ? 'staff-4f1c' : 'node',
      action: seq % 2 ? 'message.sent' : 'message.received',
      caseRef: seq % 4 === 0 ? null : `AT-2026-CASE${seq}`,
      subject: `0b6d3a9e-0000-4000-8000-00000000000${seq % 10}`,
      detail: seq % 5 === 0 ? null : { type: 'handover.request', to: 'RS', digest: `sha-256:d${seq}`, nested: { b: [1, 'x'], a: true } },
    };
    const hash = entryHash(prevHash, content);
    entries.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

/** Re-links entries (as a forger who knows the algorithm would) from index `from` on. */
function rehash(entries: ChainEntry[], from: number): ChainEntry[] {
  const out = entries.map((e) => ({ ...e }));
  for (let i = from; i < out.length; i++) {
    out[i].prevHash = i === 0 ? GENESIS : out[i - 1].hash;
    out[i].hash = entryHash(out[i].prevHash, out[i]);
  }
  return out;
}

describe('entryHash', () => {
  it('is sha-256 in base64url over prevHash and the canonical JSON of the entry', () => {
    const entry = { seq: 1, at: new Date(T0), actor: 'node', action: 'message.sent', caseRef: 'AT-1', subject: 'm1', detail: { to: 'RS', type: 'x' } };
    const json =
      '{"action":"message.sent","actor":"node","at":"2026-03-01T09:00:00.000Z","caseRef":"AT-1","detail":{"to":"RS","type":"x"},"seq":1,"subject":"m1"}';
    expect(entryHash(GENESIS, entry)).toBe(`sha-256:${createHash('sha256').update(`${GENESIS}\n${json}`).digest('base64url')}`);
  });

  it('does not depend on the order of keys in detail, at any depth', () => {
    const base = { seq: 7, at: new Date(T0), actor: 'node', action: 'message.received', caseRef: null, subject: 'm' };
    const a = entryHash('p', { ...base, detail: { type: 't', from: 'AT', inner: { z: 1, a: [{ y: 2, b: 3 }] } } });
    const b = entryHash('p', { ...base, detail: { inner: { a: [{ b: 3, y: 2 }], z: 1 }, from: 'AT', type: 't' } });
    expect(a).toBe(b);
    // …but the order of array items counts.
    expect(entryHash('p', { ...base, detail: { list: [1, 2] } })).not.toBe(entryHash('p', { ...base, detail: { list: [2, 1] } }));
  });

  it('treats a missing detail member like jsonb does (left out), and depends on prevHash', () => {
    const base = { seq: 1, at: new Date(T0), actor: 'node', action: 'message.received', caseRef: null, subject: 'm' };
    expect(entryHash('p', { ...base, detail: { status: 'delivered', reason: undefined } })).toBe(entryHash('p', { ...base, detail: { status: 'delivered' } }));
    expect(entryHash('p', { ...base, detail: null })).not.toBe(entryHash('q', { ...base, detail: null }));
  });

  it('hashes the same whether at is a Date or the ISO text read back from the database', () => {
    const base = { seq: 1, actor: 'node', action: 'message.sent', caseRef: null, subject: null, detail: null };
    expect(entryHash(GENESIS, { ...base, at: new Date(T0 + 123) })).toBe(entryHash(GENESIS, { ...base, at: isoFromPostgres('2026-03-01T09:00:00.123000Z') }));
    expect(entryHash(GENESIS, { ...base, at: new Date(T0 + 123) })).not.toBe(
      entryHash(GENESIS, { ...base, at: isoFromPostgres('2026-03-01T09:00:00.123456Z') }),
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and refuses what is not plain JSON', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'é'], c: undefined })).toBe('{"a":[true,null,"é"],"b":1}');
    expect(canonicalJson({ '10': 1, '9': 2, a: 3 })).toBe('{"10":1,"9":2,"a":3}');
    expect(() => canonicalJson({ at: new Date() })).toThrow(TypeError);
    expect(() => canonicalJson({ n: NaN })).toThrow(TypeError);
  });
});

describe('verifyChain', () => {
  const N = 12;

  it('passes a valid chain and answers its length and head', () => {
    const entries = chain(N);
    expect(verifyChain(entries)).toEqual({ ok: true, count: N, head: entries[N - 1].hash });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: GENESIS });
  });

  const changes: Array<[string, (e: ChainEntry) => void]> = [
    ['at', (e) => (e.at = new Date(new Date(e.at).getTime() + 1))],
    ['actor', (e) => (e.actor = 'someone-else')],
    ['action', (e) => (e.action = 'sealed.opened')],
    ['caseRef', (e) => (e.caseRef = e.caseRef ? null : 'AT-2026-OTHER')],
    ['subject', (e) => (e.subject = 'another-id')],
    ['detail', (e) => (e.detail = e.detail ? { ...e.detail, digest: 'sha-256:forged' } : { digest: 'sha-256:forged' })],
    ['nested detail', (e) => (e.detail = { ...(e.detail ?? {}), nested: { a: false, b: [1, 'x'] } })],
    ['prevHash', (e) => (e.prevHash = 'sha-256:forged')],
    ['hash', (e) => (e.hash = 'sha-256:forged')],
  ];

  it.each(changes)('pinpoints a changed %s in any entry', (_field, change) => {
    for (let i = 0; i < N; i++) {
      const entries = chain(N);
      change(entries[i]);
      expect(verifyChain(entries)).toMatchObject({ ok: false, seq: i + 1, count: i });
    }
  });

  it('pinpoints a changed seq', () => {
    for (let i = 0; i < N; i++) {
      for (const seq of [i + 3, i, 0]) {
        const entries = chain(N);
        entries[i].seq = seq;
        expect(verifyChain(entries)).toMatchObject({ ok: false, seq: i + 1 });
      }
    }
  });

  it('pinpoints a changed entry whose hash was recomputed at the entry after it', () => {
    const entries = chain(N);
    entries[4].detail = { type: 'forged' };
    entries[4].hash = entryHash(entries[4].prevHash, entries[4]);
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 6, problem: expect.stringContaining('entry 5') });
  });

  it('pinpoints a deleted entry at its seq', () => {
    for (let i = 0; i < N - 1; i++) {
      const entries = chain(N);
      entries.splice(i, 1);
      expect(verifyChain(entries)).toMatchObject({ ok: false, seq: i + 1, problem: expect.stringContaining(`entry ${i + 1} is missing`) });
    }
  });

  it('pinpoints a deleted entry even when the entries after it were renumbered and re-linked', () => {
    const entries = chain(N);
    entries.splice(4, 1);
    entries.slice(4).forEach((e) => (e.seq -= 1));
    // The forger can re-link, but the genuine hash of entry 5 (old 6) covers its old seq: the first entry moved fails.
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 5 });
    // A full rewrite from the deletion on is only found against a head recorded elsewhere.
    const rewritten = rehash(entries, 4);
    expect(verifyChain(rewritten)).toMatchObject({ ok: true, count: N - 1 });
    expect((verifyChain(rewritten) as { head: string }).head).not.toBe(chain(N)[N - 1].hash);
  });

  it('pinpoints reordered entries at the first one out of place', () => {
    for (let i = 0; i < N - 1; i++) {
      const entries = chain(N);
      [entries[i], entries[i + 1]] = [entries[i + 1], entries[i]];
      expect(verifyChain(entries)).toMatchObject({ ok: false, seq: i + 1 });
    }
    // Swapping the seq numbers along with the places (so seq still rises) breaks the hashes instead.
    const entries = chain(N);
    [entries[3], entries[4]] = [entries[4], entries[3]];
    entries[3].seq = 4;
    entries[4].seq = 5;
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 4 });
  });

  it('pinpoints an inserted entry', () => {
    const forged = (seq: number, prevHash: string): ChainEntry => {
      const content = { seq, at: new Date(T0), actor: 'intruder', action: 'registry.role.updated', caseRef: null, subject: 'AT/x/y', detail: null };
      return { ...content, prevHash, hash: entryHash(prevHash, content) };
    };
    for (let i = 1; i < N; i++) {
      // Slipped in with a repeated seq.
      let entries = chain(N);
      entries.splice(i, 0, forged(i, entries[i - 1].hash));
      expect(verifyChain(entries)).toMatchObject({ ok: false, seq: i + 1 });
      // Slipped in with the next seq, well linked and hashed, the entries after it renumbered.
      entries = chain(N);
      entries.splice(i, 0, forged(i + 1, entries[i - 1].hash));
      entries.slice(i + 1).forEach((e) => (e.seq += 1));
      // The entry after it names another prev_hash, and its own hash covers its old seq.
      expect(verifyChain(entries)).toMatchObject({ ok: false, seq: i + 2, count: i + 1 });
      // Badly hashed, it is found at its own seq.
      entries[i].hash = 'sha-256:made-up';
      expect(verifyChain(entries)).toMatchObject({ ok: false, seq: i + 1, count: i });
    }
  });

  it('wants the genesis value before the first entry and seq to start at 1', () => {
    const entries = rehash(chain(3), 0);
    entries[0].prevHash = 'sha-256:somewhere-else';
    entries[0].hash = entryHash(entries[0].prevHash, entries[0]);
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 1, problem: expect.stringContaining('genesis') });
    expect(verifyChain(chain(3).slice(1))).toMatchObject({ ok: false, seq: 1, problem: expect.stringContaining('entry 1 is missing') });
  });

  it('verifies a chain fed in pages like one given whole, and ignores entries after a break', () => {
    const entries = chain(N);
    const verifier = new ChainVerifier();
    for (let i = 0; i < N; i += 5) entries.slice(i, i + 5).forEach((e) => verifier.push(e));
    expect(verifier.result()).toEqual(verifyChain(entries));
    entries[2].actor = 'x';
    const broken = new ChainVerifier();
    expect(entries.map((e) => broken.push(e))).toEqual([true, true, ...Array(N - 2).fill(false)]);
    expect(broken.result()).toMatchObject({ ok: false, seq: 3, count: 2 });
  });
});
