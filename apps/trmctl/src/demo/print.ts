import type { ReceivedMail } from '../local/mail-catcher';
import { HandoverView, InboxItem, TimelineEntry } from './node-client';
import { ReceiptCheck } from './receipt-check';

/** HH:MM:SS.mmm in UTC, so both nodes' events line up whatever the local time zone. */
export const clock = (iso: string): string => new Date(iso).toISOString().slice(11, 23);

/** Timeline details worth showing; they are codes and ids only. */
const DETAILS = ['attempt', 'attempts', 'receipt', 'reason', 'type', 'from', 'error'] as const;

export function eventLine(entry: TimelineEntry): string {
  const details = DETAILS.filter((k) => entry[k] !== undefined && entry[k] !== null).map((k) => `${k} ${String(entry[k])}`);
  return `    ${clock(entry.at)}  ${entry.event.padEnd(16)}${details.join(', ')}`.trimEnd();
}

/** Who sent what to whom, with the coded purpose only: nothing from the body that could point to the person. */
export function handoverHeader(view: HandoverView): string[] {
  const person = view.body?.person;
  const coded = [person?.ageGroup, person?.sex && `sex ${person.sex}`].filter(Boolean).join(', ');
  return [
    `Case ${view.caseRef}: handover.request ${view.id}`,
    `  from ${view.sender}`,
    `  to   ${view.recipient}`,
    `  purpose ${view.purpose}${coded ? ` (${coded})` : ''}; status ${view.status}${view.reason ? ` (${view.reason})` : ''}`,
  ];
}

export function timelineBlock(title: string, entries: TimelineEntry[]): string[] {
  return [`  ${title}, times UTC:`, ...(entries.length ? entries.map(eventLine) : ['    (no events)'])];
}

export function inboxBlock(node: string, items: InboxItem[]): string[] {
  const lines = items.map((i) => `    ${clock(i.receivedAt)}  ${i.type} from ${i.sender} to ${i.recipient}: ${i.status}${i.reason ? ` (${i.reason})` : ''}`);
  return [`  ${node} inbox for this case:`, ...(lines.length ? lines : ['    (nothing)'])];
}

export function receiptLine(check: ReceiptCheck, partner: string): string {
  if (!check.ok) return `Receipt NOT verified: ${check.problem}`;
  const outcome = check.status === 'delivered' ? 'delivered' : `rejected (${check.reason ?? 'no reason'})`;
  return `Receipt verified: signed by ${check.kid}, digest ${check.digest} matches the request; ${partner} says ${outcome}`;
}

const MAIL_INDENT = ' '.repeat(18);

/** One mail as the demo's catcher received it: when, to which mailbox, from which node, its subject and text. */
export function mailLines(mail: ReceivedMail): string[] {
  return [
    `    ${clock(mail.receivedAt.toISOString())}  To: ${mail.to.join(', ')}`,
    `${MAIL_INDENT}From: ${mail.from}`,
    `${MAIL_INDENT}Subject: ${mail.subject}`,
    ...mail.text
      .trimEnd()
      .split('\n')
      .map((line) => `${MAIL_INDENT}  ${line}`.trimEnd()),
  ];
}

export function mailBlock(title: string, mails: ReceivedMail[]): string[] {
  return [`  ${title}, times UTC:`, ...(mails.length ? mails.flatMap((m, i) => [...(i ? [''] : []), ...mailLines(m)]) : ['    (none)'])];
}
