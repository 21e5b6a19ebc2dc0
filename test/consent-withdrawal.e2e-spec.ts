import { SealedPersonalData, currentKey, importKey, publicJwks, seal } from '@trm/wire';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { RetentionJob } from '../apps/gateway/src/retention/retention-job';
import { DAY_MS, ManualClock } from './support/clock';
import { CaseSteps, MINUTE_MS, bodies, caseEnvelope, isoDay, startCaseNodes, withHandPartner, withSealedConsent } from './support/cases';
import { call, eventually, problemFields } from './support/http';
import { LeakScanner } from './support/leaks';
import { TestNetwork } from './support/network';

/**
 * Withdrawing consent (GDPR Art. 7(3): as easy as giving it; Art. 17: what was shared under it is erased), with real
 * nodes AT (referring) and RS (receiving): each scope erases exactly what was shared under it on both nodes — scanned
 * in every table of both databases — keeps the tombstones that are the evidence, and purge.confirmed says what went.
 * The evidence of a withdrawal goes at the end of the case's retention.
 */

/** SAMPLE DATA, invented. */
const SEALED_ONLY: SealedPersonalData = { givenName: 'Vesna', familyName: 'Sealed-Withdrawn', dateOfBirth: '1991-06-14', phone: '+381 64 555 0142' };
const EVERYTHING: SealedPersonalData = {
  givenName: 'Milica',
  familyName: 'All-Withdrawn',
  dateOfBirth: '1988-09-03',
  travelDocument: { type: 'passport', number: 'P7788-WITHDRAWN', issuer: 'RS', expires: '2030-01-31' },
};
/** A coded fact only the second case carries (its risk assessment date): coded data shared under `share-coded`. */
const CODED_MARKER = '2024-02-29';
const NODES = ['AT', 'RS'] as const;
/** Retention runs only when a test says so; the message log outlasts case data, so what case data's period takes shows alone. */
const RETENTION = { sealedAfterEndMs: 30 * DAY_MS, caseDataAfterEndMs: 365 * DAY_MS, messageLogMs: 730 * DAY_MS, checkIntervalMs: 1_000_000_000 };

const clock = new ManualClock();
let net: TestNetwork;
let steps: CaseSteps;
const tick = () => clock.advance(MINUTE_MS);
const both = (state: string) => ({ AT: state, RS: state });

beforeAll(async () => ({ net, steps } = await startCaseNodes(clock, (config) => (config.retention = RETENTION))));
afterAll(() => net?.close());

async function sealedCase(person: SealedPersonalData, body = sampleReturnHandover(clock.now()).body) {
  const opened = await steps.open({ body: withSealedConsent(body), sealed: person });
  tick();
  await steps.deliver('RS', opened.caseRef, 'handover.accepted', bodies.accepted());
  return opened;
}

/** RS's purge.confirmed for the case, once AT took it. */
async function purgeConfirmed(caseRef: string) {
  const [answer] = await eventually(async () => {
    const rows = await net.sql<{ id: string; in_reply_to: string; body: unknown }>(
      'AT',
      `SELECT id, in_reply_to, envelope->'body' AS body FROM inbound_message WHERE case_ref = $1 AND type = 'purge.confirmed' AND status = 'delivered'`,
      [caseRef],
    );
    return rows.length ? rows : undefined;
  });
  return answer;
}

/** The JWS and JWE texts of the case on both nodes: after a purge none may be left anywhere. */
async function signedBytes(caseRef: string): Promise<string[]> {
  const out: string[] = [];
  for (const node of NODES) {
    const rows = await net.sql<{ jws: string | null; sealed: string | null }>(
      node,
      `SELECT jws, envelope->>'sealed' AS sealed FROM inbound_message WHERE case_ref = $1 AND type <> 'receipt'
       UNION ALL SELECT jws, envelope->>'sealed' FROM outbound_message WHERE case_ref = $1`,
      [caseRef],
    );
    for (const r of rows) out.push(...[r.jws, r.sealed].filter((x): x is string => !!x));
  }
  return out;
}

const consentOf = async (node: string, caseRef: string) => ((await steps.view(node, caseRef)) as unknown as { consent: Record<string, unknown> }).consent;

describe('consent withdrawn', () => {
  /** The case whose consent was withdrawn for everything. */
  let erased: string;

  it('for share-sealed: both nodes delete the sealed details, the case goes on coded, and no sealed part is taken any more', async () => {
    const { id, caseRef } = await sealedCase(SEALED_ONLY);
    const secrets = (await signedBytes(caseRef)).filter((s) => s.split('.').length === 5);
    tick();
    const withdrawal = await steps.deliver('AT', caseRef, 'consent.withdrawn', { withdrawnAt: clock.now().toISOString(), scope: ['share-sealed'] });

    expect(await purgeConfirmed(caseRef)).toEqual({
      id: expect.any(String),
      in_reply_to: withdrawal,
      body: { purgedAt: expect.any(String), scope: ['share-sealed'] },
    });
    expect(await steps.states(caseRef)).toEqual(both('accepted'));
    for (const node of NODES) {
      expect({ node, consent: await consentOf(node, caseRef) }).toEqual({
        node,
        consent: expect.objectContaining({ scope: ['share-coded'], withdrawnScope: ['share-sealed'], withdrawnAt: expect.any(String) }),
      });
      expect((await call(net.node(node).url, 'GET', `/v1/cases/${caseRef}/sealed`)).status).toBe(410);
      expect({ node, found: await new LeakScanner(net, NODES, Object.values(SEALED_ONLY) as string[]).scan(node, secrets) }).toEqual({ node, found: [] });
    }
    // Withdrawn once is withdrawn: the same again is refused; nobody sends a purge.confirmed by hand.
    const again = await steps.attempt('AT', caseRef, 'consent.withdrawn', { withdrawnAt: clock.now().toISOString(), scope: ['share-sealed'] });
    expect({ status: again.status, message: again.body.message }).toEqual({
      status: 409,
      message: `consent.withdrawn does not fit case ${caseRef}: consent was withdrawn already (share-sealed)`,
    });
    const byHand = await steps.attempt(
      'RS',
      caseRef,
      'purge.confirmed',
      { purgedAt: clock.now().toISOString(), scope: ['share-sealed'] },
      { inReplyTo: withdrawal },
    );
    expect({ status: byHand.status, fields: problemFields(byHand.body) }).toEqual({ status: 400, fields: ['type'] });
    // The coded facts stay: RS still has the request's body, and the case goes on.
    expect((await net.sql('RS', `SELECT envelope->'body'->>'purpose' AS purpose FROM inbound_message WHERE id = $1`, [id]))[0]).toEqual({ purpose: 'return' });
    tick();
    await steps.deliver('AT', caseRef, 'return.scheduled', bodies.scheduled(isoDay(clock.now(), 7)));
    expect(await steps.states(caseRef)).toEqual(both('return-scheduled'));

    // A sealed part for the case is refused now (RS played by hand).
    await net.stop('RS');
    try {
      const jwk = currentKey(publicJwks(net.node('AT').keys.privateJwks), 'enc', clock.now())!;
      const sealed = await seal(SEALED_ONLY, { kid: jwk.kid, key: importKey(jwk) });
      const question = (await net.sql<{ id: string }>('AT', `SELECT id FROM outbound_message WHERE case_ref = $1 AND type = 'consent.withdrawn'`, [caseRef]))[0]
        .id;
      const envelope = caseEnvelope('RS', 'AT', caseRef, 'case.updated', bodies.updated(), clock.now(), { sealed, inReplyTo: question });
      const receipt = await withHandPartner(net, 'RS', 'AT', async (rs) => {
        await rs.send(envelope);
        return rs.nextReceipt();
      });
      expect(receipt.envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'invalid-body' });
    } finally {
      await net.start('RS');
    }
  });

  it('for share-coded: the case ends, and both nodes erase everything shared in it but the evidence', async () => {
    const sample = sampleReturnHandover(clock.now()).body;
    const { caseRef } = await sealedCase(EVERYTHING, { ...sample, risk: { level: 'high', assessedAt: CODED_MARKER } });
    erased = caseRef;
    tick();
    const question = await steps.deliver('AT', caseRef, 'info.request', bodies.infoRequest());
    await steps.deliver('RS', caseRef, 'info.response', bodies.infoResponse(), { inReplyTo: question });
    const secrets = await signedBytes(caseRef);
    tick();
    const withdrawal = await steps.deliver('AT', caseRef, 'consent.withdrawn', {
      withdrawnAt: clock.now().toISOString(),
      scope: ['share-coded', 'share-sealed'],
    });

    const answer = await purgeConfirmed(caseRef);
    expect(answer).toEqual({ id: expect.any(String), in_reply_to: withdrawal, body: { purgedAt: expect.any(String), scope: ['share-coded', 'share-sealed'] } });
    expect(await steps.states(caseRef)).toEqual(both('withdrawn'));
    const scanner = new LeakScanner(net, NODES, [
      ...Object.values(EVERYTHING).filter((v): v is string => typeof v === 'string'),
      'P7788-WITHDRAWN',
      CODED_MARKER,
    ]);
    for (const node of NODES) {
      expect({ node, found: await scanner.scan(node, secrets) }).toEqual({ node, found: [] });
      // Tombstones: every message of the case keeps its id, type, digest and routing frame, none its body — but the
      // signed withdrawal and its purge.confirmed, the evidence of what went and when.
      const messages = await net.sql<{ id: string; type: string; body: unknown; digest: string | null }>(
        node,
        `SELECT id, type, envelope->'body' AS body, digest FROM inbound_message WHERE case_ref = $1 AND type <> 'receipt'
         UNION ALL SELECT id, type, envelope->'body', digest FROM outbound_message WHERE case_ref = $1`,
        [caseRef],
      );
      expect({
        node,
        withBody: messages
          .filter((m) => m.body !== null)
          .map((m) => m.type)
          .sort(),
      }).toEqual({ node, withBody: ['consent.withdrawn', 'purge.confirmed'] });
      expect({ node, digests: messages.every((m) => typeof m.digest === 'string') }).toEqual({ node, digests: true });
      const [row] = await net.sql<{ purpose: string | null; purged: boolean; deadlines: number }>(
        node,
        `SELECT purpose, purged_at IS NOT NULL AS purged, (SELECT count(*)::int FROM expectation e WHERE e.case_ref = c.case_ref) AS deadlines FROM case_file c WHERE case_ref = $1`,
        [caseRef],
      );
      expect({ node, row }).toEqual({ node, row: { purpose: null, purged: true, deadlines: 0 } });
      expect({ node, consent: await consentOf(node, caseRef) }).toEqual({
        node,
        consent: expect.objectContaining({
          given: true,
          recordedAt: expect.any(String),
          withdrawnScope: ['share-coded', 'share-sealed'],
          withdrawnAt: expect.any(String),
        }),
      });
    }
    // Ended: nothing more fits, on either side.
    for (const [node, type, body] of [
      ['AT', 'case.closed', { reason: 'consent-withdrawn' }],
      ['RS', 'followup.report', bodies.report(1)],
      ['AT', 'info.request', bodies.infoRequest()],
    ] as const) {
      const r = await steps.attempt(node, caseRef, type, body);
      expect({ type, status: r.status, message: r.body.message }).toEqual({
        type,
        status: 409,
        message: `${type} does not fit case ${caseRef}: the case has ended (withdrawn): no ${type} after that`,
      });
    }
  });

  it('wins over a closing message it crosses: both nodes end withdrawn and both erase', async () => {
    const { caseRef } = await sealedCase({ givenName: 'Jasna', familyName: 'Crossing-Close', dateOfBirth: '1993-03-03' });
    tick();
    const [withdrawal, close] = await Promise.all([
      steps.submit('AT', caseRef, 'consent.withdrawn', { withdrawnAt: clock.now().toISOString(), scope: ['share-coded', 'share-sealed'] }),
      steps.submit('RS', caseRef, 'case.closed', bodies.closed()),
    ]);
    expect(await steps.outcome('AT', withdrawal)).toEqual({ state: 'delivered', reject_reason: null });
    await steps.outcome('RS', close);
    await purgeConfirmed(caseRef);
    expect(await steps.states(caseRef)).toEqual(both('withdrawn'));
    for (const node of NODES) {
      expect({ node, sealed: (await call(net.node(node).url, 'GET', `/v1/cases/${caseRef}/sealed`)).status }).toEqual({ node, sealed: 410 });
      expect({
        node,
        purged: (await net.sql<{ purged: boolean }>(node, 'SELECT purged_at IS NOT NULL AS purged FROM case_file WHERE case_ref = $1', [caseRef]))[0].purged,
      }).toEqual({ node, purged: true });
    }
  });

  it('keeps the evidence of a withdrawal for everything until caseDataAfterEnd after the case ended, then only the tombstones', async () => {
    /** What of the erased case is more than a tombstone on `node`: its consent record, and each message's body, JWS or receipt JWS. */
    const evidence = async (node: string) => {
      const [row] = await net.sql<{ consent: unknown; purged_at: Date; closed_at: Date }>(
        node,
        'SELECT consent, purged_at, closed_at FROM case_file WHERE case_ref = $1',
        [erased],
      );
      const kept = await net.sql<{ type: string; body: boolean; jws: boolean; receipt: boolean }>(
        node,
        `SELECT * FROM (SELECT type, envelope->'body' <> 'null' AS body, jws IS NOT NULL AS jws, receipt_jws IS NOT NULL AS receipt FROM inbound_message WHERE case_ref = $1
           UNION ALL SELECT type, envelope->'body' <> 'null', jws IS NOT NULL, false FROM outbound_message WHERE case_ref = $1) m
         WHERE body OR jws OR receipt ORDER BY type`,
        [erased],
      );
      return { consent: row.consent, purgedAt: row.purged_at, closedAt: row.closed_at, kept };
    };
    const run = async () => ({ AT: await net.node('AT').app!.get(RetentionJob).runOnce(), RS: await net.node('RS').app!.get(RetentionJob).runOnce() });
    const erasedNow = { AT: await evidence('AT'), RS: await evidence('RS') };
    for (const node of NODES) {
      const e = erasedNow[node];
      // (RS also holds AT's receipt for purge.confirmed whole: it came after the erasure.)
      expect({ node, consent: e.consent, evidence: e.kept.filter((m) => m.body && m.type !== 'receipt').map((m) => m.type) }).toEqual({
        node,
        consent: expect.objectContaining({ withdrawnScope: ['share-coded', 'share-sealed'] }),
        evidence: ['consent.withdrawn', 'purge.confirmed'],
      });
      // This node's own receipts stay, for rule 7.
      expect({ node, receipts: e.kept.some((m) => m.receipt) }).toEqual({ node, receipts: true });
    }
    const ended = Math.max(erasedNow.AT.closedAt.getTime(), erasedNow.RS.closedAt.getTime());

    clock.set(new Date(ended + RETENTION.caseDataAfterEndMs - MINUTE_MS));
    expect(await run()).toEqual({ AT: expect.objectContaining({ caseData: 0 }), RS: expect.objectContaining({ caseData: 0 }) });
    expect({ AT: await evidence('AT'), RS: await evidence('RS') }).toEqual(erasedNow);

    clock.set(new Date(ended + RETENTION.caseDataAfterEndMs + MINUTE_MS));
    const counts = await run();
    for (const node of NODES) {
      expect({ node, counts: counts[node] }).toEqual({ node, counts: expect.objectContaining({ sealed: 0, messageLog: 0 }) });
      expect({ node, cases: counts[node].caseData > 0, messages: counts[node].caseDataMessages >= 2 }).toEqual({ node, cases: true, messages: true });
      // The consent record, the withdrawal and purge.confirmed, the receipts: gone. The case stays erased when it was.
      expect({ node, ...(await evidence(node)) }).toEqual({
        node,
        consent: null,
        purgedAt: erasedNow[node].purgedAt,
        closedAt: erasedNow[node].closedAt,
        kept: [],
      });
      expect({ node, consent: await consentOf(node, erased) }).toEqual({ node, consent: null });
    }
    // Taken once: the next run finds nothing of it.
    expect(await run()).toEqual({ AT: expect.objectContaining({ caseData: 0 }), RS: expect.objectContaining({ caseData: 0 }) });
  });
});
