import { Injectable, Logger } from '@nestjs/common';
import {
  Answerable,
  Envelope,
  Incoming,
  NOT_A_VERDICT,
  Problem,
  Refusal,
  RejectReason,
  UUID,
  createReceipt,
  isAddress,
  isCaseRef,
  isKnownType,
  unknownCaseRef,
} from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { Clock } from '../clock/clock';
import { Transactions } from '../database/transactions';
import { EnvelopeService } from '../message-log/envelope.service';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { InboxRepository } from '../message-log/inbox.repository';
import { RegistryService } from '../registry/registry.service';
import { NodeEvents } from '../telemetry/node-events';
import { TraceCarrier, traceFrom } from '../telemetry/trace-context';
import { Disposition, Outgoing } from '../amqp/delivery';
import { InboundChecks } from './inbound-checks';
import { InboundEffects } from './inbound-effects';

interface Verified {
  index: number;
  envelope: Envelope;
  jws: string;
  digest: string;
  kid: string;
}

/** Past rules 5–6, with the reason of a rule-6 rejection (a verdict, stored like those of rules 8 and 9). */
interface Unjudged extends Verified {
  reason: RejectReason | null;
}

interface Judged extends Unjudged {
  receipt: Outgoing | null;
}

/**
 * The receiving side of the access point: applies the nine receiving rules of section 5 in order, stores what passes
 * rule 7 before its delivery is acknowledged, and answers with a signed receipt.
 */
@Injectable()
export class ReceptionService {
  private readonly logger = new Logger(ReceptionService.name);

  constructor(
    private readonly envelopes: EnvelopeService,
    private readonly registry: RegistryService,
    private readonly inbox: InboxRepository,
    private readonly effects: InboundEffects,
    private readonly checks: InboundChecks,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly events: NodeEvents,
  ) {}

  async receive(batch: Incoming[]): Promise<Disposition[]> {
    const out = new Array<Disposition>(batch.length);
    const verified: Verified[] = [];

    // Rules 1–4.
    const checks = await Promise.all(batch.map((m) => this.envelopes.authenticate(m)));
    await Promise.all(
      checks.map(async (check, index) => {
        if (check.ok) {
          const jws = Buffer.from(batch[index].content).toString('ascii');
          verified.push({ index, envelope: check.envelope, jws, digest: check.digest, kid: check.kid });
          return;
        }
        out[index] = await this.refuse(check);
      }),
    );
    verified.sort((a, b) => a.index - b.index);

    // Rule 7 comes before rules 5–6 for an id this node already answered: one verdict per id (revision 2), whatever a
    // copy's properties or age; its first receipt goes out again. A header-mismatch is no verdict (properties are not
    // signed): it is not recorded, and a correct copy of the same bytes, in this batch or later, is processed normally.
    const stored = await this.inbox.findStored(verified.map((v) => v.envelope.id));
    const fresh: Unjudged[] = [];
    const repeats: Verified[] = [];
    const mismatched: Array<{ verified: Verified; refusal: Refusal }> = [];
    const seen = new Set<string>();
    for (const v of verified) {
      const id = v.envelope.id;
      if (stored.has(id) || seen.has(id)) {
        repeats.push(v);
        continue;
      }
      // Rules 5–6.
      const refusal = this.envelopes.deliveryRefusal(batch[v.index], v);
      if (refusal && NOT_A_VERDICT.includes(refusal.reason)) mismatched.push({ verified: v, refusal });
      else if (refusal && !refusal.answer)
        out[v.index] = await this.refuse(refusal); // a stale receipt: never answered
      else {
        if (refusal) this.logger.warn(`refused ${id} from ${v.envelope.from}: ${refusal.reason} (${refusal.detail})`);
        seen.add(id);
        fresh.push({ ...v, reason: refusal?.reason ?? null });
      }
    }

    // Rules 8 and 9, for what has no verdict yet.
    const judged = await this.judge(fresh);
    const unusable = judged.filter((j) => j.envelope.type === 'receipt' && j.reason);
    for (const j of unusable) {
      this.logger.warn(`dead-lettered receipt ${j.envelope.id} from ${j.envelope.from}: ${j.reason}; receipts are never answered`);
      this.events.report({ kind: 'delivery-refused', reason: j.reason! });
      out[j.index] = { settle: 'dead-letter' };
    }
    const keep = judged.filter((j) => !unusable.includes(j));

    const now = this.clock.now();
    const rows = keep.map((j) => this.toRow(j, now, traceFrom(batch[j.index].properties.headers)));
    const { ids: added, committed } = await this.transactions.run(async (tx) => {
      const ids = await this.inbox.addNew(rows, tx);
      const stored = rows.filter((r) => ids.has(r.id));
      this.transactions.afterCommit(tx, () =>
        this.events.report(...stored.map((r) => ({ kind: 'message-received' as const, partner: r.fromNode, type: r.type, status: r.status }))),
      );
      const delivered = stored.filter((r) => r.status === 'delivered');
      return { ids, committed: await this.effects.apply(delivered, tx, now) };
    });
    await committed();

    for (const j of keep) {
      if (added.has(j.envelope.id)) out[j.index] = { settle: 'ack', ...(j.receipt ? { reply: j.receipt } : {}) };
      else repeats.push(j); // stored meanwhile by a replica of this node
    }

    // Stored by now but not when this batch began: in-batch repeats, and what a replica stored meanwhile. A copy whose
    // properties disagree gets the answer its id has by now, and header-mismatch only while it has none.
    const later = await this.inbox.findStored(
      [...repeats.filter((r) => !stored.has(r.envelope.id)), ...mismatched.map((m) => m.verified)].map((v) => v.envelope.id),
    );
    for (const { verified: v, refusal } of mismatched) {
      if (later.has(v.envelope.id)) repeats.push(v);
      else out[v.index] = await this.refuse(refusal);
    }

    if (repeats.length) {
      // A receipt may have come before its message's attempt was recorded (the sender crashed in between); it did not
      // settle anything then. The partner answers our resend with the same receipt: apply it again. Settling is idempotent.
      const receipts = repeats.filter((r) => r.envelope.type === 'receipt').map((r) => this.toRow({ ...r, reason: null, receipt: null }, now));
      if (receipts.length) await (await this.transactions.run((tx) => this.effects.apply(receipts, tx, now)))();
      for (const r of repeats) {
        this.events.report({ kind: 'delivery-repeated', partner: r.envelope.from });
        const receiptJws = stored.get(r.envelope.id) ?? later.get(r.envelope.id);
        out[r.index] = { settle: 'ack', ...(receiptJws ? { reply: { envelope: decodePayload(receiptJws), jws: receiptJws } } : {}) };
      }
    }
    return out;
  }

  /**
   * Rule 8 — content (in parallel), then the checks that need the node's state, such as whether a message fits its
   * case (in order, since earlier messages of the batch change that state) — then rule 9; then the receipts.
   */
  private async judge(fresh: Unjudged[]): Promise<Judged[]> {
    const reasons = new Map(fresh.flatMap((v) => (v.reason ? [[v.envelope.id, v.reason] as const] : [])));
    const open = fresh.filter((v) => !v.reason);
    const problems = await Promise.all(open.map((v) => this.envelopes.contentProblems(v.envelope)));
    open.forEach(({ envelope: e }, i) => {
      if (!problems[i].length) return;
      reasons.set(e.id, 'invalid-body');
      this.logger.warn(`refused ${e.id} from ${e.from}: invalid-body (${problems[i].map(loggable).join('; ')})`);
    });
    const refusals = await this.checks.refusals(open.filter((v) => !reasons.has(v.envelope.id)).map((v) => v.envelope));
    for (const [id, why] of refusals) {
      reasons.set(id, 'invalid-body');
      this.logger.warn(`refused ${id}: invalid-body (${why})`);
    }
    for (const { envelope: e } of fresh) {
      if (reasons.has(e.id) || this.registry.publishes(e.recipient)) continue;
      reasons.set(e.id, 'unknown-recipient');
      this.logger.warn(`refused ${e.id} from ${e.from}: unknown-recipient`);
    }
    return Promise.all(
      fresh.map(async (v) => {
        const { envelope: e } = v;
        const reason = reasons.get(e.id) ?? null;
        const receipt =
          e.type === 'receipt'
            ? null
            : await this.receipt(
                { node: e.from, id: e.id, type: e.type, caseRef: e.caseRef, sender: e.sender, recipient: e.recipient },
                reason ? 'rejected' : 'delivered',
                reason ?? undefined,
                v.digest,
              );
        return { ...v, reason, receipt };
      }),
    );
  }

  /** A delivery refused before its id has an answer: answered rejected when its sender may be answered, else dead-lettered. */
  private async refuse(r: Refusal): Promise<Disposition> {
    this.events.report({ kind: 'delivery-refused', reason: r.reason });
    this.logger.warn(`refused ${r.answer?.id ?? 'a delivery'} from ${r.answer?.node ?? 'an unverified sender'}: ${r.reason} (${r.detail})`);
    return r.answer ? { settle: 'ack', reply: await this.receipt(r.answer, 'rejected', r.reason, r.digest) } : { settle: 'dead-letter' };
  }

  /**
   * A delivery the node failed to process several times (revision 2, `internal-error`): not a verdict, nothing is
   * stored. It is dead-lettered; a sender that passes rules 1–4 is told, unless the delivery is itself a receipt.
   */
  async failed(delivery: Incoming): Promise<Disposition> {
    this.events.report({ kind: 'delivery-refused', reason: 'internal-error' });
    const check = await this.envelopes.authenticate(delivery);
    if (!check.ok || check.envelope.type === 'receipt') return { settle: 'dead-letter' };
    const e = check.envelope;
    this.logger.warn(`dead-lettered ${e.id} from ${e.from}: internal-error`);
    const subject = { node: e.from, id: e.id, type: e.type, caseRef: e.caseRef, sender: e.sender, recipient: e.recipient };
    return { settle: 'dead-letter', reply: await this.receipt(subject, 'rejected', 'internal-error', check.digest) };
  }

  private async receipt(subject: Answerable, status: 'delivered' | 'rejected', reason: RejectReason | undefined, digest: string): Promise<Outgoing> {
    const envelope = createReceipt({
      node: this.registry.node,
      id: randomUUID(),
      createdAt: this.clock.now().toISOString(),
      subject,
      status,
      reason,
      digest,
      publishes: (address) => this.registry.publishes(address),
    });
    return { envelope, jws: await this.envelopes.sign(envelope) };
  }

  /** A refused message may carry anything in its envelope; what cannot be stored as is is replaced by a safe value. */
  private toRow(j: Judged, now: Date, traceContext: TraceCarrier | null = null): InboundMessage {
    const e = j.envelope;
    // PostgreSQL's jsonb holds neither \u0000 nor half a surrogate pair (JSON.stringify escapes only lone ones); keep
    // the frame of such a message, the JWS keeps the rest.
    const framed = /\\u0000|\\ud[89a-f]/i.test(JSON.stringify(e))
      ? ({ profile: e.profile, id: e.id, type: e.type, from: e.from, to: e.to, createdAt: e.createdAt } as Envelope)
      : e;
    // A refused message gives this node no reason to keep personal details: its sealed part and the JWS carrying it
    // are not stored (the digest is the evidence of what came).
    const refusedSealed = !!j.reason && e.sealed != null;
    const envelope = refusedSealed ? { ...framed, sealed: null } : framed;
    return {
      id: e.id,
      // What the inbox, the timelines and the (permanent) audit log show: a type the profile does not define is
      // whatever the partner signed, possibly a person's name; the JWS keeps it as evidence.
      type: isKnownType(e.type) ? e.type : 'unknown',
      fromNode: e.from,
      caseRef: isCaseRef(e.caseRef) ? e.caseRef : unknownCaseRef(e.from),
      sender: isAddress(e.sender) ? e.sender : '',
      recipient: isAddress(e.recipient) ? e.recipient : '',
      inReplyTo: typeof e.inReplyTo === 'string' && UUID.test(e.inReplyTo) ? e.inReplyTo : null,
      createdAt: new Date(e.createdAt),
      receivedAt: now,
      envelope,
      jws: refusedSealed ? null : j.jws,
      digest: j.digest,
      kid: j.kid,
      status: j.reason ? 'rejected' : 'delivered',
      rejectReason: j.reason,
      receiptJws: j.receipt?.jws ?? null,
      routedTo: j.reason || e.type === 'receipt' ? null : this.registry.route(e.recipient, now),
      purgedAt: refusedSealed ? now : null,
      traceContext,
    };
  }
}

/**
 * A content problem as it may be logged. The name of an unknown field is whatever the partner wrote — possibly a
 * person's name — so only where it sits is logged, not the name itself.
 */
function loggable(p: Problem): string {
  if (p.problem !== 'is not a known field') return `${p.field} ${p.problem}`;
  const dot = p.field.lastIndexOf('.');
  return `${dot > 0 ? p.field.slice(0, dot) : 'the envelope'} has a field that is not known`;
}

const decodePayload = (jws: string): Envelope => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8')) as Envelope;
