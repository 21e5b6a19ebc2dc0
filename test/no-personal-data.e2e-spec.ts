import { Envelope, HEADER_FROM, HEADER_PROFILE, HEADER_TO, PROFILE, currentKey, importKey, publicJwks, seal } from '@trm/wire';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { GatewayProcess, GatewayProcesses, freePort, sampleReturnHandover } from '../apps/trmctl/src/local';
import { bodies, withSealedConsent } from './support/cases';
import { eventually, problemFields } from './support/http';
import { TestNetwork } from './support/network';
import { HandPartner } from './support/partner';
import { CANARIES, CANARY_NAME, CANARY_PERSON, leaksIn } from './support/canaries';

const ENTRY = join(__dirname, '../dist/apps/gateway/src/main.js');

const PERSON = CANARY_PERSON;
const FULL_NAME = CANARY_NAME;

interface Reply {
  what: string;
  status: number;
  text: string;
}

/**
 * "Nothing personal in logs or errors": AT and RS run as their own gateway processes, so what they write to stdout and
 * stderr is exactly what an operator's log collector would get. A handover carries unmistakable personal details in
 * `sealed`; they are then sent everywhere they do not belong — unknown fields, wrong types, broken JSON, addresses,
 * signed bodies, AMQP headers, garbage and oversized deliveries. The details may come out of exactly one place,
 * GET /v1/cases/:caseRef/sealed for whoever works on the case; never out of a log line, an error response or a metric.
 */
describe('personal details stay out of logs, error responses and metrics', () => {
  let net: TestNetwork;
  let dir: string;
  const processes = new GatewayProcesses();
  const specs = new Map<string, { configFile: string; port: number }>();
  const gateways = new Map<string, GatewayProcess>();
  const starts = new Map<string, number>();
  const tokens = new Map<string, string>();
  /** Answers to requests that must fail, or that must not carry the sealed details. */
  const replies: Reply[] = [];
  let caseRef = '';
  let handoverId = '';

  const start = async (node: string): Promise<GatewayProcess> => {
    const { configFile, port } = specs.get(node)!;
    const n = (starts.get(node) ?? 0) + 1;
    starts.set(node, n);
    const gateway = processes.start({
      node,
      port,
      configFile,
      entry: ENTRY,
      env: { ...process.env, TRM_TEST_LOGS: '' },
      logFile: join(dir, `${node}-${n}.log`),
    });
    gateways.set(node, gateway);
    await processes.waitUntilServing(gateway, 30_000);
    return gateway;
  };
  const url = (node: string) => gateways.get(node)!.url;

  /** One HTTP call; the answer is kept for the final check unless `keep` is false. */
  async function http(
    what: string,
    node: string,
    method: string,
    path: string,
    body?: string | object,
    options: { token?: string | null; contentType?: string; keep?: boolean } = {},
  ): Promise<Reply> {
    const token = options.token === undefined ? tokens.get(node) : options.token;
    const res = await fetch(`${url(node)}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const reply = { what, status: res.status, text: await res.text() };
    if (options.keep !== false) replies.push(reply);
    return reply;
  }
  const json = (r: Reply) => JSON.parse(r.text);

  /**
   * POST /v1/handovers on AT with a body over the limit. The gateway answers 413 from its Content-Length and closes the
   * connection, so a client still writing the body may see a broken pipe instead of the answer; the body is written
   * only if no answer came within a second.
   */
  const oversized = (what: string, body: string): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request(`${url('AT')}/v1/handovers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${tokens.get('AT')}` },
      });
      const late = setTimeout(() => req.end(body), 1_000);
      req.on('response', (res) => {
        clearTimeout(late);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const reply = { what, status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') };
          replies.push(reply);
          req.destroy();
          resolve(reply);
        });
      });
      req.on('error', reject);
      req.flushHeaders();
    });

  const logLines = (node?: string): Array<{ file: string; line: string }> =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.log') && (!node || f.startsWith(`${node}-`)))
      .flatMap((file) =>
        readFileSync(join(dir, file), 'utf8')
          .split('\n')
          .filter((l) => l.length > 0)
          .map((line) => ({ file, line })),
      );

  const inbound = async (id: string) =>
    eventually(
      async () =>
        (await net.sql<{ status: string; reject_reason: string | null }>('RS', 'SELECT status, reject_reason FROM inbound_message WHERE id = $1', [id]))[0],
      20_000,
      `RS to store ${id}`,
    );
  const outbound = (node: string, id: string) =>
    eventually(
      async () => {
        const [row] = await net.sql<{ state: string }>(node, 'SELECT state FROM outbound_message WHERE id = $1', [id]);
        return row && row.state !== 'queued' && row.state !== 'sent' ? row.state : undefined;
      },
      20_000,
      `${node}'s ${id} to be receipted`,
    );

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS']);
    dir = mkdtempSync(join(tmpdir(), 'trm-privacy-'));
    for (const node of ['AT', 'RS']) {
      const port = await freePort();
      specs.set(node, { port, configFile: net.writeNodeFiles(node, dir, port) });
      tokens.set(node, await net.token(node));
    }
    await start('RS');
    await start('AT');
    await net.converged(['AT', 'RS']);
  });
  afterAll(async () => {
    await processes.stopAll();
    await net?.close();
    if (dir && !process.env.KEEP_PRIVACY_LOGS) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the sealed details and shows them only to the coordinator who opens them, with an audit entry', async () => {
    const sample = sampleReturnHandover();
    const submitted = await http('POST /v1/handovers (valid, sealed)', 'AT', 'POST', '/v1/handovers', {
      ...sample,
      body: withSealedConsent(sample.body),
      sealed: PERSON,
    });
    expect(submitted.status).toBe(202);
    ({ id: handoverId, caseRef } = json(submitted));
    expect(await outbound('AT', handoverId)).toBe('delivered');

    // The one place the details come out, on the receiving node and (kept sealed to itself) on the sending node.
    const opened = await http('GET sealed on RS', 'RS', 'GET', `/v1/cases/${caseRef}/sealed`, undefined, { keep: false });
    expect(opened.status).toBe(200);
    expect(json(opened)).toEqual({ caseRef, items: [{ message: handoverId, type: 'handover.request', direction: 'in', data: PERSON }] });
    for (const c of CANARIES) expect(opened.text).toContain(c);
    const own = await http('GET sealed on AT', 'AT', 'GET', `/v1/cases/${caseRef}/sealed`, undefined, { keep: false });
    expect(json(own).items).toEqual([{ message: handoverId, type: 'handover.request', direction: 'out', data: PERSON }]);

    // Everywhere else the case shows, it shows without them.
    for (const node of ['AT', 'RS']) {
      expect((await http(`GET /v1/handovers/:id on ${node}`, node, 'GET', `/v1/handovers/${handoverId}`)).status).toBe(200);
      expect((await http(`GET /v1/cases/:caseRef on ${node}`, node, 'GET', `/v1/cases/${caseRef}`)).status).toBe(200);
    }
    expect((await http('GET /v1/inbox on RS', 'RS', 'GET', '/v1/inbox')).status).toBe(200);

    // Opening is audited: who, which case, which message — nothing of what was read.
    const auditor = await net.token('RS', { subject: 'auditor-1', roles: ['auditor'] });
    const audit = await http('GET /v1/audit on RS', 'RS', 'GET', '/v1/audit?limit=1000', undefined, { token: auditor });
    expect(audit.status).toBe(200);
    expect(json(audit).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'sealed.opened', actor: 'svc-scratch', caseRef, subject: handoverId, detail: { type: 'handover.request' } }),
      ]),
    );
  });

  it('answers requests carrying the details where they do not belong with 400s that name fields, not values', async () => {
    const sample = sampleReturnHandover();
    const sealedScope = withSealedConsent(sample.body);
    const post = (what: string, body: string | object, options: { token?: string | null; contentType?: string } = {}) =>
      http(what, 'AT', 'POST', '/v1/handovers', body, options);
    const fields = (r: Reply) => problemFields(json(r)) ?? [];

    const unknownField = await post('unknown field body.person.name', {
      ...sample,
      body: { ...sample.body, person: { ...sample.body.person, name: FULL_NAME } },
    });
    expect(unknownField.status).toBe(400);
    expect(fields(unknownField)).toEqual(['body.person.name']);

    const sealedUnknown = await post('unknown field in sealed', { ...sample, body: sealedScope, sealed: { ...PERSON, passport: 'CANARY-PASS-4711' } });
    expect(sealedUnknown.status).toBe(400);
    expect(fields(sealedUnknown)).toEqual(['sealed.passport']);

    const wrongType = await post('sealed.dateOfBirth holding the name', { ...sample, body: sealedScope, sealed: { ...PERSON, dateOfBirth: FULL_NAME } });
    expect(wrongType.status).toBe(400);
    expect(fields(wrongType)).toEqual(['sealed.dateOfBirth']);

    const tooLong = await post('sealed.givenName too long', {
      ...sample,
      body: sealedScope,
      sealed: { ...PERSON, givenName: PERSON.givenName!.repeat(20), phone: 4711 },
    });
    expect(tooLong.status).toBe(400);
    expect([...new Set(fields(tooLong))].sort()).toEqual(['sealed.givenName', 'sealed.phone']);

    const nestedWrong = await post('sealed.travelDocument as a string', {
      ...sample,
      body: sealedScope,
      sealed: { ...PERSON, travelDocument: 'CANARY-PASS-4711' },
    });
    expect(nestedWrong.status).toBe(400);
    expect(fields(nestedWrong)).toContain('sealed.travelDocument');

    const noConsent = await post('sealed without share-sealed consent', { ...sample, sealed: PERSON });
    expect(noConsent.status).toBe(400);
    expect(fields(noConsent)).toEqual(['body.consent.scope']);

    const malformed = await post(
      'malformed JSON',
      `{"sender": "AT/bmi-thb/coordination", "sealed": {"givenName": "${PERSON.givenName}" "familyName": "${PERSON.familyName}", "phone": ${PERSON.phone}}`,
    );
    expect(malformed.status).toBe(400);

    const addressLike = await post('recipient built from the name', { ...sample, recipient: 'RS/ljiljana-privacy-canary/intake' });
    expect(addressLike.status).toBe(400);
    expect(fields(addressLike)).toEqual(['recipient']);

    const notAnAddress = await post('recipient that is not an address', {
      ...sample,
      recipient: `RS/${FULL_NAME}/intake`,
      sender: `AT/${PERSON.familyName}/x`,
    });
    expect(notAnAddress.status).toBe(400);
    expect(fields(notAnAddress).sort()).toEqual(['recipient', 'sender']);

    const text = await post('the details as text/plain', `${FULL_NAME}, ${PERSON.travelDocument!.number}, ${PERSON.phone}`, { contentType: 'text/plain' });
    expect(text.status).toBe(400);

    const huge = await oversized('a body over the HTTP limit', JSON.stringify({ ...sample, sealed: { ...PERSON, givenName: `${FULL_NAME} `.repeat(60_000) } }));
    expect(huge.status).toBe(413);

    const anonymous = await post('no token', { ...sample, body: sealedScope, sealed: PERSON }, { token: null });
    expect(anonymous.status).toBe(401);

    const caseworker = await net.token('AT', { subject: 'caseworker-without-roles', roles: ['caseworker'] });
    const notHeld = await post('a caseworker not holding the sender', { ...sample, body: sealedScope, sealed: PERSON }, { token: caseworker });
    expect(notHeld.status).toBe(403);

    // Case messages: sealed details are not a field of them, and bodies are checked like the partner checks them.
    const sealedInCase = await http('sealed in a case message', 'AT', 'POST', `/v1/cases/${caseRef}/messages`, {
      type: 'case.updated',
      body: bodies.updated(),
      sealed: PERSON,
    });
    expect(sealedInCase.status).toBe(400);
    expect(fields(sealedInCase)).toEqual(['sealed']);
    const noteInCase = await http('the name in a case message body', 'AT', 'POST', `/v1/cases/${caseRef}/messages`, {
      type: 'case.updated',
      body: { changes: { needs: ['shelter'], note: FULL_NAME } },
    });
    expect(noteInCase.status).toBe(400);
    expect(fields(noteInCase)).toEqual(['body.changes.note']);
  });

  it('purges the sealed details on both nodes when consent is withdrawn', async () => {
    const withdrawal = await http('consent.withdrawn', 'AT', 'POST', `/v1/cases/${caseRef}/messages`, {
      type: 'consent.withdrawn',
      body: bodies.withdrawn(new Date()),
    });
    expect(withdrawal.status).toBe(202);
    expect(await outbound('AT', json(withdrawal).id)).toBe('delivered');
    const confirmation = await eventually(
      async () => (await net.sql<{ id: string }>('RS', `SELECT id FROM outbound_message WHERE case_ref = $1 AND type = 'purge.confirmed'`, [caseRef]))[0]?.id,
      20_000,
      'RS to confirm the purge',
    );
    expect(await outbound('RS', confirmation)).toBe('delivered');
    for (const node of ['AT', 'RS']) {
      const gone = await http(`GET sealed on ${node} after the purge`, node, 'GET', `/v1/cases/${caseRef}/sealed`);
      expect(gone.status).toBe(410);
    }
    const [row] = await net.sql<{ sealed: string | null }>('RS', `SELECT envelope->>'sealed' AS sealed FROM inbound_message WHERE id = $1`, [handoverId]);
    expect(row.sealed).toBeNull();
  });

  it('keeps the details out of the logs when the database fails under requests that carry them', async () => {
    const sample = sampleReturnHandover();
    const administrator = await net.token('AT', { subject: 'admin-1', roles: ['administrator'] });
    const person = (name: string, keep = true) => http('POST /v1/people with the name', 'AT', 'POST', '/v1/people', { name }, { token: administrator, keep });

    // Staff names are stored in clear, so every INSERT of one carries the name as a parameter. The database sessions of
    // both nodes (by their application_name) are ended, as by a database restart, while such inserts and sealed
    // handovers — sent, received, receipted — are under way, until some requests failed.
    const sessions = ['AT', 'RS'].map((node) => `trm-gateway ${node} ${net.schema(node)}`);
    const cut: Reply[] = [];
    for (let round = 0; round < 50 && cut.length === 0; round++) {
      const requests = [
        ...Array.from({ length: 6 }, (_, i) => person(`${FULL_NAME} ${round}-${i}`, false)),
        ...Array.from({ length: 3 }, () =>
          http(
            'POST /v1/handovers while sessions end',
            'AT',
            'POST',
            '/v1/handovers',
            { ...sample, body: withSealedConsent(sample.body), sealed: PERSON },
            { keep: false },
          ),
        ),
      ];
      await net.sql('AT', 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ANY($1)', [sessions]);
      cut.push(...(await Promise.all(requests)).filter((r) => r.status >= 500));
    }
    expect(cut).not.toHaveLength(0);
    replies.push(...cut); // the failures must not quote the name; a person created shows it, as it should

    // A constraint the row breaks: PostgreSQL's error quotes the whole row ("Failing row contains (…)").
    await net.sql('AT', `ALTER TABLE person ADD CONSTRAINT test_refused CHECK (name NOT LIKE '%refused%')`);
    try {
      expect((await person(`${FULL_NAME} refused`)).status).toBe(500);
    } finally {
      await net.sql('AT', 'ALTER TABLE person DROP CONSTRAINT test_refused');
    }

    // PostgreSQL refuses NUL in text; the API refuses it first, naming the field.
    const nul = await person(`${PERSON.givenName}\u0000${PERSON.familyName}`);
    expect(nul.status).toBe(400);
    expect(json(nul).problems).toEqual([{ field: 'name', problem: expect.any(String) }]);

    // Whatever got through is delivered before AT is played by hand, so no late receipt reaches the hand.
    await net.converged(['AT', 'RS'], 60_000);
  });

  describe('over AMQP, with AT played by hand', () => {
    let at: HandPartner;
    const refused: Record<string, string> = {};

    beforeAll(async () => {
      // AT's gateway stops so that RS's receipts come to the hand-played partner.
      await processes.stop(gateways.get('AT')!);
      at = await new HandPartner(net, 'AT', 'RS').open();
    });
    afterAll(async () => {
      await at?.close();
    });

    const sealedToRs = async (data: object): Promise<string> => {
      const jwk = currentKey(publicJwks(net.node('RS').keys.privateJwks), 'enc', new Date())!;
      return seal(data, { kid: jwk.kid, key: importKey(jwk) });
    };

    it('refuses a signed handover with the name in an unknown body field (invalid-body)', async () => {
      const sample = sampleReturnHandover().body;
      const envelope = at.handover({ body: { ...sample, person: { ...sample.person, name: FULL_NAME } } });
      await at.send(envelope);
      expect(await inbound(envelope.id)).toEqual({ status: 'rejected', reject_reason: 'invalid-body' });
      expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'invalid-body' });
      refused[envelope.id] = 'invalid-body';
    });

    it('refuses a signed handover with a body field named after the person (invalid-body)', async () => {
      const sample = sampleReturnHandover().body;
      const envelope = at.handover({ body: { ...sample, person: { ...sample.person, [FULL_NAME]: PERSON.travelDocument!.number } } });
      await at.send(envelope);
      expect(await inbound(envelope.id)).toEqual({ status: 'rejected', reject_reason: 'invalid-body' });
      expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'invalid-body' });
      refused[envelope.id] = 'invalid-body';
    });

    it('refuses a signed message whose type is the name (invalid-body)', async () => {
      const envelope = at.handover({ type: FULL_NAME as Envelope['type'] });
      await at.send(envelope);
      expect(await inbound(envelope.id)).toEqual({ status: 'rejected', reject_reason: 'invalid-body' });
      expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'invalid-body' });
      refused[envelope.id] = 'invalid-body';
    });

    it('refuses a signed handover whose sealed part has an unknown field holding the passport number (invalid-body)', async () => {
      const envelope = at.handover({
        body: withSealedConsent(sampleReturnHandover().body),
        sealed: await sealedToRs({ ...PERSON, passport: 'CANARY-PASS-4711' }),
      });
      await at.send(envelope);
      expect(await inbound(envelope.id)).toEqual({ status: 'rejected', reject_reason: 'invalid-body' });
      expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'invalid-body' });
      refused[envelope.id] = 'invalid-body';
    });

    it('refuses a sealed handover whose AMQP headers disagree with it, with the name in the headers (header-mismatch)', async () => {
      const envelope = at.handover({ body: withSealedConsent(sampleReturnHandover().body), sealed: await sealedToRs(PERSON) });
      await at.publish(await at.sign(envelope), envelope, {
        headers: { [HEADER_PROFILE]: PROFILE, [HEADER_FROM]: FULL_NAME, [HEADER_TO]: 'RS', 'x-person': PERSON.phone },
      });
      expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'header-mismatch' });
      refused[envelope.id] = 'header-mismatch';
    });

    it('refuses a payload changed after signing to carry the name (bad-signature)', async () => {
      const envelope = at.handover();
      const [h, , s] = (await at.sign(envelope)).split('.');
      const tampered = { ...envelope, body: { ...(envelope.body as object), note: FULL_NAME } };
      await at.publish(`${h}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${s}`, envelope);
      expect((await at.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'bad-signature' });
      refused[envelope.id] = 'bad-signature';
    });

    it('dead-letters garbage bytes containing the details', async () => {
      const envelope = at.handover();
      const garbage = Buffer.from(
        `${FULL_NAME} born in ${PERSON.placeOfBirth}, passport ${PERSON.travelDocument!.number}, phone ${PERSON.phone}\u0000\u00ff`,
        'utf8',
      );
      await at.publish(garbage, envelope);
      expect((await at.nextDeadLetter()).equals(garbage)).toBe(true);
    });

    it('dead-letters an oversized message padded with the name', async () => {
      const sample = sampleReturnHandover().body;
      const envelope = at.handover({ body: { ...sample, padding: `${FULL_NAME} `.repeat(20_000) } });
      const jws = await at.sign(envelope);
      expect(jws.length).toBeGreaterThan(256 * 1024);
      await at.publish(jws, envelope);
      expect((await at.nextDeadLetter()).toString('ascii')).toBe(jws);
    });

    it('logs each refusal by message id and reason code', () => {
      const rs = logLines('RS').map((l) => l.line);
      for (const [id, reason] of Object.entries(refused)) {
        expect(rs.filter((l) => l.includes(id) && l.includes(reason))).not.toHaveLength(0);
      }
      expect(rs.filter((l) => l.includes('from an unverified sender: malformed (not a JWS Compact Serialization'))).not.toHaveLength(0);
      expect(rs.filter((l) => l.includes('malformed (larger than 262144 bytes)'))).not.toHaveLength(0);
      // An unknown field is logged by where it sits: its name is whatever the partner wrote.
      expect(rs.filter((l) => l.includes('invalid-body (body.person has a field that is not known)'))).toHaveLength(2);
      expect(rs.filter((l) => l.includes('invalid-body (sealed has a field that is not known)'))).toHaveLength(1);
      expect(rs.filter((l) => l.includes('invalid-body (type is not a message type this node handles)'))).toHaveLength(1);
    });
  });

  it('keeps the details out of every log line, error response and metric of both nodes', async () => {
    await start('AT'); // again, after playing it by hand: its restart is logged too
    for (const node of ['AT', 'RS']) {
      const metrics = await http(`GET /metrics on ${node}`, node, 'GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/^# TYPE trm_messages_received_total counter$/m);
    }
    // RS ran throughout (its counters start with its process); AT was restarted.
    const rsMetrics = replies.find((r) => r.what === 'GET /metrics on RS')!.text;
    expect(rsMetrics).toContain('trm_messages_received_total{partner="AT",type="handover.request",status="rejected"} 3');
    // The message whose type was the name is counted, under a type that is not.
    expect(rsMetrics).toContain('trm_messages_received_total{partner="AT",type="unknown",status="rejected"} 1');
    // The message log's type column, which the inbox, the timelines and the permanent audit log show, holds no name.
    await eventually(async () =>
      (await net.sql<{ n: number }>('RS', 'SELECT count(*)::int AS n FROM inbound_message WHERE audited_at IS NULL'))[0].n === 0 ? true : undefined,
    );
    const shown = JSON.stringify([
      await net.sql('RS', 'SELECT type FROM inbound_message'),
      await net.sql('RS', 'SELECT action, subject, case_ref, detail FROM audit_entry'),
    ]);
    expect(shown).toContain('"type":"unknown"');
    expect(leaksIn(shown)).toEqual([]);
    await processes.stopAll(); // every line written, including shutdown

    const lines = logLines();
    // Logging is on: each process logged its start and the partner's directory, by node id and version.
    for (const [node, partner] of [
      ['AT', 'RS'],
      ['RS', 'AT'],
    ]) {
      const own = lines.filter((l) => l.file.startsWith(`${node}-`)).map((l) => l.line);
      expect(own.filter((l) => l.includes(`node ${node} listening on http://127.0.0.1:`))).toHaveLength(starts.get(node)!);
      expect(own.filter((l) => l.includes(`directory of ${partner} is now version 1`))).not.toHaveLength(0);
    }

    // Structured: every line of both processes is one JSON object with a level and a message.
    const unstructured = lines.filter(({ line }) => {
      try {
        const entry = JSON.parse(line);
        return !(entry && typeof entry === 'object' && typeof entry.level === 'string' && typeof entry.time === 'string' && 'msg' in entry);
      } catch {
        return true;
      }
    });
    expect(unstructured).toEqual([]);

    // Nor SQL: a failed query is logged by its SQLSTATE, never with its text or parameters.
    expect(lines.filter(({ line }) => /\b(INSERT INTO|UPDATE "?\w+"? SET|DELETE FROM|SELECT .* FROM)\b/i.test(line))).toEqual([]);
    // The forced failures were logged, by what went wrong.
    expect(lines.filter(({ line }) => line.includes('POST /v1/people failed: database error 23514'))).toHaveLength(1);

    const leaks = [
      ...lines.flatMap(({ file, line }) => leaksIn(line).map((found) => ({ where: file, found, line }))),
      ...replies.flatMap((r) => leaksIn(r.text).map((found) => ({ where: `${r.what} (${r.status})`, found, line: r.text.slice(0, 300) }))),
    ];
    expect(leaks).toEqual([]);
  });
});
