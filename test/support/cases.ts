import { Envelope, HandoverRequestBody, SealedPersonalData, createEnvelope } from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { sampleReturnHandover } from '../../apps/trmctl/src/local';
import { TimelineEntry } from '../../apps/gateway/src/message-log/timelines';
import { NodeConfig } from '../../apps/gateway/src/config/node-config';
import { DeadlineWatch } from '../../apps/gateway/src/cases/deadline-watch';
import { DAY_MS, ManualClock } from './clock';
import { call, eventually } from './http';
import { TestNetwork } from './network';
import { HandPartner } from './partner';

/** The roles the case tests use: each node's coordinator (config/directory), RS's intake and the fallback it publishes. */
export const AT_COORDINATOR = 'AT/bmi-thb/coordination';
export const RS_INTAKE = 'RS/cptv/intake';
/** RS's directory names its intake as the node's coordinator. */
export const RS_COORDINATOR = RS_INTAKE;
export const RS_FALLBACK = 'RS/cptv/duty';
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/**
 * Deadlines are checked only when a test calls `runOnce()` (the timer is set beyond any test's length), and roles do
 * not turn "unconfirmed" while a test moves the clock by months.
 */
export function handDeadlines(config: NodeConfig): void {
  config.deadlines.checkIntervalMs = 1_000_000_000;
  config.registry.unconfirmedAfterMs = 10 * 365 * DAY_MS;
}

/** `YYYY-MM-DD` of `date` plus `days`. */
export const isoDay = (date: Date, days = 0): string => new Date(date.getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** Valid bodies of every case message (docs/asyncapi.yaml), dated by `now` where they carry a time. */
export const bodies = {
  accepted: (role = RS_INTAKE) => ({ role, services: ['shelter', 'psychosocial'] }),
  declined: () => ({ reason: 'no-capacity', redirectTo: 'RS/astra/return-support' }),
  infoRequest: () => ({ topics: ['documents', 'travel-arrangements'] }),
  infoResponse: () => ({
    answers: [
      { topic: 'documents', status: 'provided' },
      { topic: 'travel-arrangements', status: 'not-applicable' },
    ],
    documents: 'valid',
  }),
  scheduled: (date: string) => ({ date, time: '14:30', transport: 'air', arrivalPoint: { kind: 'airport', code: 'BEG' }, escort: true, metBy: RS_INTAKE }),
  arrived: (at: Date) => ({ arrivedAt: at.toISOString(), metBy: RS_INTAKE, immediateNeeds: ['shelter'] }),
  missed: () => ({ reason: 'travel-delayed' }),
  report: (period = 1, nextReportDue?: string) => ({ period, status: 'with-family', services: ['psychosocial'], ...(nextReportDue ? { nextReportDue } : {}) }),
  updated: () => ({ changes: { needs: ['shelter', 'legal', 'documents'] } }),
  withdrawn: (at: Date) => ({ withdrawnAt: at.toISOString(), scope: ['share-coded', 'share-sealed'] }),
  closed: () => ({ reason: 'reintegrated' }),
};

/** `body` with consent to share sealed personal data as well as the coded facts. */
export const withSealedConsent = (body: HandoverRequestBody): HandoverRequestBody => ({
  ...body,
  consent: { ...body.consent, scope: ['share-coded', 'share-sealed'] },
});

/** A referral (not a return): no plannedReturn. */
export function referralHandover(now: Date): { sender: string; recipient: string; body: HandoverRequestBody } {
  const sample = sampleReturnHandover(now);
  const { plannedReturn: _none, ...rest } = sample.body;
  return { ...sample, body: { ...rest, purpose: 'referral' } };
}

export interface OutboundOutcome {
  state: string;
  reject_reason: string | null;
}

export type { TimelineEntry };

/** A case's deadlines as stored on one node, oldest first. */
export interface ExpectationRow {
  kind: string;
  owed_by: string;
  status: string;
  due_at: Date;
  next_escalation_at: Date | null;
  escalation_step: number;
  settled_by: string | null;
}

/** The steps of a case through both nodes' APIs, and what each node stored of it. */
export class CaseSteps {
  constructor(
    private readonly net: TestNetwork,
    private readonly clock: ManualClock,
  ) {}

  url(node: string): string {
    return this.net.node(node).url;
  }

  /** Opens a case on AT (a return to RS's intake unless `request` says otherwise) and waits until RS receipted it. */
  async open(
    request: Partial<{ sender: string; recipient: string; body: HandoverRequestBody; sealed: SealedPersonalData }> = {},
  ): Promise<{ id: string; caseRef: string }> {
    const r = await call(this.url('AT'), 'POST', '/v1/handovers', { ...sampleReturnHandover(this.clock.now()), ...request });
    if (r.status !== 202) throw new Error(`POST /v1/handovers answered ${r.status}: ${JSON.stringify(r.body)}`);
    const outcome = await this.outcome('AT', r.body.id);
    if (outcome.state !== 'delivered') throw new Error(`handover ${r.body.id} was ${outcome.state} (${outcome.reject_reason})`);
    return { id: r.body.id, caseRef: r.body.caseRef };
  }

  /** Submits a case message through `node`'s API; it must be taken (202). Returns its id. */
  async submit(node: string, caseRef: string, type: string, body: unknown, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await call(this.url(node), 'POST', `/v1/cases/${caseRef}/messages`, { type, body, ...extra });
    if (r.status !== 202) throw new Error(`${node} ${type} for ${caseRef} answered ${r.status}: ${JSON.stringify(r.body)}`);
    expect(r.body).toEqual({ id: expect.any(String), caseRef, type, status: 'submitted' });
    return r.body.id;
  }

  /** Submits a case message and waits for the partner's receipt; it must say delivered. Returns its id. */
  async deliver(node: string, caseRef: string, type: string, body: unknown, extra: Record<string, unknown> = {}): Promise<string> {
    const id = await this.submit(node, caseRef, type, body, extra);
    expect({ type, ...(await this.outcome(node, id)) }).toEqual({ type, state: 'delivered', reject_reason: null });
    return id;
  }

  /** The status and body of `node`'s answer to a message that must be refused. */
  async attempt(node: string, caseRef: string, type: string, body: unknown, extra: Record<string, unknown> = {}) {
    return call(this.url(node), 'POST', `/v1/cases/${caseRef}/messages`, { type, body, ...extra });
  }

  /** Waits until the partner settled `node`'s message `id` (a receipt came back) and returns how. */
  outcome(node: string, id: string): Promise<OutboundOutcome> {
    return eventually(
      async () => {
        const [row] = await this.net.sql<OutboundOutcome>(node, 'SELECT state, reject_reason FROM outbound_message WHERE id = $1', [id]);
        return row && row.state !== 'queued' && row.state !== 'sent' ? row : undefined;
      },
      20_000,
      `${node}'s message ${id} to be receipted`,
    );
  }

  /** Waits until `node`'s message `id` left (the partner's broker confirmed it) without being receipted yet. */
  async published(node: string, id: string): Promise<void> {
    await eventually(
      async () =>
        (await this.net.sql<{ state: string }>(node, 'SELECT state FROM outbound_message WHERE id = $1', [id]))[0]?.state === 'sent' ? true : undefined,
      20_000,
      `${node}'s message ${id} to be published`,
    );
  }

  async view(
    node: string,
    caseRef: string,
  ): Promise<{ state: string; side: string; ourRole: string; partnerRole: string; participants: string[]; timeline: TimelineEntry[] }> {
    const r = await call(this.url(node), 'GET', `/v1/cases/${caseRef}`);
    if (r.status !== 200) throw new Error(`GET /v1/cases/${caseRef} on ${node} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** The case's state on AT and on RS. */
  async states(caseRef: string): Promise<{ AT: string; RS: string }> {
    return { AT: (await this.view('AT', caseRef)).state, RS: (await this.view('RS', caseRef)).state };
  }

  expectations(node: string, caseRef: string): Promise<ExpectationRow[]> {
    return this.net.sql<ExpectationRow>(
      node,
      `SELECT kind, owed_by, status, due_at, next_escalation_at, escalation_step, settled_by FROM expectation WHERE case_ref = $1 ORDER BY created_at, due_at`,
      [caseRef],
    );
  }

  escalations(node: string, caseRef: string): Promise<Array<{ action: string; target: string; step: number; message_id: string | null }>> {
    return this.net.sql(node, 'SELECT action, target, step, message_id FROM escalation WHERE case_ref = $1 ORDER BY action, target', [caseRef]);
  }

  /** What `node` received for the case (receipts aside), in the order the partner created it. */
  received(
    node: string,
    caseRef: string,
  ): Promise<Array<{ id: string; type: string; status: string; reject_reason: string | null; in_reply_to: string | null }>> {
    return this.net.sql(
      node,
      `SELECT id, type, status, reject_reason, in_reply_to FROM inbound_message WHERE case_ref = $1 AND type <> 'receipt' ORDER BY created_at, received_at`,
      [caseRef],
    );
  }

  /** GET /v1/overdue on `node`, only the items of `caseRef`. */
  async overdue(node: string, caseRef: string): Promise<any[]> {
    const r = await call(this.url(node), 'GET', '/v1/overdue');
    expect(r.status).toBe(200);
    return r.body.items.filter((i: { caseRef: string }) => i.caseRef === caseRef);
  }

  /** Escalates on `node` what is due at its clock now; returns how many deadlines it escalated. */
  runOnce(node: string): Promise<number> {
    return this.net.node(node).app!.get(DeadlineWatch).runOnce();
  }
}

/** A case message from `from` to `to` for HandPartner to send, signed with `from`'s keys and dated by `now`. */
export function caseEnvelope(from: string, to: string, caseRef: string, type: string, body: unknown, now: Date, overrides: Partial<Envelope> = {}): Envelope {
  const roles: Record<string, string> = { AT: AT_COORDINATOR, RS: RS_INTAKE };
  return createEnvelope<unknown>({
    id: randomUUID(),
    type: type as Envelope['type'],
    from,
    to,
    sender: roles[from],
    recipient: roles[to],
    caseRef,
    createdAt: now.toISOString(),
    body,
    ...overrides,
  });
}

/** Plays `from` by hand towards a running `to`; `from`'s own gateway must be stopped (the receipts come to its queue). */
export async function withHandPartner<T>(net: TestNetwork, from: string, to: string, work: (partner: HandPartner) => Promise<T>): Promise<T> {
  const partner = await new HandPartner(net, from, to).open();
  try {
    return await work(partner);
  } finally {
    await partner.close();
  }
}

/**
 * A timeline as the instants it went through: the events of each instant, sorted. A manual clock stands still while
 * a step runs, so events of one step share their instant and only the order of instants is meaningful.
 */
export function instants(timeline: TimelineEntry[]): Array<{ at: string; events: string[] }> {
  const out: Array<{ at: string; events: string[] }> = [];
  for (const e of timeline) {
    const last = out[out.length - 1];
    if (last && last.at === e.at) last.events.push(e.event);
    else out.push({ at: e.at, events: [e.event] });
  }
  return out.map((i) => ({ at: i.at, events: [...i.events].sort() }));
}

/**
 * AT and RS started on one manual clock with deadlines checked by hand (and `tune` applied after), once both hold
 * each other's directory.
 */
export async function startCaseNodes(
  clock: ManualClock,
  tune: (config: NodeConfig) => void = () => undefined,
): Promise<{ net: TestNetwork; steps: CaseSteps }> {
  const net = await TestNetwork.create(['AT', 'RS'], {
    clocks: { AT: clock, RS: clock },
    tune: (config) => {
      handDeadlines(config);
      tune(config);
    },
  });
  await net.start('AT');
  await net.start('RS');
  await net.converged();
  return { net, steps: new CaseSteps(net, clock) };
}
