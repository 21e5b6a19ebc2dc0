import type { MessageType } from '@trm/wire';
import type { NoticeDeadline } from '../notice-event';

/**
 * The words of a notice mail in one language. Message types and deadline kinds are the console's own words
 * (apps/console/src/i18n/locales/<lng>/codes.json), so a mail and the page it links to say the same.
 * Addresses, caseRefs, node ids and dates come in already written; `roles` is one or more addresses with their titles.
 */
export interface MailTexts {
  /** The language's own name, heading its part of the mail. */
  name: string;
  /** The BCP 47 tag dates, relative times and plurals are written with. */
  locale: string;
  messageType: Record<MessageType, string>;
  deadlineKind: Record<NoticeDeadline['kind'], string>;
  /** Who owes the deadline, as a sentence. */
  owedBy: Record<NoticeDeadline['owedBy'], string>;

  /**
   * "3 notices", in the form Intl.PluralRules gives for `locale`: `one`, or `other` for every other form (none of these
   * languages needs a third for this word).
   */
  noticeCount: { one: (count: number) => string; other: (count: number) => string };
  /** Opens a mail of one notice. */
  notice: (node: string, roles: string) => string;
  /** Opens a mail of several; `count` is written by `noticeCount`. */
  notices: (count: string, node: string, roles: string) => string;
  /** The subject of a mail of several notices. */
  digest: (count: string, roles: string) => string;

  /** Headlines, which are also the subject of a mail of one notice. */
  caseRef: (caseRef: string) => string;
  messageFor: (messageType: string, role: string) => string;
  /** `when` is relative, as Intl.RelativeTimeFormat writes it: "in 12 hours". */
  deadlineIn: (when: string, kind: string) => string;
  deadlineMissed: (kind: string) => string;
  roleHandedOver: (role: string) => string;
  roleRetired: (role: string) => string;

  /** Why this mailbox hears of it, when it is not simply the role addressed. */
  why: {
    fallback: (vacant: string) => string;
    successor: (retired: string) => string;
    coordinator: (node: string) => string;
    handedOver: string;
    retired: string;
    /** Said to the successor of a retired role. */
    inherited: string;
  };

  label: {
    partner: string;
    deadline: string;
    successor: string;
    openCases: string;
    unansweredMessages: string;
    link: string;
  };
  /** Ends each language's part: nothing personal here, the case is read in the console. */
  closing: string;
}
