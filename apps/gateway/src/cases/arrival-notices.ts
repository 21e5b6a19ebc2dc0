import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { NoticeEvent } from '../notifications/notice-event';
import { Notices } from '../notifications/notices';
import { InboundEffect } from '../reception/inbound-effects';
import { CASE_MESSAGE_TYPES } from './case-states';
import { ExpectationRepository } from './expectation.repository';

/**
 * A handover or case message delivered for one of this node's roles: its role hears of it (vacant, its fallback;
 * retired, its successor), with the deadline it now owes, if the message set one. Runs after CaseLifecycle, in the
 * transaction that stored the message.
 */
@Injectable()
export class ArrivalNotices implements InboundEffect {
  readonly types = CASE_MESSAGE_TYPES;

  constructor(
    private readonly notices: Notices,
    private readonly expectations: ExpectationRepository,
  ) {}

  async apply(messages: InboundMessage[], tx: EntityManager, now: Date): Promise<void> {
    if (!this.notices.active) return; // spares the message path a query
    const delivered = messages.filter((m) => m.status === 'delivered');
    const owed = await this.expectations.owedDeadlines(
      delivered.map((m) => m.id),
      tx,
    );
    await this.notices.record(
      delivered.map((m): NoticeEvent => {
        const deadline = owed.find((x) => x.cause === m.id);
        return {
          type: 'message.arrived',
          key: `message.arrived:${m.id}`,
          at: now,
          caseRef: m.caseRef,
          messageId: m.id,
          messageType: m.type,
          partner: m.fromNode,
          deadline: deadline ? { kind: deadline.kind, dueAt: deadline.dueAt, owedBy: 'us' } : null,
          transfer: null,
          for: [{ role: m.recipient, reason: 'addressed' }],
        };
      }),
      tx,
    );
  }
}
