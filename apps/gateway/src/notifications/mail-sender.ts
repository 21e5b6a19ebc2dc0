import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { NodeEvents } from '../telemetry/node-events';
import { NODE_CONFIG, NodeConfig, SmtpConfig } from '../config/node-config';
import { LogThrottle } from '../logging/log-throttle';
import { safeError } from '../logging/safe-error';
import { RegistryService } from '../registry/registry.service';
import { nextTry, SendLoop } from './back-off';
import { composeMail } from './mail/notice-mail';
import { MailNotice } from './notice.entity';
import { NoticeRepository } from './notice.repository';

const HOUR_MS = 3_600_000;

/**
 * Whether the server refused this one mail for good: a 5xx for its recipient (RCPT TO) or its content (DATA). Any
 * other refusal — credentials (535), sign-in required (530), the sender (MAIL FROM), TLS, a connection that failed —
 * is about the node or the server, so the mail waits and is tried again, with every other, once that is put right.
 */
function refusesThisMail(e: { responseCode?: number; code?: string; command?: string }): boolean {
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && (e.command === 'RCPT TO' || e.command === 'DATA' || e.code === 'EMESSAGE');
}
const BATCH = 50;

/**
 * Sends the mail notices over SMTP. Each notice goes out once: in its own mail, or — for a role in digest mode, or a
 * mailbox that reached its hourly limit — together with the others waiting for that mailbox. A failed send is tried
 * again with back-off; a permanent refusal of the mail (5xx to its recipient or content) or a notice unsent for
 * `retry.giveUpAfter` is failed and logged.
 * The notice rows stay locked while their mail is sent, so a second replica never sends them too; should the process
 * die between the server's acceptance and the commit, the resend carries the same Message-ID.
 */
@Injectable()
export class MailSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailSender.name);
  private readonly smtp: SmtpConfig | null;
  private readonly transport: Transporter | null;
  private readonly failures = new LogThrottle();
  private readonly loop = new SendLoop(
    () => this.sendAll(),
    (err) => this.logger.error(`mail pass failed: ${safeError(err)}`),
  );

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly repository: NoticeRepository,
    private readonly registry: RegistryService,
    private readonly clock: Clock,
    private readonly events: NodeEvents,
  ) {
    this.smtp = config.notifications.smtp;
    this.transport = this.smtp
      ? createTransport({
          host: this.smtp.host,
          port: this.smtp.port,
          secure: this.smtp.security === 'tls',
          requireTLS: this.smtp.security === 'starttls',
          ignoreTLS: this.smtp.security === 'none',
          auth: this.smtp.user ? { user: this.smtp.user, pass: this.smtp.password ?? '' } : undefined,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        })
      : null;
  }

  onApplicationBootstrap(): void {
    if (!this.smtp) return;
    this.loop.start(this.config.notifications.pollIntervalMs);
    this.loop.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    this.transport?.close();
  }

  /** New notices were recorded: send them now rather than at the next poll. */
  wake(): void {
    if (this.transport) this.loop.wake();
  }

  /** Sends what is due now (tests call this to wait for sending). */
  async sendDue(): Promise<void> {
    this.wake();
    await this.loop.settled();
  }

  private async sendAll(): Promise<void> {
    const now = this.clock.now();
    for (;;) {
      const taken = await this.repository.withDueNotices(now, BATCH, (notices, tx) => this.send(notices, now, tx));
      if (!taken || taken < BATCH) return;
    }
  }

  /** One pass over locked notices (due ones and the rest of their mailboxes'); returns how many it looked at. */
  private async send(notices: MailNotice[], now: Date, tx: EntityManager): Promise<number> {
    const byMailbox = new Map<string, MailNotice[]>();
    for (const n of notices) byMailbox.set(n.mailbox!, [...(byMailbox.get(n.mailbox!) ?? []), n]);
    const sent = await this.repository.sentSince([...byMailbox.keys()], new Date(now.getTime() - HOUR_MS), tx);
    let unreachable: string | null = null;
    for (const [mailbox, waiting] of byMailbox) {
      const mails = this.mailsFor(waiting, now);
      if (!mails.length) continue;
      if (unreachable) {
        await this.failed(mails.flat(), unreachable, now, tx);
        continue;
      }
      const recent = sent.get(mailbox) ?? [];
      const allowance = this.smtp!.maxPerMailboxPerHour - recent.length;
      if (allowance <= 0) {
        // The hour's mails are used up: all of these go in one mail when the oldest of them leaves the window.
        await this.repository.postponeNotices(
          mails.flat().map((n) => n.id),
          new Date(recent[0].getTime() + HOUR_MS),
          tx,
        );
        this.logger.warn(`${mailbox} reached ${this.smtp!.maxPerMailboxPerHour} mails this hour: ${mails.flat().length} notice(s) wait`);
        continue;
      }
      // More mails than the hour allows: the last one allowed carries all the rest.
      if (mails.length > allowance) mails.splice(allowance - 1, mails.length, mails.slice(allowance - 1).flat());
      for (const mail of mails) {
        if (unreachable) {
          await this.failed(mail, unreachable, now, tx);
          continue;
        }
        const error = await this.deliver(mailbox, mail, now);
        if (!error) {
          // Counted when the server took the mail, which it did whatever becomes of this pass's transaction.
          this.events.report(...mail.map(() => ({ kind: 'notice-attempted' as const, channel: 'mail' as const, outcome: 'sent' as const })));
          await this.repository.markSent(
            mail.map((n) => n.id),
            mail[0].id,
            now,
            tx,
          );
        } else {
          await this.failed(mail, error.text, now, tx, error.permanent);
          // The server is not there (not a refusal of this mail): the others of this pass wait as well.
          if (!error.permanent) unreachable = error.text;
        }
      }
    }
    return notices.length;
  }

  /** The mails due for one mailbox: each due notice alone, or for a digest role all its waiting notices together. */
  private mailsFor(waiting: MailNotice[], now: Date): MailNotice[][] {
    const due = waiting.filter((n) => n.nextAttemptAt && n.nextAttemptAt <= now);
    const mails: MailNotice[][] = [];
    const digested = new Set<string>();
    for (const n of due) {
      if (!this.config.notifications.digests[n.role]) mails.push([n]);
      else if (!digested.has(n.role)) {
        digested.add(n.role);
        mails.push(waiting.filter((w) => w.role === n.role));
      }
    }
    return mails;
  }

  /** Sends one mail; returns why it was not accepted, if it was not. */
  private async deliver(mailbox: string, notices: MailNotice[], now: Date): Promise<{ text: string; permanent: boolean } | null> {
    const mail = composeMail(notices, {
      node: this.config.node,
      timeZone: this.config.timeZone,
      consoleUrl: this.config.notifications.consoleUrl,
      roleTitle: (address) => this.registry.ownRole(address)?.title ?? null,
      now,
    });
    try {
      await this.transport!.sendMail({
        from: this.smtp!.from,
        to: mailbox,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${notices[0].id}@${this.config.node.toLowerCase()}.trm-gateway>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-TRM-Node': this.config.node },
      });
      return null;
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string };
      const text = (e.responseCode ? `SMTP ${e.responseCode}: ${e.message ?? ''}` : `${e.code ?? 'error'}: ${e.message ?? safeError(err)}`).slice(0, 300);
      const permanent = refusesThisMail(e);
      const suppressed = this.failures.take(text);
      if (suppressed !== null)
        this.logger.warn(
          `mail to ${mailbox} not sent${permanent ? '' : ' (tried again later)'}: ${text}${suppressed ? ` (${suppressed} more since the last such line)` : ''}`,
        );
      return { text, permanent };
    }
  }

  private async failed(notices: MailNotice[], error: string, now: Date, tx: EntityManager, permanent = false): Promise<void> {
    const byNext = new Map<number, string[]>();
    for (const n of notices) {
      const next = permanent ? null : nextTry(this.config.notifications.retry, n.attempts, n.tryingSince, now);
      if (!next) this.logger.error(`${n.event} notice ${n.id} for ${n.role} failed for good: ${error}`);
      this.events.report({ kind: 'notice-attempted', channel: 'mail', outcome: next ? 'retry' : 'failed' });
      const key = next?.getTime() ?? 0;
      byNext.set(key, [...(byNext.get(key) ?? []), n.id]);
    }
    for (const [next, ids] of byNext) await this.repository.markAttemptFailed(ids, error, next ? new Date(next) : null, tx);
  }
}
