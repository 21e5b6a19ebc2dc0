import type { CaseView } from '../../../gateway/src/cases/case-views.service';
import type { OverdueItem } from '../../../gateway/src/cases/dto/case-pages.dto';
import type { InboxItem } from '../../../gateway/src/cases/dto/inbox-page.dto';
import type { HandoverStatus, HandoverView } from '../../../gateway/src/cases/handover.service';
import type { Page } from '../../../gateway/src/http/paging';
import type { LookupMatch } from '../../../gateway/src/directory/lookup.service';
import { CliError } from '../errors';

// The node's HTTP API as the demo uses it; the shapes are the gateway's own.
export type { HandoverView, HandoverStatus } from '../../../gateway/src/cases/handover.service';
export type { CaseView } from '../../../gateway/src/cases/case-views.service';
export type { OverdueItem } from '../../../gateway/src/cases/dto/case-pages.dto';
export type { InboxItem } from '../../../gateway/src/cases/dto/inbox-page.dto';
export type { TimelineEntry } from '../../../gateway/src/message-log/timelines';

export interface DirectoryAnswer {
  matches: LookupMatch[];
  sources: Array<{ node: string; version: number | null }>;
}

export interface Submitted {
  id: string;
  caseRef: string;
  status: HandoverStatus;
}

/** A JSON client for one node's HTTP API; errors name the node and the call, never the request body. */
export class NodeClient {
  constructor(
    readonly node: string,
    readonly url: string,
    /** Bearer token of the caller (the demo acts as each node's coordinator). */
    private readonly token: string,
  ) {}

  submitHandover(request: { sender: string; recipient: string; body: unknown }): Promise<Submitted> {
    return this.call<Submitted>('POST', '/v1/handovers', request, 202);
  }

  handover(id: string): Promise<HandoverView> {
    return this.call<HandoverView>('GET', `/v1/handovers/${encodeURIComponent(id)}`);
  }

  /** What arrived at the node, newest first, every page. */
  inbox(): Promise<InboxItem[]> {
    return this.everyPage<InboxItem>('/v1/inbox?limit=500');
  }

  /** GET /v1/directory: who handles what, across every node this node knows. */
  directory(query: Record<string, string> = {}): Promise<DirectoryAnswer> {
    return this.call<DirectoryAnswer>('GET', `/v1/directory?${new URLSearchParams(query)}`);
  }

  sendCaseMessage(caseRef: string, message: { type: string; body: unknown; sender?: string }): Promise<{ id: string }> {
    return this.call('POST', `/v1/cases/${encodeURIComponent(caseRef)}/messages`, message, 202);
  }

  addParticipant(caseRef: string, role: string): Promise<CaseView> {
    return this.call('POST', `/v1/cases/${encodeURIComponent(caseRef)}/participants`, { role });
  }

  caseView(caseRef: string): Promise<CaseView> {
    return this.call('GET', `/v1/cases/${encodeURIComponent(caseRef)}`);
  }

  overdue(): Promise<OverdueItem[]> {
    return this.everyPage<OverdueItem>('/v1/overdue?limit=500');
  }

  /** The items of a list, page after page until `next` is null. */
  private async everyPage<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    for (let cursor: string | null = null; ; ) {
      const page: Page<T> = await this.call<Page<T>>('GET', cursor === null ? path : `${path}&cursor=${encodeURIComponent(cursor)}`);
      items.push(...page.items);
      if (page.next === null) return items;
      cursor = page.next;
    }
  }

  private async call<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const what = `${method} ${path.split('?')[0]} on ${this.node} (${this.url})`;
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new CliError(`${what} failed: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (res.status !== expected) throw new CliError(`${what} answered ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
}
