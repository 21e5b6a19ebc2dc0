import type { Schemas } from '../../api/client';

/*
 * What the console reads from a case beyond what the generated schema types today. Branch `gatewayapi` adds
 * `CaseView.actions` and real timeline schemas; once merged, replace these with the schema's types.
 */

/** The message types a person sends on a case (POST /v1/cases/:caseRef/messages). */
export type SendableType = Schemas['SendCaseMessageDto']['type'];

/** What a caller may do on a case: send one of these messages, tell another role of this node, open the sealed details. */
export type CaseAction = SendableType | 'addParticipant' | 'openSealed';

/** The consent recorded with the case (apps/gateway/src/cases/case-file.entity.ts `CaseConsent`). */
export interface CaseConsent {
  given: true;
  by: 'person' | 'guardian';
  recordedAt: string;
  scope: string[];
  withdrawnAt?: string;
  withdrawnScope?: string[];
}

/**
 * One line of a case's timeline (case-views.service.ts `view`): `event` is e.g. `sent handover.accepted`,
 * `receipt delivered for handover.accepted`, `received info.request`, `deadline set: acceptance`,
 * `deadline met late: arrival`, `deadline missed: followup`, `escalated: alert`, `participant added`.
 */
export interface TimelineEntry {
  at: string;
  event: string;
  message?: string;
  direction?: 'in' | 'out';
  from?: string;
  to?: string;
  inReplyTo?: string;
  routedTo?: string;
  /** Outbound: the receipt's id; inbound: `delivered` or `rejected (<reason>)`. */
  receipt?: string;
  reason?: string;
  type?: string;
  owedBy?: 'us' | 'partner';
  dueAt?: string;
  by?: string;
  kind?: string;
  target?: string;
  role?: string;
}

export type CaseSummary = Omit<Schemas['CaseSummary'], 'consent'> & { consent: CaseConsent | null };

export type CaseView = Omit<Schemas['CaseView'], 'consent' | 'timeline'> & {
  consent: CaseConsent | null;
  timeline: TimelineEntry[];
  /** From branch gatewayapi: what the caller may do now. Absent until it lands. */
  actions?: CaseAction[];
};

export const asCaseView = (data: Schemas['CaseView']): CaseView => data as unknown as CaseView;

/**
 * The actions the API says the caller may take now. Until `CaseView.actions` is in the schema, the console derives
 * nothing itself: a view without it offers no action (swap this function's body for `view.actions` once merged).
 */
export function actionsOf(view: CaseView): CaseAction[] {
  return view.actions ?? [];
}

/** States in which a case takes no more case work (AFTER_THE_END), for a quieter look. */
export const ENDED_STATES = ['declined', 'withdrawn', 'closed'] as const;
