import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { Transactions } from '../database/transactions';
import { RegistryService } from '../registry/registry.service';
import { MailSender } from './mail-sender';
import { NoticeEvent, NoticeReason } from './notice-event';
import { apiLinks, consoleLink } from './notice-links';
import { MailNotice, WebhookDelivery } from './notice.entity';
import { NoticeRepository } from './notice.repository';
import { WebhookSender } from './webhook-sender';

const NO_MAILBOX = 'the role has no mailbox (one address) in the directory';
const MAILBOX = /^[^\s@,;<>"]+@[^\s@,;<>"]+$/;

/** The role's mailbox when it is one plain address (never a list a mail would fan out to), else null. */
export const singleMailbox = (mailbox: string | undefined): string | null => {
  const trimmed = mailbox?.trim() ?? '';
  return MAILBOX.test(trimmed) ? trimmed : null;
};

/**
 * Records what roles and systems must hear of, in the transaction of what happened: a mail notice per role (to its
 * functional mailbox, routed as its messages are) and a webhook delivery per endpoint that asked for the event. The
 * senders take them from there once the transaction commits; nothing is sent for what rolled back.
 */
@Injectable()
export class Notices {
  private readonly logger = new Logger(Notices.name);

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: RegistryService,
    private readonly repository: NoticeRepository,
    private readonly transactions: Transactions,
    private readonly mail: MailSender,
    private readonly webhooks: WebhookSender,
  ) {}

  /** Whether anything is told at all: a mail server or a webhook endpoint is configured. */
  get active(): boolean {
    return this.config.notifications.smtp !== null || this.config.notifications.webhooks.length > 0;
  }

  async record(events: NoticeEvent[], tx: EntityManager): Promise<void> {
    if (!events.length || !this.active) return;
    const notices = this.config.notifications.smtp ? events.flatMap((e) => this.mailNotices(e)) : [];
    const deliveries = events.flatMap((e) => this.deliveries(e));
    const newNotices = await this.repository.addNotices(notices, tx);
    const newDeliveries = await this.repository.addDeliveries(deliveries, tx);
    this.transactions.afterCommit(tx, () => {
      for (const n of notices.filter((x) => !x.mailbox)) this.logger.warn(`${n.event} notice for ${n.role} not sent: ${NO_MAILBOX}`);
      if (newNotices) this.mail.wake();
      if (newDeliveries) this.webhooks.wake();
    });
  }

  /** One notice per role the event reaches, each role once (the first reason it is reached for counts). */
  private mailNotices(event: NoticeEvent): MailNotice[] {
    const byRole = new Map<string, MailNotice>();
    for (const target of this.reached(event)) {
      if (byRole.has(target.role)) continue;
      const role = this.registry.ownRole(target.role);
      const mailbox = singleMailbox(role?.channels?.mailbox);
      const digest = this.config.notifications.digests[target.role];
      byRole.set(
        target.role,
        Object.assign(new MailNotice(), {
          id: randomUUID(),
          eventKey: event.key,
          event: event.type,
          role: target.role,
          mailbox,
          languages: role?.languages ?? [],
          caseRef: event.caseRef,
          messageId: event.messageId,
          messageType: event.messageType,
          dueAt: event.deadline?.dueAt ?? null,
          detail: {
            reason: target.reason,
            ...(target.about ? { about: target.about } : {}),
            ...(target.via ? { via: target.via } : {}),
            ...(event.partner ? { partner: event.partner } : {}),
            ...(event.deadline ? { deadline: { kind: event.deadline.kind, owedBy: event.deadline.owedBy } } : {}),
            ...(event.transfer ? { transfer: event.transfer } : {}),
          },
          createdAt: event.at,
          tryingSince: event.at,
          state: mailbox ? 'pending' : 'failed',
          attempts: 0,
          // A digest role's notices wait for its interval; the first to come due takes the others with it.
          nextAttemptAt: mailbox ? new Date(event.at.getTime() + (digest ?? 0)) : null,
          lastError: mailbox ? null : NO_MAILBOX,
        }),
      );
    }
    return [...byRole.values()];
  }

  /**
   * The roles an event reaches: each it is for, or where that role's messages go (a vacant role's fallback, a retired
   * one's successor; along a chain, the reason is the last step's and `via` names the role of that step).
   */
  private reached(event: NoticeEvent): Array<{ role: string; reason: NoticeReason; about?: string; via?: string }> {
    return event.for.map(({ role, reason, asIs }) => {
      const { to, via } = asIs ? { to: role, via: null } : this.registry.routeVia(role, event.at);
      if (!via) return { role, reason };
      return { role: to, reason: this.registry.ownRole(via)?.retiredAt ? 'successor' : 'fallback', about: role, ...(via !== role ? { via } : {}) };
    });
  }

  private deliveries(event: NoticeEvent): WebhookDelivery[] {
    const hooks = this.config.notifications.webhooks.filter((w) => w.events.includes(event.type));
    if (!hooks.length) return [];
    const data = {
      node: this.config.node,
      ...(event.caseRef ? { caseRef: event.caseRef } : {}),
      ...(event.messageId ? { messageId: event.messageId, messageType: event.messageType } : {}),
      ...(event.partner ? { partner: event.partner } : {}),
      ...(event.deadline ? { deadline: { ...event.deadline, dueAt: event.deadline.dueAt.toISOString() } } : {}),
      ...(event.transfer ? { transfer: event.transfer } : {}),
      roles: this.reached(event),
      api: apiLinks(event),
      console: consoleLink(this.config.notifications.consoleUrl, event),
    };
    return hooks.map((hook) =>
      Object.assign(new WebhookDelivery(), {
        id: randomUUID(),
        eventKey: event.key,
        event: event.type,
        endpoint: hook.url,
        payload: { type: event.type, timestamp: event.at.toISOString(), data },
        caseRef: event.caseRef,
        createdAt: event.at,
        tryingSince: event.at,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: event.at,
      }),
    );
  }
}
