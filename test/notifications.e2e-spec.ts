import { NodeConfig } from '../apps/gateway/src/config/node-config';
import { randomUUID } from 'node:crypto';
import { Transactions } from '../apps/gateway/src/database/transactions';
import { NoticeEvent } from '../apps/gateway/src/notifications/notice-event';
import { Notices } from '../apps/gateway/src/notifications/notices';
import { RetentionJob } from '../apps/gateway/src/retention/retention-job';
import { CANARY_NAME, CANARY_PERSON, leaksIn } from './support/canaries';
import { AT_COORDINATOR, CaseSteps, HOUR_MS, MINUTE_MS, RS_INTAKE, bodies, startCaseNodes, withSealedConsent } from './support/cases';
import { ManualClock } from './support/clock';
import { call, eventually } from './support/http';
import { SmtpCatcher, WebhookReceiver, catcherSmtp, sendDueNotices, webhookSecret } from './support/mailboxes';
import { TestNetwork } from './support/network';
import { sampleReturnHandover } from '../apps/trmctl/src/local';

/**
 * Notices across two real nodes, to a real SMTP server on loopback and a real HTTP receiver per node: each handover
 * or case message yields one mail to the functional mailbox of the role it waits with and one signed webhook call; a
 * missed deadline mails the coordinator; an SMTP server away for a while loses and doubles nothing; nothing personal
 * is in any mail or call.
 */
const MAILBOX = {
  rsIntake: 'intake@cptv.example',
  rsTransitionHouse: 'transition-house@atina.example',
  rsUrgentShelter: 'urgent-shelter@cptv.example',
  atCoordination: 'coordination@bmi-thb.example',
};

describe('notices: e-mail to functional mailboxes and signed webhooks', () => {
  const clock = new ManualClock();
  let smtp: SmtpCatcher;
  const secrets = { AT: webhookSecret(), RS: webhookSecret() };
  const hooks: Record<string, WebhookReceiver> = {};
  let net: TestNetwork;
  let steps: CaseSteps;

  const sendAll = () => sendDueNotices([net.node('AT').app, net.node('RS').app]);
  /** Waits until `mailbox` holds `n` mails, sends what is still due, and checks that no more came. */
  const mailsTo = async (mailbox: string, n: number) => {
    await eventually(async () => (await sendAll(), smtp.to(mailbox).length >= n ? true : undefined), 20_000, `${n} mail(s) to ${mailbox}`);
    await sendAll();
    return smtp.to(mailbox);
  };
  const notices = (node: string, where = 'true') => net.sql<Record<string, any>>(node, `SELECT * FROM mail_notice WHERE ${where} ORDER BY created_at, id`);

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    hooks.AT = await WebhookReceiver.start(secrets.AT);
    hooks.RS = await WebhookReceiver.start(secrets.RS);
    ({ net, steps } = await startCaseNodes(clock, (config: NodeConfig) => {
      config.notifications = {
        ...config.notifications,
        consoleUrl: `https://trm-${config.node.toLowerCase()}.example/`,
        smtp: catcherSmtp(smtp.port, 30, `TRM ${config.node} <trm@${config.node.toLowerCase()}.example>`),
        webhooks: [
          {
            url: hooks[config.node].url,
            events: ['message.arrived', 'deadline.near', 'deadline.missed', 'role.handed-over'],
            secret: secrets[config.node as 'AT' | 'RS'],
          },
        ],
      };
    }));
  });
  afterAll(async () => {
    await net?.close();
    await smtp?.down();
    await hooks.AT?.close();
    await hooks.RS?.close();
  });

  it('a handover to RS/cptv/intake: one mail to its mailbox, one signed webhook call at RS, nothing personal', async () => {
    const { id, caseRef } = await steps.open({ recipient: RS_INTAKE, body: withSealedConsent(sampleReturnHandover(clock.now()).body), sealed: CANARY_PERSON });
    const [mail, ...more] = await mailsTo(MAILBOX.rsIntake, 1);
    expect(more).toEqual([]);
    expect(mail.subject).toContain(caseRef);
    expect(mail.text).toContain(`https://trm-rs.example/cases/${caseRef}`);
    const calls = hooks.RS.calls.filter((c) => c.payload.data.messageId === id);
    expect(calls.map((c) => [c.payload.type, c.verified, c.payload.data.caseRef, c.payload.data.roles, c.payload.data.deadline?.kind])).toEqual([
      ['message.arrived', true, caseRef, [{ role: RS_INTAKE, reason: 'addressed' }], 'acceptance'],
    ]);
    expect(calls[0].payload.data.api).toEqual({ case: `/v1/cases/${caseRef}` });
    // AT's own handover is no news to AT: it hears of RS's answer.
    expect(hooks.AT.calls.filter((c) => c.payload.data.caseRef === caseRef)).toEqual([]);
    for (const text of [...smtp.mails.map((m) => m.raw), ...hooks.RS.calls.map((c) => c.body), ...hooks.AT.calls.map((c) => c.body)])
      expect(leaksIn(text)).toEqual([]);
  });

  it("a vacant role's notice goes to its fallback's mailbox", async () => {
    const { caseRef } = await steps.open({ recipient: 'RS/cptv/urgent-shelter' });
    const mails = (await mailsTo(MAILBOX.rsTransitionHouse, 1)).filter((m) => m.subject.includes(caseRef));
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain('RS/cptv/urgent-shelter');
    expect(smtp.to(MAILBOX.rsUrgentShelter)).toEqual([]);
  });

  it("a missed acceptance mails AT's coordinator", async () => {
    const { caseRef } = await steps.open();
    clock.advance(48 * HOUR_MS + MINUTE_MS);
    await steps.runOnce('AT');
    const mails = (await mailsTo(MAILBOX.atCoordination, 1)).filter((m) => m.subject.includes(caseRef) || m.text.includes(caseRef));
    expect(mails).toHaveLength(1);
    expect(await notices('AT', `case_ref = '${caseRef}'`)).toEqual([
      expect.objectContaining({ event: 'deadline.missed', role: AT_COORDINATOR, state: 'sent' }),
    ]);
  });

  it('the SMTP server away for a while, then back: every notice sent once', async () => {
    await smtp.down();
    const before = smtp.mails.length;
    const opened = [await steps.open(), await steps.open({ recipient: 'RS/astra/return-support' })];
    await eventually(async () => {
      await sendAll();
      const rows = await notices('RS', `case_ref IN ('${opened[0].caseRef}', '${opened[1].caseRef}')`);
      return rows.length === 2 && rows.every((r) => r.attempts >= 1 && r.state === 'pending' && r.last_error) ? rows : undefined;
    });
    clock.advance(MINUTE_MS);
    await sendAll();
    await smtp.up();
    clock.advance(MINUTE_MS);
    await eventually(async () => (await sendAll(), smtp.mails.length >= before + 2 ? true : undefined));
    clock.advance(MINUTE_MS);
    await sendAll();
    const after = smtp.mails.slice(before);
    expect(after.map((m) => m.to)).toEqual(expect.arrayContaining([[MAILBOX.rsIntake], ['return@astra.example']]));
    expect(after).toHaveLength(2);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(smtp.mails.length);
    const rows = await notices('RS', `case_ref IN ('${opened[0].caseRef}', '${opened[1].caseRef}')`);
    expect(rows.map((r) => r.state)).toEqual(['sent', 'sent']);
  });

  it("RS's acceptance reaches AT's sender role, with AT's webhook; both nodes list what they sent", async () => {
    const { caseRef } = await steps.open();
    await steps.deliver('RS', caseRef, 'handover.accepted', bodies.accepted());
    const mails = (await mailsTo(MAILBOX.atCoordination, 1)).filter((m) => m.subject.includes(caseRef));
    expect(mails).toHaveLength(1);
    await eventually(async () => (await sendAll(), hooks.AT.calls.some((c) => c.payload.data.caseRef === caseRef) ? true : undefined));
    expect(hooks.AT.calls.filter((c) => c.payload.data.caseRef === caseRef).map((c) => [c.payload.data.messageType, c.payload.data.roles])).toEqual([
      ['handover.accepted', [{ role: AT_COORDINATOR, reason: 'addressed' }]],
    ]);
    const listed = await call(net.node('AT').url, 'GET', `/v1/notifications/mail?caseRef=${caseRef}`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        event: 'message.arrived',
        role: AT_COORDINATOR,
        mailbox: MAILBOX.atCoordination,
        reason: 'addressed',
        messageType: 'handover.accepted',
        state: 'sent',
      }),
    ]);
    const hooksListed = await call(net.node('AT').url, 'GET', `/v1/notifications/webhooks?caseRef=${caseRef}&state=delivered`);
    expect(hooksListed.body.items.map((d: any) => [d.event, d.state, d.lastStatus, d.webhookId])).toEqual([
      ['message.arrived', 'delivered', 200, hooks.AT.calls.find((c) => c.payload.data.caseRef === caseRef)!.id],
    ]);
  });
});

/**
 * The sending rules, on their own pair of nodes: a digest role's notices go in one mail per interval; a mailbox past
 * its hourly limit gets what waited in one mail; a deadline's owner is told before it is due, once; a role handed
 * over is told; a webhook endpoint that fails is called again with the same id until it answers 2xx, or is failed at
 * once on 410 and sent again by an administrator.
 */
describe('notices: digests, limits, reminders, role handovers, webhook retries', () => {
  const clock = new ManualClock();
  let smtp: SmtpCatcher;
  const secret = webhookSecret();
  let hook: WebhookReceiver;
  let net: TestNetwork;
  let steps: CaseSteps;
  const DIGEST_ROLE = 'RS/astra/return-support';
  const LIMITED_ROLE = 'RS/cptv/duty';

  const sendAll = () => sendDueNotices([net.node('AT').app, net.node('RS').app]);
  const about = (caseRef: string) => smtp.mails.filter((m) => m.text.includes(caseRef));

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    hook = await WebhookReceiver.start(secret);
    ({ net, steps } = await startCaseNodes(clock, (config: NodeConfig) => {
      config.notifications = {
        ...config.notifications,
        // Waiting notices keep waiting across the two years the retention test moves the clock by: a send pass in
        // between must not fail them for their age, which would take them out of what that test shows is kept.
        retry: { ...config.notifications.retry, giveUpAfterMs: 1_000 * 24 * HOUR_MS },
        smtp: catcherSmtp(smtp.port, 2),
        digests: config.node === 'RS' ? { [DIGEST_ROLE]: HOUR_MS } : {},
        webhooks: config.node === 'RS' ? [{ url: hook.url, events: ['message.arrived', 'role.handed-over'], secret }] : [],
      };
    }));
  });
  afterAll(async () => {
    await net?.close();
    await smtp?.down();
    await hook?.close();
  });

  it("a digest role's notices wait for its interval and go out in one mail", async () => {
    const first = await steps.open({ recipient: DIGEST_ROLE });
    const second = await steps.open({ recipient: DIGEST_ROLE });
    await sendAll();
    expect(smtp.to('return@astra.example')).toEqual([]);
    clock.advance(HOUR_MS + MINUTE_MS);
    await eventually(async () => (await sendAll(), smtp.to('return@astra.example').length ? true : undefined));
    const [mail, ...more] = smtp.to('return@astra.example');
    expect(more).toEqual([]);
    expect([mail.text.includes(first.caseRef), mail.text.includes(second.caseRef)]).toEqual([true, true]);
    const rows = await net.sql<{ state: string; mail_id: string }>('RS', `SELECT state, mail_id FROM mail_notice WHERE role = $1`, [DIGEST_ROLE]);
    expect(rows.map((r) => r.state)).toEqual(['sent', 'sent']);
    expect(new Set(rows.map((r) => r.mail_id)).size).toBe(1);
  });

  it('a mailbox gets at most its hourly limit: what waits beyond it goes out together once the hour has passed', async () => {
    const opened: Array<{ caseRef: string }> = [];
    for (let i = 0; i < 5; i++) opened.push(await steps.open({ recipient: LIMITED_ROLE }));
    await eventually(async () => (await sendAll(), smtp.to('duty@cptv.example').length >= 2 ? true : undefined));
    await sendAll();
    expect(smtp.to('duty@cptv.example')).toHaveLength(2);
    clock.advance(HOUR_MS + MINUTE_MS);
    // Three waited and two may go: one alone, the last with the other two.
    await eventually(async () => (await sendAll(), smtp.to('duty@cptv.example').length >= 4 ? true : undefined));
    await sendAll();
    const mails = smtp.to('duty@cptv.example');
    expect(mails).toHaveLength(4);
    expect(mails.map((m) => opened.filter((o) => m.text.includes(o.caseRef)).length).sort()).toEqual([1, 1, 1, 2]);
    // Each case in exactly one mail: none lost, none twice.
    expect(opened.map((o) => mails.filter((m) => m.text.includes(o.caseRef)).length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('the role that owes a deadline is told once, before it is due', async () => {
    const { caseRef } = await steps.open({ recipient: 'RS/atina/reintegration' });
    clock.advance(48 * HOUR_MS - 11 * HOUR_MS);
    await steps.runOnce('RS');
    await steps.runOnce('RS');
    await eventually(async () => (await sendAll(), smtp.to('reintegration@atina.example').length >= 2 ? true : undefined));
    await sendAll();
    const rows = await net.sql<{ event: string; role: string }>('RS', `SELECT event, role FROM mail_notice WHERE case_ref = $1 ORDER BY created_at`, [caseRef]);
    expect(rows).toEqual([
      { event: 'message.arrived', role: 'RS/atina/reintegration' },
      { event: 'deadline.near', role: 'RS/atina/reintegration' },
    ]);
    expect(about(caseRef).map((m) => m.to)).toEqual([['reintegration@atina.example'], ['reintegration@atina.example']]);
  });

  it('a role handed over to a new holder is told, without the holder in the mail or the call', async () => {
    const rs = net.node('RS').url;
    const person = (await call(rs, 'POST', '/v1/people', { name: CANARY_NAME })).body.id;
    const handed = await call(rs, 'POST', '/v1/roles/iom-belgrade/avr/handover', { to: person });
    expect(handed.status).toBe(201);
    await eventually(async () => (await sendAll(), smtp.to('avr@iom-belgrade.example').length ? true : undefined));
    const [mail] = smtp.to('avr@iom-belgrade.example');
    expect(mail.text).toContain('RS/iom-belgrade/avr');
    const calls = hook.calls.filter((c) => c.payload.type === 'role.handed-over');
    expect(calls.map((c) => [c.verified, c.payload.data.transfer.role, c.payload.data.transfer.kind, c.payload.data.api.transfer])).toEqual([
      [true, 'RS/iom-belgrade/avr', 'handover', `/v1/role-transfers/${handed.body.id}`],
    ]);
    for (const text of [...smtp.mails.map((m) => m.raw), ...hook.calls.map((c) => c.body)]) expect(leaksIn(text)).toEqual([]);
  });

  it('a failing endpoint is called again with the same webhook-id until it answers 2xx; 410 fails it at once, an administrator sends it again', async () => {
    hook.status = () => 500;
    const { caseRef } = await steps.open();
    await eventually(async () => (await sendAll(), hook.calls.some((c) => c.payload.data.caseRef === caseRef) ? true : undefined));
    const [row] = await net.sql<{ state: string; attempts: number; last_status: number }>(
      'RS',
      `SELECT state, attempts, last_status FROM webhook_delivery WHERE case_ref = $1`,
      [caseRef],
    );
    expect(row).toEqual({ state: 'pending', attempts: 1, last_status: 500 });
    hook.status = () => 200;
    clock.advance(MINUTE_MS);
    await eventually(async () => (await sendAll(), hook.calls.filter((c) => c.payload.data.caseRef === caseRef).length >= 2 ? true : undefined));
    clock.advance(MINUTE_MS);
    await sendAll();
    const calls = hook.calls.filter((c) => c.payload.data.caseRef === caseRef);
    expect(calls.map((c) => c.verified)).toEqual([true, true]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(1);
    const listed = await call(net.node('RS').url, 'GET', `/v1/notifications/webhooks?caseRef=${caseRef}`);
    expect(listed.body.items.map((d: any) => [d.state, d.attempts, d.lastStatus])).toEqual([['delivered', 2, 200]]);

    hook.status = () => 410;
    const gone = await steps.open();
    await eventually(async () => {
      await sendAll();
      const [d] = (await call(net.node('RS').url, 'GET', `/v1/notifications/webhooks?caseRef=${gone.caseRef}`)).body.items;
      return d?.state === 'failed' ? d : undefined;
    });
    hook.status = () => 200;
    const [failed] = (await call(net.node('RS').url, 'GET', `/v1/notifications/webhooks?caseRef=${gone.caseRef}&state=failed`)).body.items;
    const coordinator = await net.token('RS', { roles: ['coordinator'], now: clock.now(), ttlSeconds: 365 * 86_400 });
    expect((await call(net.node('RS').url, 'POST', `/v1/notifications/webhooks/${failed.id}/retry`, {}, coordinator)).status).toBe(403);
    const retried = await call(net.node('RS').url, 'POST', `/v1/notifications/webhooks/${failed.id}/retry`, {});
    expect([retried.status, retried.body.state]).toEqual([200, 'pending']);
    expect((await call(net.node('RS').url, 'POST', `/v1/notifications/webhooks/${failed.id}/retry`, {})).status).toBe(409);
    await eventually(async () => {
      await sendAll();
      const [d] = (await call(net.node('RS').url, 'GET', `/v1/notifications/webhooks?caseRef=${gone.caseRef}`)).body.items;
      return d?.state === 'delivered' ? d : undefined;
    });
  });

  it('an event recorded twice (a retried transaction, a second replica) is one notice and one webhook call', async () => {
    const app = net.node('RS').app!;
    const event: NoticeEvent = {
      type: 'role.handed-over',
      key: 'role.handed-over:test-twice',
      at: clock.now(),
      caseRef: null,
      messageId: null,
      messageType: null,
      partner: null,
      deadline: null,
      transfer: { id: randomUUID(), kind: 'handover', role: 'RS/csw/child-protection', successor: null, openCases: 0, unansweredMessages: 0 },
      for: [{ role: 'RS/csw/child-protection', reason: 'handed-over', asIs: true }],
    };
    for (let i = 0; i < 2; i++) await app.get(Transactions).run((tx) => app.get(Notices).record([event], tx));
    await eventually(async () => (await sendAll(), smtp.to('child-protection@csw.example').length ? true : undefined));
    await sendAll();
    expect(smtp.to('child-protection@csw.example')).toHaveLength(1);
    expect(hook.calls.filter((c) => c.payload.data.transfer?.id === event.transfer!.id)).toHaveLength(1);
  });

  it('refuses a list filter it does not know, naming it', async () => {
    const r = await call(net.node('RS').url, 'GET', '/v1/notifications/mail?state=lost&caseRef=not-a-ref');
    expect(r.status).toBe(400);
    expect(r.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['caseRef', 'state']);
  });

  it("retention deletes notices and calls done with once the message log's period has passed, not those still waiting", async () => {
    const count = async () =>
      (await net.sql<{ n: number }>('RS', `SELECT (SELECT count(*) FROM mail_notice) + (SELECT count(*) FROM webhook_delivery) AS n`))[0].n;
    expect(Number(await count())).toBeGreaterThan(10);
    await smtp.down();
    hook.status = () => 503;
    const waiting = await steps.open();
    const rows = () =>
      net.sql<{ id: string; case_ref: string; state: string }>(
        'RS',
        `SELECT id, case_ref, state FROM mail_notice UNION ALL SELECT id, case_ref, state FROM webhook_delivery ORDER BY id`,
      );
    const pending = (await rows()).filter((r) => r.state === 'pending');
    expect(pending.filter((r) => r.case_ref === waiting.caseRef)).toHaveLength(2);
    clock.advance(730 * 24 * HOUR_MS + MINUTE_MS);
    const counts = await net.node('RS').app!.get(RetentionJob).runOnce();
    expect(counts.notices).toBeGreaterThan(10);
    expect(await rows()).toEqual(pending);
  });
});
