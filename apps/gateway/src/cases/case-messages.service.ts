import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Envelope, HandoverAcceptedBody, checkContent, createEnvelope, nodeOf } from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Principal } from '../http/principal';
import { actsAs, worksOn } from '../auth/scope';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { Transactions } from '../database/transactions';
import { InboxRepository } from '../message-log/inbox.repository';
import { MessageLog } from '../message-log/message-log';
import { OutboxRepository } from '../message-log/outbox.repository';
import { invalidRequest } from '../http/problems';
import { RegistryService } from '../registry/registry.service';
import { CaseActions } from './case-actions';
import { CaseFile } from './case-file.entity';
import { CaseRules } from './case-rules';
import { CaseMessageType, CaseState, ENDED_STATES, consentProblem, ourSide, questionAnswered, transition } from './case-states';
import { CaseViewsService } from './case-views.service';
import { CaseMessageSubmitted, CaseView } from './dto/case-view.dto';
import { CaseRepository } from './case.repository';
import { SendCaseMessageDto } from './dto/case-message.dto';
import { TimelineRepository } from '../message-log/timeline.repository';
import { UnansweredRepository } from './unanswered.repository';

/** What the API changes in a case: the messages this node sends in it, and the roles of this node it tells about it. */
@Injectable()
export class CaseMessagesService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: RegistryService,
    private readonly cases: CaseRepository,
    private readonly rules: CaseRules,
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly timeline: TimelineRepository,
    private readonly transactions: Transactions,
    private readonly messageLog: MessageLog,
    private readonly clock: Clock,
    private readonly unanswered: UnansweredRepository,
    private readonly views: CaseViewsService,
    private readonly actions: CaseActions,
  ) {}

  /**
   * Checks a message against the case as it will be once this node's messages still on their way are delivered,
   * validates it like a partner would, and puts it in the outbox. The case moves on when the partner receipts it.
   * Messages of one case are checked one at a time (the case row is locked), so two sent at once never both pass as
   * the next step, nor answer the same question by default.
   */
  async send(caseRef: string, dto: SendCaseMessageDto, caller: Principal): Promise<CaseMessageSubmitted> {
    const found = await this.views.require(caseRef);
    if (!worksOn(caller, [found.ourRole, ...found.participants])) throw new ForbiddenException(`case ${caseRef} belongs to roles you do not hold`);
    const now = this.clock.now();
    const sender = dto.sender ?? this.actions.actingRole(found, caller, now);
    if (!actsAs(caller, sender)) throw new ForbiddenException(`you do not hold ${sender}`);
    if (!this.isOwnRole(sender)) throw invalidRequest([{ field: 'sender', problem: 'is not an address this node publishes' }]);
    if (dto.inReplyTo && !(await this.isMessageOf(found, dto.inReplyTo)))
      throw invalidRequest([{ field: 'inReplyTo', problem: `is not a message of case ${caseRef}` }]);

    const envelope = await this.transactions.run(async (tx) => {
      const c = (await this.cases.lock(caseRef, tx)) ?? found;
      const fits = transition(await this.projectedState(c), dto.type, ourSide(c), c.purpose, { body: dto.body });
      const problem = fits.ok ? consentProblem(dto.type, dto.body, c.consent) : fits.reason;
      if (problem) throw new ConflictException({ statusCode: 409, error: 'Conflict', message: `${dto.type} does not fit case ${caseRef}: ${problem}` });
      const envelope: Envelope = createEnvelope({
        id: randomUUID(),
        type: dto.type,
        from: this.config.node,
        to: c.partner,
        sender,
        recipient: dto.recipient ?? c.partnerRole,
        caseRef,
        inReplyTo: dto.inReplyTo ?? (await this.defaultReplyTo(c, dto.type, tx)),
        createdAt: now.toISOString(),
        body: dto.body,
      });
      const problems = await checkContent(envelope, []);
      if (!problems.length && dto.type === 'handover.accepted' && !this.isOwnRole((envelope.body as HandoverAcceptedBody).role)) {
        problems.push({ field: 'body.role', problem: 'is not a role of this node' });
      }
      if (problems.length) throw invalidRequest(problems);
      await this.messageLog.enqueue([envelope], tx);
      return envelope;
    });
    return { id: envelope.id, caseRef, type: dto.type, status: 'submitted' };
  }

  /**
   * Tells another role of this node about the case (the NGO that will meet the person, say); not once the case has
   * ended (409), as no message but consent's fits it then.
   */
  async addParticipant(caseRef: string, role: string, caller: Principal): Promise<CaseView> {
    const c = await this.views.require(caseRef);
    if (!worksOn(caller, [c.ourRole, ...c.participants])) throw new ForbiddenException(`case ${caseRef} belongs to roles you do not hold`);
    if (!this.isOwnRole(role)) throw invalidRequest([{ field: 'role', problem: 'is not a role of this node' }]);
    await this.transactions.run(async (tx) => {
      const c = await this.cases.lock(caseRef, tx);
      if (!c) throw new NotFoundException(`no case ${caseRef}`);
      if (ENDED_STATES.includes(c.state))
        throw new ConflictException({ statusCode: 409, error: 'Conflict', message: `case ${caseRef} has ended (${c.state}): no participant added after that` });
      if (c.ourRole === role || c.participants.includes(role)) return;
      c.participants = [...c.participants, role];
      await this.cases.save(c, tx);
      await this.timeline.record([{ caseRef, messageId: null, at: this.clock.now(), kind: 'participant-added', detail: { role } }], tx);
    });
    return this.views.view(caseRef, caller);
  }

  /** The case's state once this node's messages not yet receipted are delivered: what a new message must fit. */
  private projectedState(c: CaseFile): Promise<CaseState> {
    return this.rules.withOwnPending(c, c.state) as Promise<CaseState>;
  }

  private isOwnRole(address: string): boolean {
    return this.registry.publishes(address) && nodeOf(address) === this.config.node;
  }

  /** What an answer replies to by default (ANSWERED_BY): the request of the case, or its oldest question still open. */
  private async defaultReplyTo(c: CaseFile, type: CaseMessageType, tx: EntityManager): Promise<string | null> {
    const question = questionAnswered(type);
    if (!question) return null;
    if (question === 'handover.request') return c.direction === 'incoming' ? c.id : null;
    return (await this.unanswered.oldestOfCase(c.caseRef, question, tx)) ?? (await this.inbox.latestDelivered(c.caseRef, question));
  }

  private async isMessageOf(c: CaseFile, id: string): Promise<boolean> {
    const [received, sent] = await Promise.all([this.inbox.findById(id), this.outbox.findById(id)]);
    return (received ?? sent)?.caseRef === c.caseRef;
  }
}
