import { consoleLink } from '../notice-links';
import { MailNotice } from '../notice.entity';

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

/**
 * The mail for one or more notices to one mailbox: node, caseRef, message type, deadline and a console link, in the
 * role's languages — codes and ids only, never a body field or sealed data.
 */
export function composeMail(notices: MailNotice[], ctx: MailContext): ComposedMail {
  const lines = notices.map(
    (n) =>
      `${n.event} for ${n.role}${n.caseRef ? `, case ${n.caseRef}` : ''}${n.messageType ? `, ${n.messageType}` : ''}${
        n.dueAt ? `, due ${n.dueAt.toISOString()}` : ''
      }: ${consoleLink(ctx.consoleUrl, n)}`,
  );
  const first = notices[0];
  const subject =
    notices.length > 1 ? `[TRM ${ctx.node}] ${notices.length} notices for ${first.role}` : `[TRM ${ctx.node}] ${first.event} ${first.caseRef ?? ''}`.trim();
  return { subject, text: lines.join('\n') };
}
