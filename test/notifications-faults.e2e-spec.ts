import { INestApplication } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ConfigError, loadNodeConfig } from '../apps/gateway/src/config/load-config';
import { NodeConfig } from '../apps/gateway/src/config/node-config';
import { startGateway } from '../apps/gateway/src/gateway';
import { MailSender } from '../apps/gateway/src/notifications/mail-sender';
import { WebhookSender } from '../apps/gateway/src/notifications/webhook-sender';
import { GatewayProcesses, freePort, sampleReturnHandover } from '../apps/trmctl/src/local';
import { CANARY_NAME, CANARY_PERSON, leaksIn } from './support/canaries';
import { CaseSteps, MINUTE_MS, startCaseNodes, withHandPartner, withSealedConsent } from './support/cases';
import { ManualClock } from './support/clock';
import { call, eventually } from './support/http';
import { SmtpCatcher, WebhookReceiver, catcherSmtp, sendDueNotices, webhookSecret } from './support/mailboxes';
import { TestNetwork } from './support/network';

const ENTRY = join(__dirname, '../dist/apps/gateway/src/main.js');

/**
 * Notices where things get hard: handovers to several RS roles at once (a vacant one, a vacant one whose fallback
 * is vacant too, one whose fallback has no fallback), read back from a real SMTP server and webhook receiver.
 */
const BOX = {
  intake: 'intake@cptv.example',
  urgent: 'urgent-shelter@cptv.example',
  transition: 'transition-house@atina.example',
  ret: 'return@astra.example',
  sos: 'sos@astra.example',
  night: 'night@cptv.example',
  orphan: 'orphan@cptv.example',
  lonely: 'lonely@cptv.example',
};

describe('notices for a burst of handovers to several roles', () => {
  const clock = new ManualClock();
  let smtp: SmtpCatcher;
  const secret = webhookSecret();
  let hook: WebhookReceiver;
  let net: TestNetwork;
  let steps: CaseSteps;
  let replica: INestApplication | null = null;
  const apps = () => [net.node('AT').app, net.node('RS').app, replica].filter((a): a is INestApplication => a !== null);
  const sendAll = () => sendDueNotices(apps());
  const rs = () => net.node('RS').url;
  const role = (slug: string, extra: Record<string, unknown>) => ({
    slug,
    title: `Probe ${slug}`,
    purposes: ['return', 'referral', 'assistance'],
    ageGroups: ['adult', 'child', 'unknown'],
    languages: ['sr', 'en'],
    ...extra,
  });
  /** POSTs handovers to each recipient at once and waits until RS receipted every one. */
  const burst = async (recipients: string[]) => {
    const posted = await Promise.all(
      recipients.map((recipient) =>
        call(net.node('AT').url, 'POST', '/v1/handovers', {
          ...sampleReturnHandover(clock.now()),
          body: withSealedConsent(sampleReturnHandover(clock.now()).body),
          sealed: CANARY_PERSON,
          recipient,
        }),
      ),
    );
    for (const p of posted) expect([p.status, p.body?.problems]).toEqual([202, undefined]);
    const out = [];
    for (const [i, p] of posted.entries()) {
      expect((await steps.outcome('AT', p.body.id)).state).toBe('delivered');
      out.push({ id: p.body.id as string, caseRef: p.body.caseRef as string, recipient: recipients[i] });
    }
    return out;
  };
  const mailsAbout = (caseRef: string) => smtp.mails.filter((m) => m.subject.includes(caseRef) || m.text.includes(caseRef));

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    hook = await WebhookReceiver.start(secret);
    ({ net, steps } = await startCaseNodes(clock, (config: NodeConfig) => {
      config.notifications = {
        ...config.notifications,
        consoleUrl: `https://trm-${config.node.toLowerCase()}.example/`,
        smtp: catcherSmtp(smtp.port),
        webhooks: config.node === 'RS' ? [{ url: hook.url, events: ['message.arrived', 'deadline.near', 'deadline.missed', 'role.handed-over'], secret }] : [],
      };
    }));
    // Vacant roles made through the API: night → urgent-shelter (vacant) → transition-house; orphan → lonely (vacant, no fallback).
    for (const r of [
      role('night', { fallback: 'RS/cptv/urgent-shelter', channels: { mailbox: BOX.night } }),
      role('lonely', { channels: { mailbox: BOX.lonely } }),
      role('orphan', { fallback: 'RS/cptv/lonely', channels: { mailbox: BOX.orphan } }),
    ]) {
      const created = await call(rs(), 'POST', '/v1/organisations/cptv/roles', r);
      expect([created.status, created.body?.status]).toEqual([201, 'vacant']);
    }
    await eventually(async () => {
      const [row] = await net.sql<{ body: any }>('AT', `SELECT body FROM partner_directory WHERE node = 'RS'`);
      return JSON.stringify(row?.body ?? {}).includes('RS/cptv/orphan') ? true : undefined;
    });
  });
  afterAll(async () => {
    await replica?.close();
    await net?.close();
    await smtp?.down();
    await hook?.close();
  });

  it('10 handovers in a burst to 5 roles: one mail each, to the mailbox where the message waits', async () => {
    const recipients = ['RS/cptv/intake', 'RS/cptv/urgent-shelter', 'RS/cptv/night', 'RS/cptv/orphan', 'RS/astra/return-support'];
    const sent = await burst([...recipients, ...recipients]);
    await eventually(async () => (await sendAll(), sent.every((s) => mailsAbout(s.caseRef).length) ? true : undefined), 20_000, 'a mail per handover');
    await sendAll();
    const expected: Record<string, string> = {
      'RS/cptv/intake': BOX.intake,
      'RS/cptv/urgent-shelter': BOX.transition,
      'RS/cptv/night': BOX.transition,
      'RS/cptv/orphan': BOX.lonely,
      'RS/astra/return-support': BOX.ret,
    };
    expect(sent.map((s) => [s.recipient, mailsAbout(s.caseRef).map((m) => m.to)])).toEqual(sent.map((s) => [s.recipient, [[expected[s.recipient]]]]));
    for (const box of [BOX.urgent, BOX.night, BOX.orphan]) expect(smtp.to(box)).toEqual([]);
    for (const s of sent) {
      const [mail] = mailsAbout(s.caseRef);
      expect(mail.subject).toContain(s.caseRef);
      // Serbian first, then English; each names the role the handover was for.
      expect(mail.text.indexOf('Srpski')).toBe(0);
      expect(mail.text.indexOf('English')).toBeGreaterThan(0);
      expect(mail.text).toContain(s.recipient);
      expect(mail.text).toContain(`https://trm-rs.example/cases/${s.caseRef}`);
      expect(leaksIn(mail.raw)).toEqual([]);
    }
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(smtp.mails.length);
    // The webhook: one call per handover, naming where it went and why.
    const calls = hook.calls.filter((c) => sent.some((s) => s.id === c.payload.data.messageId));
    expect(calls).toHaveLength(10);
    expect(calls.every((c) => c.verified)).toBe(true);
    const roles = Object.fromEntries(calls.map((c) => [c.payload.data.messageId, c.payload.data.roles]));
    expect(sent.filter((s) => s.recipient === 'RS/cptv/night').map((s) => roles[s.id])).toEqual([
      [{ role: 'RS/atina/transition-house', reason: 'fallback', about: 'RS/cptv/night', via: 'RS/cptv/urgent-shelter' }],
      [{ role: 'RS/atina/transition-house', reason: 'fallback', about: 'RS/cptv/night', via: 'RS/cptv/urgent-shelter' }],
    ]);
    // Along the chain, the mail says whose fallback the mailbox's role is: urgent-shelter's, not night's.
    const night = mailsAbout(sent.find((s) => s.recipient === 'RS/cptv/night')!.caseRef)[0];
    expect(night.text).toMatch(/RS\/cptv\/urgent-shelter[^\n]* is vacant; you are its fallback/);
    for (const c of calls) {
      expect(Object.keys(c.payload.data).sort()).toEqual(
        ['api', 'caseRef', 'console', 'deadline', 'messageId', 'messageType', 'node', 'partner', 'roles'].sort(),
      );
      expect(leaksIn(c.body)).toEqual([]);
    }
    const listed = await call(rs(), 'GET', '/v1/notifications/mail?limit=500');
    expect(leaksIn(JSON.stringify(listed.body))).toEqual([]);
  });

  it('a retired role: its successor is told, and a later handover for it reaches the successor', async () => {
    const retired = await call(rs(), 'POST', '/v1/roles/astra/sos-hotline/deactivate', { successor: 'RS/astra/return-support' });
    expect(retired.status).toBe(201);
    await eventually(
      async () => (await sendAll(), smtp.to(BOX.sos).length && smtp.to(BOX.ret).some((m) => m.subject.includes('sos-hotline')) ? true : undefined),
    );
    expect(smtp.to(BOX.sos).map((m) => m.subject)).toEqual([expect.stringContaining('RS/astra/sos-hotline')]);
    // AT's copy of RS's directory: a handover to the retired role.
    await eventually(async () => {
      const [row] = await net.sql<{ body: any }>('AT', `SELECT body FROM partner_directory WHERE node = 'RS'`);
      return JSON.stringify(row?.body?.retired ?? []).includes('sos-hotline') ? true : undefined;
    });
    // AT knows: it refuses the handover, naming the successor.
    const r = await call(net.node('AT').url, 'POST', '/v1/handovers', { ...sampleReturnHandover(clock.now()), recipient: 'RS/astra/sos-hotline' });
    expect([r.status, r.body.problems]).toEqual([400, [{ field: 'recipient', problem: expect.stringContaining('RS/astra/return-support') }]]);
  });

  it('the SMTP server down during a burst and RS restarted meanwhile: every notice once', async () => {
    await smtp.down();
    const before = smtp.mails.length;
    const sent = await burst(['RS/cptv/intake', 'RS/cptv/night', 'RS/cptv/intake', 'RS/astra/return-support']);
    const rows = () =>
      net.sql<{ id: string; state: string; attempts: number }>('RS', `SELECT id, state, attempts FROM mail_notice WHERE case_ref = ANY($1)`, [
        sent.map((s) => s.caseRef),
      ]);
    await eventually(async () => (await sendAll(), (await rows()).filter((r) => r.attempts >= 1).length === 4 ? true : undefined));
    await net.stop('RS');
    await smtp.up();
    await net.start('RS');
    clock.advance(MINUTE_MS);
    await eventually(async () => (await sendAll(), smtp.mails.length >= before + 4 ? true : undefined));
    clock.advance(10 * MINUTE_MS);
    await sendAll();
    expect(sent.map((s) => mailsAbout(s.caseRef).length)).toEqual([1, 1, 1, 1]);
    expect(smtp.mails.length).toBe(before + 4);
    expect((await rows()).map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('two replicas of RS sending at the same moment: no mail twice', async () => {
    replica = await startGateway(net.node('RS').config, { clock, logger: false });
    await smtp.down();
    const before = smtp.mails.length;
    const sent = await burst(Array.from({ length: 8 }, (_, i) => (i % 2 ? 'RS/cptv/intake' : 'RS/cptv/orphan')));
    await sendAll();
    await smtp.up();
    clock.advance(MINUTE_MS);
    const senders = [net.node('RS').app!.get(MailSender), replica.get(MailSender), net.node('RS').app!.get(WebhookSender), replica.get(WebhookSender)];
    await Promise.all(senders.map((s) => s.sendDue()));
    await eventually(async () => (await sendAll(), smtp.mails.length >= before + 8 ? true : undefined));
    clock.advance(10 * MINUTE_MS);
    await sendAll();
    expect(sent.map((s) => mailsAbout(s.caseRef).length)).toEqual(sent.map(() => 1));
    expect(smtp.mails.length).toBe(before + 8);
  });

  it("AT's copy of the directory stale: a handover for a retired role mails its successor, not the retired mailbox", async () => {
    await replica?.close();
    replica = null;
    await net.stop('AT');
    try {
      const sosBefore = smtp.to(BOX.sos).length;
      const caseRef = await withHandPartner(net, 'AT', 'RS', async (at) => {
        const envelope = at.handover({ recipient: 'RS/astra/sos-hotline', createdAt: clock.now().toISOString() });
        await at.send(envelope);
        expect((await at.nextReceipt()).envelope.body).toEqual(expect.objectContaining({ status: 'delivered' }));
        return envelope.caseRef;
      });
      await eventually(async () => (await sendAll(), mailsAbout(caseRef).length ? true : undefined));
      const mails = mailsAbout(caseRef);
      expect(mails.map((m) => m.to)).toEqual([[BOX.ret]]);
      expect(mails[0].text).toContain('RS/astra/sos-hotline');
      expect(smtp.to(BOX.sos)).toHaveLength(sosBefore);
    } finally {
      await net.start('AT');
    }
  });

  // Finding: any SMTP reply >= 500 fails the notice for good (mail-sender.ts), also a server-wide one (535 wrong password,
  // 530 auth required, 553 sender refused, 500 to STARTTLS). it.failing until that is fixed.
  it('security starttls against a server without STARTTLS (or a wrong password): notices wait, they are not failed for good', async () => {
    await net.stop('RS');
    const config = net.node('RS').config;
    const misconfigured = { ...config, notifications: { ...config.notifications, smtp: { ...config.notifications.smtp!, security: 'starttls' as const } } };
    replica = await startGateway(misconfigured, { clock, logger: false });
    try {
      const sent = await burst(['RS/cptv/intake', 'RS/astra/return-support']);
      await eventually(async () => {
        await sendAll();
        const rows = await net.sql<{ state: string; attempts: number; last_error: string }>(
          'RS',
          `SELECT state, attempts, last_error FROM mail_notice WHERE case_ref = ANY($1)`,
          [sent.map((s) => s.caseRef)],
        );
        return rows.length === 2 && rows.every((r) => r.attempts >= 1) ? rows : undefined;
      });
      const rows = await net.sql<{ state: string; last_error: string }>('RS', `SELECT state, last_error FROM mail_notice WHERE case_ref = ANY($1)`, [
        sent.map((s) => s.caseRef),
      ]);
      expect(rows.map((r) => r.state)).toEqual(['pending', 'pending']);
    } finally {
      await replica.close();
      replica = null;
      await net.start('RS');
    }
  });

  it('a role handed over to a named person: the name is in no mail, call or list', async () => {
    const person = (await call(rs(), 'POST', '/v1/people', { name: CANARY_NAME, email: 'ljiljana.canary@example.org' })).body.id;
    const handed = await call(rs(), 'POST', '/v1/roles/cptv/intake/handover', { to: person });
    expect(handed.status).toBe(201);
    await eventually(
      async () => (await sendAll(), smtp.to(BOX.intake).some((m) => m.subject.includes('handed over') || m.subject.includes('predat')) ? true : undefined),
    );
    const lists = [await call(rs(), 'GET', '/v1/notifications/mail?limit=500'), await call(rs(), 'GET', '/v1/notifications/webhooks?limit=500')];
    for (const text of [...smtp.mails.map((m) => m.raw), ...hook.calls.map((c) => c.body), ...lists.map((l) => JSON.stringify(l.body))]) {
      expect(leaksIn(text)).toEqual([]);
      expect(text.toLowerCase()).not.toContain('ljiljana.canary');
    }
  });

  it('list filters and retry ids: 400 naming the field, never 500', async () => {
    const bad: Array<[string, string]> = [
      ['/v1/notifications/mail?limit=0', 'limit'],
      ['/v1/notifications/mail?limit=abc', 'limit'],
      ['/v1/notifications/mail?limit=501', 'limit'],
      ['/v1/notifications/mail?cursor=garbage', 'cursor'],
      ['/v1/notifications/mail?role=nobody', 'role'],
      ['/v1/notifications/mail?state=pending&state=sent', 'state'],
      ['/v1/notifications/mail?limit=1&limit=2', 'limit'],
      ['/v1/notifications/mail?caseRef=a&caseRef=b', 'caseRef'],
      ['/v1/notifications/mail?role=RS/cptv/intake&role=RS/cptv/duty', 'role'],
      ['/v1/notifications/mail?cursor=a&cursor=b', 'cursor'],
      ['/v1/notifications/webhooks?state=sent', 'state'],
      ['/v1/notifications/webhooks?role=RS/cptv/intake', 'role'],
      ['/v1/notifications/mail?cursor=' + Buffer.from('{"at":"x","id":"y"}').toString('base64url'), 'cursor'],
    ];
    const got = [];
    for (const [path, field] of bad) {
      const r = await call(rs(), 'GET', path);
      got.push([path, r.status, (r.body?.problems ?? []).map((p: { field: string }) => p.field).includes(field) ? field : JSON.stringify(r.body)]);
    }
    expect(got).toEqual(bad.map(([path, field]) => [path, 400, field]));
    const retries: Array<[string, number]> = [
      ['/v1/notifications/mail/not-a-uuid/retry', 400],
      ['/v1/notifications/mail/00000000-0000-4000-8000-000000000000/retry', 404],
      ['/v1/notifications/webhooks/not-a-uuid/retry', 400],
      ['/v1/notifications/webhooks/00000000-0000-4000-8000-000000000000/retry', 404],
    ];
    const answers = [];
    for (const [path] of retries) answers.push([path, (await call(rs(), 'POST', path, {})).status]);
    expect(answers).toEqual(retries);
  });
});

/** A node started as a real process from its YAML file with `notifications.smtp`, and the keys people get wrong. */
describe('notifications.smtp in a node YAML', () => {
  let net: TestNetwork;
  let dir: string;
  let smtp: SmtpCatcher;
  const processes = new GatewayProcesses();
  let rsFile = '';
  const withNotifications = (notifications: unknown): string => {
    const doc = parse(readFileSync(rsFile, 'utf8'));
    const file = join(dir, `RS.${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, stringify({ ...doc, notifications }), { mode: 0o600 });
    return file;
  };
  const problems = (smtpSection: Record<string, unknown>, env: NodeJS.ProcessEnv = { PROBE_SMTP_PORT: '2525' }): string[] => {
    try {
      loadNodeConfig(withNotifications({ smtp: smtpSection }), env);
      return [];
    } catch (err) {
      return err instanceof ConfigError ? err.problems : [String(err)];
    }
  };
  const GOOD = { host: '127.0.0.1', port: '${PROBE_SMTP_PORT}', security: 'none', from: 'TRM Gateway RS <trm-noreply@rs.example>' };

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS']);
    dir = mkdtempSync(join(tmpdir(), 'trm-probe-smtp-'));
    rsFile = net.writeNodeFiles('RS', dir, await freePort());
    smtp = await SmtpCatcher.start();
  });
  afterAll(async () => {
    await processes.stopAll();
    await net?.close();
    await smtp?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a good section loads, the port taken from the environment', () => {
    const config = loadNodeConfig(withNotifications({ smtp: GOOD }), { PROBE_SMTP_PORT: '2525' });
    expect(config.notifications.smtp).toEqual(expect.objectContaining({ host: '127.0.0.1', port: 2525, security: 'none', user: null }));
  });

  it('likely-but-wrong keys and values are refused, naming the key', () => {
    const cases: Array<[string, Record<string, unknown>, NodeJS.ProcessEnv?]> = [
      ['secure', { ...GOOD, secure: true }],
      ['starttls', { ...GOOD, starttls: true }],
      ['username', { ...GOOD, username: 'u', password: 'p' }],
      ['security', { ...GOOD, security: 'STARTTLS' }],
      ['security', { ...GOOD, security: 'ssl' }],
      ['PROBE_SMTP_PORT', GOOD, {}],
      ['port', { ...GOOD, port: 'smtp' }],
      ['from', { ...GOOD, from: 'TRM Gateway RS' }],
      ['password', { ...GOOD, user: 'u' }],
      ['maxPerMailboxPerHour', { ...GOOD, maxPerMailboxPerHour: 0 }],
    ];
    expect(cases.map(([key, section, env]) => [key, problems(section, env).some((p) => p.includes(key))])).toEqual(cases.map(([key]) => [key, true]));
  });

  // Finding: `security in SMTP_PORTS` (load-config.ts) takes Object.prototype's keys. it.failing until fixed.
  it('security toString or constructor is refused', () => {
    expect([problems({ ...GOOD, security: 'toString', port: 25 }), problems({ ...GOOD, security: 'constructor', port: 25 })]).toEqual([
      ['notifications.smtp.security must be starttls, tls or none'],
      ['notifications.smtp.security must be starttls, tls or none'],
    ]);
  });

  it('a gateway process started from that YAML mails the role a handover is for', async () => {
    const file = withNotifications({ smtp: { ...GOOD }, pollInterval: '1s' });
    const port = Number(/port: (\d+)/.exec(readFileSync(rsFile, 'utf8'))![1]);
    const rs = processes.start({
      node: 'RS',
      port,
      configFile: file,
      entry: ENTRY,
      env: { ...process.env, PROBE_SMTP_PORT: String(smtp.port) },
      logFile: join(dir, 'RS.log'),
    });
    await processes.waitUntilServing(rs, 30_000);
    const at = await net.start('AT');
    await net.converged(['AT']);
    const r = await call(at.url, 'POST', '/v1/handovers', {
      ...sampleReturnHandover(),
      sealed: CANARY_PERSON,
      body: withSealedConsent(sampleReturnHandover().body),
    });
    expect(r.status).toBe(202);
    await eventually(async () => (smtp.mails.some((m) => m.subject.includes(r.body.caseRef)) ? true : undefined), 30_000, 'the mail of the handover');
    expect(smtp.mails.filter((m) => m.subject.includes(r.body.caseRef)).map((m) => m.to)).toEqual([[BOX.intake]]);
    for (const m of smtp.mails) expect(leaksIn(m.raw)).toEqual([]);
    expect(leaksIn(readFileSync(join(dir, 'RS.log'), 'utf8'))).toEqual([]);
  });
});
