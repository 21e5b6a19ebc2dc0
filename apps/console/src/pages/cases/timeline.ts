import type { Schemas } from '../../api/client';

/** A message of the case, either way, with what became of it (its receipt). */
export interface MessageLine {
  kind: 'message';
  id: string;
  at: string;
  type: string;
  direction: 'out' | 'in';
  /** Sender and recipient roles (sent: once it left; received: the sender). */
  from?: string;
  to?: string;
  routedTo?: string;
  inReplyTo?: string;
  /** submitted, sent, delivered, rejected, undeliverable (ours) or received, rejected (theirs). */
  status: string;
  reason?: string;
  settledAt?: string;
  resent: number;
  /** What it said: its coded body as sent or received (absent for auditors, for a refused message, once purged). */
  body?: MessageBody;
}

/** A case message's coded body, one of its type (the `type` of its line says which). */
export type MessageBody = NonNullable<Schemas['TimelineEntryView']['body']>;

/** Anything else: deadlines set, met, met late, missed, cancelled; escalations; participants added. */
export interface EventLine {
  kind: 'deadline' | 'escalation' | 'participant' | 'other';
  at: string;
  /** set, met, met-late, missed, cancelled (deadline); alert, copy (escalation). */
  what: string;
  deadlineKind?: string;
  owedBy?: 'us' | 'partner';
  dueAt?: string;
  target?: string;
  role?: string;
  event: string;
}

export type TimelineLine = MessageLine | EventLine;

const OUT_EVENTS = /^(submitted|sent|resent|publish-failed|undeliverable|receipt-mismatch) (.+)$/;
const RECEIPT = /^receipt (delivered|rejected) for (.+)$/;
const RECEIVED = /^received (.+)$/;
const DEADLINE = /^deadline (set|met|met late|missed|cancelled): (.+)$/;

/**
 * The API's timeline (one entry per event) as the console shows it: one line per message with its latest status and
 * receipt, and one per deadline event, escalation or participant — in order of time.
 */
export function readTimeline(entries: Schemas['TimelineEntryView'][]): TimelineLine[] {
  const messages = new Map<string, MessageLine>();
  const lines: TimelineLine[] = [];
  const message = (e: Schemas['TimelineEntryView'], type: string, direction: 'out' | 'in'): MessageLine => {
    const id = e.message ?? `${e.at}-${type}`;
    let m = messages.get(id);
    if (!m) {
      m = { kind: 'message', id, at: e.at, type, direction, status: direction === 'out' ? 'submitted' : 'received', resent: 0 };
      messages.set(id, m);
      lines.push(m);
    }
    return m;
  };
  for (const e of entries) {
    let match: RegExpExecArray | null;
    if ((match = RECEIPT.exec(e.event))) {
      const m = message(e, match[2], 'out');
      m.status = match[1];
      m.settledAt = e.at;
      if (e.reason) m.reason = e.reason;
    } else if ((match = OUT_EVENTS.exec(e.event)) && e.direction === 'out') {
      const m = message(e, match[2], 'out');
      if (e.body) m.body = e.body;
      if (match[1] === 'sent') {
        if (m.status === 'submitted') m.status = 'sent';
        m.from = e.from;
        m.to = e.to;
        m.inReplyTo = e.inReplyTo ?? m.inReplyTo;
      } else if (match[1] === 'resent') m.resent += 1;
      else if (match[1] === 'undeliverable') {
        m.status = 'undeliverable';
        m.settledAt = e.at;
      }
    } else if ((match = RECEIVED.exec(e.event))) {
      const m = message(e, match[1], 'in');
      if (e.body) m.body = e.body;
      m.from = e.from;
      m.routedTo = e.routedTo;
      m.inReplyTo = e.inReplyTo;
      const rejected = /^rejected \((.+)\)$/.exec(e.receipt ?? '');
      m.status = rejected ? 'rejected' : 'received';
      if (rejected) m.reason = rejected[1];
    } else if ((match = DEADLINE.exec(e.event))) {
      lines.push({ kind: 'deadline', at: e.at, what: match[1].replace(' ', '-'), deadlineKind: match[2], owedBy: e.owedBy, dueAt: e.dueAt, event: e.event });
    } else if (e.event.startsWith('escalated: ')) {
      lines.push({
        kind: 'escalation',
        at: e.at,
        what: e.event === 'escalated: alert' ? 'alert' : 'copy',
        deadlineKind: e.kind,
        target: e.target,
        event: e.event,
      });
    } else if (e.event === 'participant added') {
      lines.push({ kind: 'participant', at: e.at, what: 'added', role: e.role, event: e.event });
    } else {
      lines.push({ kind: 'other', at: e.at, what: e.event, event: e.event });
    }
  }
  return lines;
}

/** The message a line answers, to show "answers <type> of <time>". */
export function answered(lines: TimelineLine[], id: string | undefined): MessageLine | undefined {
  return id ? lines.find((l): l is MessageLine => l.kind === 'message' && l.id === id) : undefined;
}

/**
 * The topics of the question an answer now answers: the oldest info.request received and delivered that no answer of
 * ours (one not refused or lost) replies to yet — the one the API answers by default; undefined when none is known.
 */
export function topicsAsked(lines: TimelineLine[]): Schemas['InfoRequestBody']['topics'] | undefined {
  const messages = lines.filter((l): l is MessageLine => l.kind === 'message');
  const answeredIds = new Set(
    messages
      .filter((m) => m.direction === 'out' && m.type === 'info.response' && m.status !== 'rejected' && m.status !== 'undeliverable')
      .map((m) => m.inReplyTo),
  );
  const question = messages.find((m) => m.direction === 'in' && m.type === 'info.request' && m.status === 'received' && !answeredIds.has(m.id));
  const topics = question?.body && 'topics' in question.body ? question.body.topics : undefined;
  return topics?.length ? topics : undefined;
}
