import { MessageType, Purpose } from '@trm/wire';
import type { CaseFile } from './case-file.entity';

/**
 * The life of a cross-border case, the same on both nodes:
 *
 *   referred ─accepted─▶ accepted ─return.scheduled─▶ return-scheduled ─arrival.confirmed─▶ arrived ─followup.report─▶ in-follow-up
 *      │                    │                               │  ▲                                                          │
 *      └─declined─▶ declined└─followup.report (no return)   └─arrival.missed─▶ arrival-missed (rescheduled, or arrived late)
 *
 * consent.withdrawn of `share-coded` leads from any open state to withdrawn (of `share-sealed` alone it keeps the
 * state); case.closed from any open state to closed. Declined, withdrawn and closed cases have ended (ENDED_STATES).
 */
export const CASE_STATES = [
  'referred',
  'accepted',
  'declined',
  'return-scheduled',
  'arrived',
  'arrival-missed',
  'in-follow-up',
  'withdrawn',
  'closed',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** States in which a case has ended: nothing in it waits for an answer, and retention periods count from then. */
export const ENDED_STATES: readonly CaseState[] = ['declined', 'withdrawn', 'closed'];
/** States in which a case is open: it has not ended. */
export const OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => !ENDED_STATES.includes(s));

/** Which side of the case a node is: the one that referred it (and chose its caseRef), or the one that received it. */
export type Side = 'referring' | 'receiving';

export const ourSide = (c: Pick<CaseFile, 'direction'>): Side => (c.direction === 'outgoing' ? 'referring' : 'receiving');
export const partnerSide = (c: Pick<CaseFile, 'direction'>): Side => (c.direction === 'outgoing' ? 'receiving' : 'referring');

/** A copy of a handover.request to the recipient's fallback, sent when acceptance is overdue, answers the original. */
export const isEscalationCopy = (type: string, inReplyTo: string | null | undefined): boolean => type === 'handover.request' && !!inReplyTo;

export type CaseMessageType = Exclude<MessageType, 'receipt' | 'registry.update'>;

interface Rule {
  /** Who may send it. */
  by: Side | 'either';
  /** States it may arrive in. */
  in: readonly CaseState[];
  /** The state it leads to; unchanged when absent. */
  to?: CaseState;
  /** Only for cases of these purposes. */
  purposes?: readonly Purpose[];
}

/**
 * Which message fits which state. Once a case has ended, nothing fits it but consent: the person may withdraw it while
 * anything shared under it exists — also when the withdrawal crosses the partner's closing or declining message — and
 * the receiving node confirms the purge (AFTER_THE_END lists them, for the README's table). Which withdrawal a
 * purge.confirmed answers, and whether a withdrawal withdraws anything not yet withdrawn, the lifecycle checks against
 * the case (`consentProblem`).
 */
const RULES: Record<CaseMessageType, Rule> = {
  'handover.request': { by: 'referring', in: [], to: 'referred' },
  'handover.accepted': { by: 'receiving', in: ['referred'], to: 'accepted' },
  'handover.declined': { by: 'receiving', in: ['referred'], to: 'declined' },
  'info.request': { by: 'either', in: OPEN_STATES },
  'info.response': { by: 'either', in: OPEN_STATES },
  'case.updated': { by: 'either', in: OPEN_STATES },
  'return.scheduled': { by: 'referring', in: ['accepted', 'return-scheduled', 'arrival-missed'], to: 'return-scheduled', purposes: ['return'] },
  'arrival.confirmed': { by: 'receiving', in: ['return-scheduled', 'arrival-missed'], to: 'arrived', purposes: ['return'] },
  'arrival.missed': { by: 'receiving', in: ['return-scheduled'], to: 'arrival-missed', purposes: ['return'] },
  'followup.report': { by: 'receiving', in: ['arrived', 'in-follow-up', 'accepted'], to: 'in-follow-up' },
  'consent.withdrawn': { by: 'referring', in: [...OPEN_STATES, 'declined', 'closed'], to: 'withdrawn' },
  'purge.confirmed': { by: 'receiving', in: CASE_STATES },
  'case.closed': { by: 'either', in: OPEN_STATES, to: 'closed' },
};

export const CASE_MESSAGE_TYPES = Object.keys(RULES) as CaseMessageType[];

/** What still fits a case that has ended, by state. */
export const AFTER_THE_END = Object.fromEntries(ENDED_STATES.map((state) => [state, CASE_MESSAGE_TYPES.filter((t) => RULES[t].in.includes(state))])) as Record<
  'declined' | 'withdrawn' | 'closed',
  CaseMessageType[]
>;

/** Whether a withdrawal of consent with this scope ends the case: withdrawing `share-coded` withdraws everything. */
export const withdrawsEverything = (scope: readonly string[]): boolean => scope.includes('share-coded');

/** What a withdrawal of consent with this scope purges, as purge.confirmed states it. */
export const purgedBy = (scope: readonly string[]): Array<'share-coded' | 'share-sealed'> =>
  withdrawsEverything(scope) ? ['share-coded', 'share-sealed'] : ['share-sealed'];

/**
 * Why a consent message does not fit the case's consent, or null: a withdrawal must withdraw something not withdrawn
 * yet; a purge.confirmed must answer a withdrawal of the case (`answered`: its scope, and whether it was confirmed
 * already) and state exactly what that withdrawal purges.
 */
export function consentProblem(
  type: CaseMessageType,
  body: unknown,
  consent: { withdrawnScope?: string[] } | null,
  answered?: { scope: string[]; confirmed: boolean } | null,
): string | null {
  if (type === 'consent.withdrawn') {
    const withdrawn = consent?.withdrawnScope ?? [];
    return purgedBy(scopeOf(body)).every((s) => withdrawn.includes(s)) ? `consent was withdrawn already (${withdrawn.join(', ')})` : null;
  }
  if (type === 'purge.confirmed') {
    if (!answered) return 'purge.confirmed must answer (inReplyTo) a consent.withdrawn of the case';
    if (answered.confirmed) return 'that withdrawal was confirmed already';
    const want = purgedBy(answered.scope);
    const said = scopeOf(body);
    if (said.length !== want.length || !want.every((s) => said.includes(s))) return `the withdrawal it answers purges ${want.join(', ')}`;
  }
  return null;
}

/**
 * What needs an answer, and what answers it: the one definition of "unanswered" for a role handover, what a retired
 * role passes to its successor, the inbox's `waiting` marker, the acceptance deadline and the `inReplyTo` the API
 * fills in. A request is answered by the case's acceptance or decline (a copy sent to a fallback too), a question by
 * a response to it; consent.withdrawn is answered by this node itself. Nothing waits in a case that has ended.
 */
export const ANSWERED_BY = {
  'handover.request': ['handover.accepted', 'handover.declined'],
  'info.request': ['info.response'],
  'consent.withdrawn': ['purge.confirmed'],
} as const satisfies Partial<Record<CaseMessageType, readonly CaseMessageType[]>>;
export type Question = keyof typeof ANSWERED_BY;

/** The kind of message `type` answers, or null when it answers nothing. */
export function questionAnswered(type: CaseMessageType): Question | null {
  for (const [question, answers] of Object.entries(ANSWERED_BY) as Array<[Question, readonly CaseMessageType[]]>) {
    if (answers.includes(type)) return question;
  }
  return null;
}

export const isCaseMessage = (type: string): type is CaseMessageType => Object.prototype.hasOwnProperty.call(RULES, type);

export type Transition = { ok: true; state: CaseState } | { ok: false; reason: string };

/**
 * Whether a message of `type`, sent by `by`, fits a case in `state`; and the state it leads to. A `copy` is a
 * handover.request sent again to the recipient's fallback because acceptance is overdue: it fits a case still referred.
 * `body` is the message's body where its effect depends on it (the scope of a consent.withdrawn).
 */
export function transition(
  state: CaseState | null,
  type: CaseMessageType,
  by: Side,
  purpose: Purpose | null,
  message: { copy?: boolean; body?: unknown } = {},
): Transition {
  const rule = RULES[type];
  if (rule.by !== 'either' && rule.by !== by) return { ok: false, reason: `${type} comes from the ${rule.by} side of a case` };
  if (state === null) {
    if (type !== 'handover.request' || message.copy) return { ok: false, reason: `there is no case yet: ${type} needs a handover.request first` };
    return { ok: true, state: 'referred' };
  }
  if (type === 'handover.request') {
    if (!message.copy) return { ok: false, reason: 'the case exists already' };
    return state === 'referred' ? { ok: true, state } : { ok: false, reason: `a copy of the request fits only a case still referred, not one ${state}` };
  }
  if (rule.purposes && purpose && !rule.purposes.includes(purpose))
    return { ok: false, reason: `${type} is only for cases of purpose ${rule.purposes.join(', ')}` };
  if (!rule.in.includes(state)) {
    return {
      ok: false,
      reason: ENDED_STATES.includes(state) ? `the case has ended (${state}): no ${type} after that` : `${type} does not fit a case that is ${state}`,
    };
  }
  if (type === 'consent.withdrawn' && !withdrawsEverything(scopeOf(message.body))) return { ok: true, state };
  return { ok: true, state: rule.to ?? state };
}

/** The scope of a consent.withdrawn body; one that names none is read as withdrawing everything. */
function scopeOf(body: unknown): string[] {
  const scope = (body as { scope?: unknown } | undefined)?.scope;
  return Array.isArray(scope) ? scope.filter((s): s is string => typeof s === 'string') : ['share-coded'];
}
