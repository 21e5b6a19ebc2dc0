import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { organisationOf } from '../config/directory';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { Clock } from '../clock/clock';
import { Page, TIME_AND_ID, keysetPageOf, pageOf } from '../http/paging';
import { Principal, is } from '../http/principal';
import { RegistryService } from '../registry/registry.service';
import { MailNoticeQueryDto, MailNoticeView, NotificationSettings, WebhookDeliveryQueryDto, WebhookDeliveryView } from './dto/notice-views.dto';
import { MailSender } from './mail-sender';
import { MailNotice, WebhookDelivery, webhookId } from './notice.entity';
import { NoticeRepository } from './notice.repository';
import { singleMailbox } from './notices';
import { WebhookSender, redacted } from './webhook-sender';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/** Whether the caller looks after the whole node's operations: a coordinator, an auditor, an administrator of the whole node. */
const seesAll = (p: Principal): boolean => is(p, 'coordinator') || is(p, 'auditor') || (is(p, 'administrator') && p.organisation === null);

/**
 * What this node sent to mailboxes and webhook endpoints, for the people who watch it: coordinators, auditors and
 * administrators of the whole node see everything; an organisation's administrator its roles' mails; a caseworker the
 * mails of the roles they hold or cover. Only an administrator of the whole node sends a failed one again.
 */
@Injectable()
export class NotificationsService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly repository: NoticeRepository,
    private readonly registry: RegistryService,
    private readonly mail: MailSender,
    private readonly webhooks: WebhookSender,
    private readonly clock: Clock,
  ) {}

  async settings(caller: Principal): Promise<NotificationSettings> {
    if (!seesAll(caller) && !is(caller, 'administrator'))
      throw new ForbiddenException('notification settings are for coordinators, auditors and administrators');
    const { smtp, digests, webhooks, deadlineWarningMs, consoleUrl } = this.config.notifications;
    const counts = await this.repository.counts();
    return {
      smtp: smtp && {
        host: smtp.host,
        port: smtp.port,
        security: smtp.security,
        from: smtp.from,
        authenticated: smtp.user !== null,
        maxPerMailboxPerHour: smtp.maxPerMailboxPerHour,
      },
      mail: { pending: 0, sent: 0, failed: 0, ...counts.mail },
      digests: Object.entries(digests).map(([role, everyMs]) => ({ role, everyMs })),
      deadlineWarningMs,
      consoleUrl,
      webhooks: webhooks.map((w) => ({
        url: redacted(w.url),
        events: w.events,
        deliveries: { pending: 0, delivered: 0, failed: 0, ...counts.webhooks.get(w.url) },
      })),
    };
  }

  async notices(query: MailNoticeQueryDto, caller: Principal): Promise<Page<MailNoticeView>> {
    const scope = this.noticeScope(caller, query.role);
    const page = keysetPageOf(query);
    const rows = await this.repository.notices({ state: query.state, caseRef: query.caseRef, ...scope }, page);
    return pageOf(rows, page.limit, TIME_AND_ID, (n) => ({ at: n.createdAt, id: n.id }), noticeView);
  }

  async deliveries(query: WebhookDeliveryQueryDto, caller: Principal): Promise<Page<WebhookDeliveryView>> {
    if (!seesAll(caller)) throw new ForbiddenException('webhook deliveries are for coordinators, auditors and administrators of the whole node');
    const page = keysetPageOf(query);
    const rows = await this.repository.deliveries({ state: query.state, caseRef: query.caseRef }, page);
    return pageOf(rows, page.limit, TIME_AND_ID, (d) => ({ at: d.createdAt, id: d.id }), deliveryView);
  }

  /** A failed notice sent again, to its role's mailbox as the directory has it now. */
  async retryNotice(id: string, caller: Principal): Promise<MailNoticeView> {
    this.requireOperator(caller);
    const notice = await this.repository.findNotice(id);
    if (!notice) throw new NotFoundException(`no mail notice ${id}`);
    if (notice.state !== 'failed') throw new ConflictException(`mail notice ${id} is ${notice.state}, not failed`);
    const mailbox = singleMailbox(this.registry.ownRole(notice.role)?.channels?.mailbox);
    if (!mailbox) throw new ConflictException(`${notice.role} still has no mailbox in the directory; add one, then try again`);
    if (!(await this.repository.retryNotice(id, mailbox, this.clock.now()))) throw new ConflictException(`mail notice ${id} is no longer failed`);
    this.mail.wake();
    return noticeView((await this.repository.findNotice(id))!);
  }

  async retryDelivery(id: string, caller: Principal): Promise<WebhookDeliveryView> {
    this.requireOperator(caller);
    const delivery = await this.repository.findDelivery(id);
    if (!delivery) throw new NotFoundException(`no webhook delivery ${id}`);
    if (delivery.state !== 'failed') throw new ConflictException(`webhook delivery ${id} is ${delivery.state}, not failed`);
    if (!this.config.notifications.webhooks.some((w) => w.url === delivery.endpoint))
      throw new ConflictException(`${redacted(delivery.endpoint)} is no longer a configured endpoint`);
    if (!(await this.repository.retryDelivery(id, this.clock.now()))) throw new ConflictException(`webhook delivery ${id} is no longer failed`);
    this.webhooks.wake();
    return deliveryView((await this.repository.findDelivery(id))!);
  }

  private requireOperator(caller: Principal): void {
    if (!is(caller, 'administrator') || caller.organisation !== null)
      throw new ForbiddenException('only an administrator of the whole node sends a notice again');
  }

  /**
   * Which notices the caller may list (see the class): all, or those of `roles` and of the roles of `organisations`.
   * Each application role grants on its own; a caller with several gets the union.
   */
  private noticeScope(caller: Principal, role: string | undefined): { roles: string[] | null; organisations: string[] } {
    if (seesAll(caller)) return { roles: role ? [role] : null, organisations: [] };
    const organisations = is(caller, 'administrator') && caller.organisation ? [caller.organisation] : [];
    const own = is(caller, 'caseworker') ? [...caller.holds, ...caller.covers] : [];
    if (!role) return { roles: own, organisations };
    if (own.includes(role) || organisations.includes(organisationOf(role))) return { roles: [role], organisations: [] };
    throw new ForbiddenException(`you neither hold ${role} (nor is its work waiting with a role you hold) nor administer its organisation`);
  }
}

function noticeView(n: MailNotice): MailNoticeView {
  const { reason, about, via, partner, deadline, transfer } = n.detail;
  return {
    id: n.id,
    event: n.event,
    role: n.role,
    mailbox: n.mailbox,
    reason,
    ...(about ? { about } : {}),
    ...(via ? { via } : {}),
    caseRef: n.caseRef,
    messageId: n.messageId,
    messageType: n.messageType,
    ...(partner ? { partner } : {}),
    ...(deadline && n.dueAt ? { deadline: { ...deadline, dueAt: n.dueAt.toISOString() } } : {}),
    ...(transfer ? { transfer: transfer.id } : {}),
    state: n.state,
    attempts: n.attempts,
    nextAttemptAt: n.state === 'pending' ? iso(n.nextAttemptAt) : null,
    lastError: n.lastError,
    createdAt: n.createdAt.toISOString(),
    sentAt: iso(n.sentAt),
    mailId: n.mailId,
  };
}

function deliveryView(d: WebhookDelivery): WebhookDeliveryView {
  return {
    id: d.id,
    webhookId: webhookId(d),
    event: d.event,
    endpoint: redacted(d.endpoint),
    caseRef: d.caseRef,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: iso(d.deliveredAt),
    payload: d.payload as unknown as Record<string, unknown>,
  };
}
