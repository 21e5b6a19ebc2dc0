import { MessageType } from '@trm/wire';
import { consoleLink } from '../notice-links';
import { MailNotice } from '../notice.entity';
import { MAIL_TEXTS, mailLanguages } from './mail-languages';
import { MailTexts } from './mail-texts';

/** What a mail needs besides its notices. */
export interface MailContext {
  node: string;
  /** The node's time zone: deadlines are written as times there. */
  timeZone: string;
  consoleUrl: string;
  /** The title of one of the node's roles, as the directory has it. */
  roleTitle: (address: string) => string | null;
  now: Date;
}

export interface ComposedMail {
  subject: string;
  text: string;
}

const MINUTE_MS = 60_000;

/**
 * The mail for one or more notices to one mailbox: node, role, caseRef, message type, deadline and a console link, in
 * the role's languages (at most three, else English), each under its own name — codes and ids only, never a body field
 * or sealed data. The subject is in the first of those languages.
 */
export function composeMail(notices: MailNotice[], ctx: MailContext): ComposedMail {
  const languages = mailLanguages(notices.flatMap((n) => n.languages)).map((l) => MAIL_TEXTS[l]);
  const roles = [...new Set(notices.map((n) => n.role))];
  const t = languages[0];
  const subject = notices.length === 1 ? headline(t, notices[0], ctx) : t.digest(noticeCount(t, notices.length), roles.join(', '));
  return {
    subject: `[TRM ${ctx.node}] ${subject}`,
    text: `${languages.map((l) => section(l, notices, roles, ctx)).join('\n\n\n')}\n`,
  };
}

/** One language's part: its name, what the mail is, each notice, and the closing line. */
function section(t: MailTexts, notices: MailNotice[], roles: string[], ctx: MailContext): string {
  const who = roles.map((r) => named(r, ctx)).join(', ');
  const single = notices.length === 1;
  const blocks = notices.map((n, i) => {
    const lines = block(t, n, ctx);
    if (single) return lines.join('\n');
    const number = `${i + 1}. `;
    return lines.map((line, j) => (j ? ' '.repeat(number.length) : number) + line).join('\n');
  });
  return [
    `${t.name}\n${'='.repeat(t.name.length)}`,
    single ? t.notice(ctx.node, who) : t.notices(noticeCount(t, notices.length), ctx.node, who),
    ...blocks,
    t.closing,
  ].join('\n\n');
}

/** What one notice says: its headline, why this mailbox hears of it, the deadline and partner, and the console link. */
function block(t: MailTexts, n: MailNotice, ctx: MailContext): string[] {
  const { reason, about, via, partner, deadline, transfer } = n.detail;
  const lines = [headline(t, n, ctx)];
  if (about && reason === 'fallback') lines.push(t.why.fallback(named(via ?? about, ctx)));
  if (about && reason === 'successor') lines.push(t.why.successor(named(via ?? about, ctx)));
  if (reason === 'coordinator') lines.push(t.why.coordinator(ctx.node));
  if (partner) lines.push(`${t.label.partner}: ${partner}`);
  if (deadline && n.dueAt) lines.push(`${t.label.deadline}: ${t.deadlineKind[deadline.kind]} — ${dateIn(t, n.dueAt, ctx.timeZone)}`, t.owedBy[deadline.owedBy]);
  if (transfer) {
    if (reason === 'handed-over') lines.push(t.why.handedOver);
    if (reason === 'retired') lines.push(t.why.retired);
    if (reason === 'successor') lines.push(t.why.successor(named(transfer.role, ctx)), t.why.inherited);
    if (transfer.successor && reason !== 'successor') lines.push(`${t.label.successor}: ${named(transfer.successor, ctx)}`);
    lines.push(`${t.label.openCases}: ${transfer.openCases}`, `${t.label.unansweredMessages}: ${transfer.unansweredMessages}`);
  }
  lines.push(`${t.label.link}: ${consoleLink(ctx.consoleUrl, n)}`);
  return lines;
}

/** The notice in one line: the subject of a mail of one notice, the first line of its block. */
function headline(t: MailTexts, n: MailNotice, ctx: MailContext): string {
  const line = what(t, n, ctx);
  return n.caseRef ? `${line} — ${t.caseRef(n.caseRef)}` : line;
}

/** What happened. A message notice has its type, a deadline notice its deadline, a role notice its transfer (Notices records them so). */
function what(t: MailTexts, n: MailNotice, ctx: MailContext): string {
  const { about, deadline, transfer } = n.detail;
  switch (n.event) {
    case 'message.arrived':
      return t.messageFor(messageTypeIn(t, n.messageType!), about ?? n.role);
    case 'deadline.near':
      return t.deadlineIn(relativeIn(t, n.dueAt!, ctx.now), t.deadlineKind[deadline!.kind]);
    case 'deadline.missed':
      return t.deadlineMissed(t.deadlineKind[deadline!.kind]);
    case 'role.handed-over':
      return transfer!.kind === 'deactivation' ? t.roleRetired(transfer!.role) : t.roleHandedOver(transfer!.role);
  }
}

/** An address with its title, when the directory gives one: "RS/cptv/intake (Intake and assessment)". */
function named(address: string, ctx: MailContext): string {
  const title = ctx.roleTitle(address);
  return title ? `${address} (${title})` : address;
}

const noticeCount = (t: MailTexts, count: number): string =>
  new Intl.PluralRules(t.locale).select(count) === 'one' ? t.noticeCount.one(count) : t.noticeCount.other(count);

/** A message type's words; a type this node does not know (a newer profile's) as its code. */
const messageTypeIn = (t: MailTexts, type: string): string => (Object.hasOwn(t.messageType, type) ? t.messageType[type as MessageType] : type);

/** A moment as people of the node read it: "14 May 2026 at 14:00 (Europe/Belgrade)"; 24-hour in every language, not to be misread. */
function dateIn(t: MailTexts, at: Date, timeZone: string): string {
  return `${new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeStyle: 'short', hourCycle: 'h23', timeZone }).format(at)} (${timeZone})`;
}

/** How far off a moment is: "in 40 minutes", "in 12 hours", "in 3 days". */
function relativeIn(t: MailTexts, at: Date, now: Date): string {
  const format = new Intl.RelativeTimeFormat(t.locale, { numeric: 'always' });
  const minutes = Math.round((at.getTime() - now.getTime()) / MINUTE_MS);
  if (Math.abs(minutes) < 90) return format.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  return Math.abs(hours) < 48 ? format.format(hours, 'hour') : format.format(Math.round(hours / 24), 'day');
}
