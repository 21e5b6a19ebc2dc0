import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '../../http/paging';

/** One message that arrived: rejected ones show their reason, never their body; auditors see no bodies. */
export class InboxItem {
  id!: string;
  type!: string;
  from!: string;
  sender!: string;
  recipient!: string;
  /** The role the message waits with now, when not its recipient: a vacant recipient's fallback, a retired one's successor. */
  routedTo!: string | null;
  caseRef!: string;
  /** The message this one answers, if any. */
  inReplyTo!: string | null;
  createdAt!: string;
  receivedAt!: string;
  status!: 'delivered' | 'rejected';
  /** It asks this node for an answer nobody has sent yet (a request not accepted or declined, a question not answered). */
  waiting!: boolean;
  /**
   * When the answer this node owes for it is due (the acceptance deadline of a handover.request, the arrival deadline
   * of a return.scheduled, ...), from the case's deadlines still open or missed; null when it owes none.
   */
  dueAt!: string | null;
  reason?: string;
  /** The message's body as docs/asyncapi.yaml defines it for its type; only for whoever works on it, delivered ones only. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  body?: unknown;
}

/** What arrived, newest first. */
export class InboxPage extends PageOf(InboxItem) {}
