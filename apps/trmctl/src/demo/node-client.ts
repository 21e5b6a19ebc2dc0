import type { CaseMessageSubmitted, CaseView } from '../../../gateway/src/cases/dto/case-view.dto';
import type { OverdueItem } from '../../../gateway/src/cases/dto/case-pages.dto';
import type { HandoverSubmitted, HandoverView } from '../../../gateway/src/cases/dto/handover-view.dto';
import type { InboxItem } from '../../../gateway/src/cases/dto/inbox-page.dto';
import type { Page } from '../../../gateway/src/http/paging';
import type { LookupAnswer, RoleView } from '../../../gateway/src/directory/dto/directory-views.dto';
import { CliError } from '../errors';

// The node's HTTP API as the demo uses it; the shapes are the gateway's response DTOs.
export type { HandoverView, HandoverStatus } from '../../../gateway/src/cases/dto/handover-view.dto';
export type { CaseView, TimelineEntry } from '../../../gateway/src/cases/dto/case-view.dto';
export type { OverdueItem } from '../../../gateway/src/cases/dto/case-pages.dto';
export type { InboxItem } from '../../../gateway/src/cases/dto/inbox-page.dto';

/** A JSON client for one node's HTTP API; errors name the node and the call, never the request body. */
export class NodeClient {
  constructor(
    readonly node: string,
    readonly url: string,
    /** Bearer token of the caller (the demo acts as each node's coordinator). */
    private readonly token: string,
  ) {}

  submitHandover(request: { sender: string; recipient: string; body: unknown }): Promise<HandoverSubmitted> {
    return this.call<HandoverSubmitted>('POST', '/v1/handovers', request, 202);
  }

  handover(id: string): Promise<HandoverView> {
    return this.call<HandoverView>('GET', `/v1/handovers/${encodeURIComponent(id)}`);
  }

  /** What arrived at the node, newest first, every page. */
  inbox(): Promise<InboxItem[]> {
    return this.everyPage<InboxItem>('/v1/inbox?limit=500');
  }

  /** GET /v1/directory: who handles what, across every node this node knows. */
  directory(query: Record<string, string> = {}): Promise<LookupAnswer> {
    return this.call<LookupAnswer>('GET', `/v1/directory?${new URLSearchParams(query).toString()}`);
  }

  /** GET /v1/roles/{org}/{role}: one of the node's own roles, with its functional channels. */
  role(address: string): Promise<RoleView> {
    const [, org, role] = address.split('/');
    return this.call<RoleView>('GET', `/v1/roles/${encodeURIComponent(org)}/${encodeURIComponent(role)}`);
  }

  sendCaseMessage(caseRef: string, message: { type: string; body: unknown; sender?: string }): Promise<CaseMessageSubmitted> {
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
    for (let cursor: string | null = null; ;) {
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
