import type { CaseView, OverdueItem } from '../../../gateway/src/handover/cases.service';
import type { HandoverStatus, HandoverView, InboxItem } from '../../../gateway/src/handover/handover.service';
import type { LookupMatch } from '../../../gateway/src/registry/lookup.service';
import { CliError } from '../errors';

// The node's HTTP API as the demo uses it; the shapes are the gateway's own.
export type { HandoverView, InboxItem, HandoverStatus } from '../../../gateway/src/handover/handover.service';
export type { CaseView, OverdueItem } from '../../../gateway/src/handover/cases.service';
export type { TimelineEntry } from '../../../gateway/src/acknowledgement/timelines';

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

  async inbox(): Promise<InboxItem[]> {
    return (await this.call<{ items: InboxItem[] }>('GET', '/v1/inbox?limit=500')).items;
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

  async overdue(): Promise<OverdueItem[]> {
    return (await this.call<{ items: OverdueItem[] }>('GET', '/v1/overdue')).items;
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
