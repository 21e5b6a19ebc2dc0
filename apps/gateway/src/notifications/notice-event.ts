import type { NoticeType } from '../config/node-config';

/**
 * Why a role hears of an event: a message is addressed to it; addressed to a vacant role whose fallback it is, or to
 * a retired role it succeeds (`about` names that role); it owes a deadline; it is the node's coordinator, alerted
 * when a deadline passes; it was handed to a new holder; it was retired; it was named a retired role's successor.
 */
export type NoticeReason = 'addressed' | 'fallback' | 'successor' | 'owes' | 'coordinator' | 'handed-over' | 'retired';

/** A deadline of profile section 9, as a notice names it. */
export interface NoticeDeadline {
  kind: 'acceptance' | 'arrival' | 'followup';
  dueAt: Date;
  /** Who owes the answer: this node or the partner. */
  owedBy: 'us' | 'partner';
}

/** A role passed on: to a new holder (`handover`) or, retired, to its successor (`deactivation`). */
export interface NoticeTransfer {
  id: string;
  kind: 'handover' | 'deactivation';
  role: string;
  successor: string | null;
  openCases: number;
  unansweredMessages: number;
}

/** Something that happened which roles of this node and systems behind it should hear of. Codes and ids only. */
export interface NoticeEvent {
  type: NoticeType;
  /** Names the event: recorded twice (a retried transaction, a second replica), it is still one notice per recipient. */
  key: string;
  at: Date;
  caseRef: string | null;
  messageId: string | null;
  messageType: string | null;
  /** The partner node it came from or concerns. */
  partner: string | null;
  deadline: NoticeDeadline | null;
  transfer: NoticeTransfer | null;
  /**
   * The roles it is for. A notice for a vacant role goes to its fallback, one for a retired role to its successor,
   * as its messages do; `asIs` keeps it with the role named (a retired role hears of its own retirement).
   */
  for: Array<{ role: string; reason: NoticeReason; asIs?: boolean }>;
}

/** What a mail notice keeps of its event besides the columns: why its role hears of it, and the details it names. */
export interface NoticeDetail {
  reason: NoticeReason;
  /** The role the event was for, when the notice went to its fallback or successor instead. */
  about?: string;
  /** Along a chain (a vacant role's fallback, itself vacant), the role whose fallback or successor this one is. */
  via?: string;
  partner?: string;
  deadline?: { kind: NoticeDeadline['kind']; owedBy: NoticeDeadline['owedBy'] };
  transfer?: NoticeTransfer;
}
