import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Envelope, HandoverRequestBody, createEnvelope, seal } from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { Timelines } from '../message-log/timelines';
import { Principal } from '../http/principal';
import { accessTo, actsAs, contentsFor, listScope, requireAccess } from '../auth/scope';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { GroupCommit } from '../database/group-commit';
import { KeysetPage } from '../database/keyset';
import { Transactions } from '../database/transactions';
import { EnvelopeService } from '../message-log/envelope.service';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { InboxRepository } from '../message-log/inbox.repository';
import { MessageLog, SealedSending } from '../message-log/message-log';
import { OutboundState } from '../message-log/outbound-message.entity';
import { OutboxRepository } from '../message-log/outbox.repository';
import { Page, TIME_AND_ID, pageOf } from '../http/paging';
import { invalidRequest } from '../http/problems';
import { RegistryService } from '../registry/registry.service';
import { newCaseRef } from './case-ref';
import { HandoverStatus, HandoverSubmitted, HandoverView } from './dto/handover-view.dto';
import { InboxItem } from './dto/inbox-page.dto';
import { SubmitHandoverDto } from './dto/submit-handover.dto';
import { CaseFile } from './case-file.entity';
import { CaseRepository } from './case.repository';
import { UnansweredRepository } from './unanswered.repository';
import { ExpectationRepository } from './expectation.repository';

const STATUS: Record<OutboundState, HandoverStatus> = {
  queued: 'submitted',
  sent: 'sent',
  delivered: 'delivered',
  rejected: 'rejected',
  undeliverable: 'undeliverable',
};

interface Submission {
  case: CaseFile;
  message: SealedSending;
}

@Injectable()
export class HandoverService {
  /** Handovers submitted at the same time are stored in one transaction; each request waits for its own commit. */
  private readonly submissions = new GroupCommit<Submission>((batch) =>
    this.transactions.run(async (tx) => {
      await this.cases.add(
        batch.map((s) => s.case),
        tx,
      );
      await this.messageLog.enqueue(
        batch.map((s) => s.message),
        tx,
      );
    }),
  );

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: RegistryService,
    private readonly cases: CaseRepository,
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly timelines: Timelines,
    private readonly transactions: Transactions,
    private readonly messageLog: MessageLog,
    private readonly clock: Clock,
    private readonly envelopes: EnvelopeService,
    private readonly unanswered: UnansweredRepository,
    private readonly expectations: ExpectationRepository,
  ) {}

  /** Stores the handover and its `handover.request` in the outbox in one transaction, then wakes the relay. */
  async submit(dto: SubmitHandoverDto, caller: Principal): Promise<HandoverSubmitted> {
    if (!actsAs(caller, dto.sender)) throw new ForbiddenException(`you do not hold ${dto.sender}`);
    const recipientProblem = await this.registry.currentRecipientProblem(dto.recipient);
    const problems = [
      ...(recipientProblem ? [{ field: 'recipient', problem: recipientProblem }] : []),
      ...(this.registry.publishes(dto.sender) ? [] : [{ field: 'sender', problem: 'is not an address this node publishes' }]),
    ];
    if (dto.sealed && !dto.body.consent.scope.includes('share-sealed')) {
      problems.push({ field: 'body.consent.scope', problem: 'must contain "share-sealed" when personal details are sealed' });
    }
    if (problems.length) throw invalidRequest(problems);

    const now = this.clock.now();
    const partner = dto.recipient.split('/')[0];
    const partnerKey = dto.sealed ? this.registry.partnerEncryptionKey(partner, now) : null;
    if (dto.sealed && !partnerKey) throw invalidRequest([{ field: 'sealed', problem: `node ${partner} has published no encryption key valid now` }]);
    const node = this.config.node;
    const envelope: Envelope<HandoverRequestBody> = createEnvelope({
      id: randomUUID(),
      type: 'handover.request',
      from: node,
      to: partner,
      sender: dto.sender,
      recipient: dto.recipient,
      caseRef: newCaseRef(node, now),
      createdAt: now.toISOString(),
      body: dto.body,
      sealed: dto.sealed && partnerKey ? await seal(dto.sealed, partnerKey) : null,
    });
    const message = { envelope, sealedAtRest: dto.sealed ? await this.envelopes.sealForSelf(dto.sealed) : null };
    await this.submissions.write({
      case: Object.assign(new CaseFile(), {
        id: envelope.id,
        caseRef: envelope.caseRef,
        direction: 'outgoing',
        partner,
        sender: envelope.sender,
        recipient: envelope.recipient,
        purpose: dto.body.purpose,
        createdAt: now,
        ourRole: envelope.sender,
        partnerRole: envelope.recipient,
        participants: [],
        state: 'referred',
        stateChangedAt: now,
        closedAt: null,
        consent: { ...dto.body.consent },
      }),
      message,
    });
    return { id: envelope.id, caseRef: envelope.caseRef, status: 'submitted' };
  }

  async get(id: string, caller: Principal): Promise<HandoverView> {
    const handover = await this.cases.findById(id);
    if (!handover) throw new NotFoundException(`no handover ${id}`);
    const access = requireAccess(caller, [handover.ourRole, ...handover.participants], `handover ${id}`);
    const common = {
      id,
      caseRef: handover.caseRef,
      direction: handover.direction,
      partner: handover.partner,
      sender: handover.sender,
      recipient: handover.recipient,
      purpose: handover.purpose,
      createdAt: handover.createdAt.toISOString(),
    };
    if (handover.direction === 'incoming') {
      const message = await this.inbox.findById(id);
      if (!message) throw new NotFoundException(`no handover ${id}`);
      return {
        ...common,
        status: 'received',
        body: contentsFor(access, message.envelope.body as HandoverRequestBody),
        timeline: await this.timelines.ofInbound(message),
      };
    }
    const message = await this.outbox.findById(id);
    if (!message) throw new NotFoundException(`no handover ${id}`);
    const receipt = message.receiptId ? await this.inbox.findById(message.receiptId) : null;
    return {
      ...common,
      status: STATUS[message.state],
      ...(message.rejectReason ? { reason: message.rejectReason } : {}),
      body: contentsFor(access, message.envelope.body as HandoverRequestBody),
      timeline: await this.timelines.ofOutbound(message),
      evidence: { digest: message.digest, receipt: receipt ? { id: receipt.id, jws: receipt.jws } : null },
    };
  }

  /**
   * What arrived: for a caseworker, only for the roles they hold or cover; for an auditor, without bodies. Each item
   * says whether it waits for this node's answer.
   */
  async inboxPage(filter: { role?: string; before?: Date }, page: KeysetPage, caller: Principal): Promise<Page<InboxItem>> {
    const now = this.clock.now();
    const roles = listScope(caller, filter.role);
    const rows = await this.inbox.list({ recipients: roles && this.registry.addressesWaitingWith(roles, now), receivedBefore: filter.before }, page);
    const shown = rows.slice(0, page.limit).map((m) => m.id);
    const [waiting, due] = await Promise.all([this.unanswered.among(shown), this.expectations.owedFor(shown)]);
    const waitsWith = (m: InboundMessage) => (m.status === 'delivered' ? this.registry.route(m.recipient, now) : null);
    return pageOf(
      rows,
      page.limit,
      TIME_AND_ID,
      (m) => ({ at: m.receivedAt, id: m.id }),
      (m) => toInboxItem(m, accessTo(caller, [m.recipient]) === 'contents', waiting.has(m.id), waitsWith(m), due.get(m.id) ?? null),
    );
  }
}

/**
 * `waitsWith`: the role the message waits with now (its recipient, a vacant one's fallback, a retired one's successor);
 * `dueAt`: when the answer this node owes for it is due.
 */
function toInboxItem(m: InboundMessage, contents: boolean, waiting: boolean, waitsWith: string | null, dueAt: Date | null): InboxItem {
  return {
    id: m.id,
    type: m.type,
    from: m.fromNode,
    sender: m.sender,
    recipient: m.recipient,
    routedTo: waitsWith && waitsWith !== m.recipient ? waitsWith : null,
    caseRef: m.caseRef,
    inReplyTo: m.inReplyTo,
    createdAt: m.createdAt.toISOString(),
    receivedAt: m.receivedAt.toISOString(),
    status: m.status,
    waiting,
    dueAt: dueAt && m.status === 'delivered' ? dueAt.toISOString() : null,
    ...(m.rejectReason ? { reason: m.rejectReason } : {}),
    ...(contents && m.status === 'delivered' ? { body: m.envelope.body } : {}),
  };
}
