import { NodeConfig } from '../apps/gateway/src/config/node-config';
import { MailSender } from '../apps/gateway/src/notifications/mail-sender';
import { WebhookSender } from '../apps/gateway/src/notifications/webhook-sender';
import { CANARIES, CANARY_PERSON, leaksIn } from './support/canaries';
import { AT_COORDINATOR, CaseSteps, HOUR_MS, MINUTE_MS, RS_INTAKE, bodies, startCaseNodes, withSealedConsent } from './support/cases';
import { ManualClock } from './support/clock';
import { call, eventually } from './support/http';
import { SmtpCatcher, WebhookReceiver, webhookSecret } from './support/mailboxes';
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

  const sendAll = async () => {
    for (const node of ['AT', 'RS']) {
      await net.node(node).app!.get(MailSender).sendDue();
      await net.node(node).app!.get(WebhookSender).sendDue();
    }
  };
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
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          security: 'none',
          user: null,
          password: null,
          from: `TRM ${config.node} <trm@${config.node.toLowerCase()}.example>`,
          maxPerMailboxPerHour: 30,
        },
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
    expect(calls.map((c) => [c.payload.type, c.verified, c.payload.data.caseRef, c.payload.data.roles])).toEqual([
      ['message.arrived', true, caseRef, [{ role: RS_INTAKE, reason: 'addressed' }]],
    ]);
    for (const text of [...smtp.mails.map((m) => m.raw), ...hooks.RS.calls.map((c) => c.body), ...hooks.AT.calls.map((c) => c.body)])
      expect(leaksIn(text)).toEqual([]);
    expect(CANARIES.length).toBeGreaterThan(0);
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

  it('webhook deliveries are listed with their state', async () => {
    const listed = await call(net.node('RS').url, 'GET', '/v1/notifications/webhooks');
    expect(listed.status).toBe(200);
  });

  void bodies;
});
