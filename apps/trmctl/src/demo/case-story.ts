import { CliError } from '../errors';
import { CaseView, NodeClient } from './node-client';
import { clock } from './print';

type Out = (line: string) => void;

const WAIT_MS = 30_000;

/** Polls a node until `probe` holds; fails naming what was awaited. */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new CliError(`${what} did not happen within ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const inState = (node: NodeClient, caseRef: string, state: string) =>
  until(`case ${caseRef} ${state} on ${node.node}`, async () => {
    const view = await node.caseView(caseRef);
    return view.state === state ? view : undefined;
  });

/**
 * The rest of the Austria-to-Serbia return, as the two nodes play it: CPTV accepts, tells ASTRA, Austria schedules
 * the return, ASTRA confirms the arrival and sends the first follow-up, Austria closes the case. After each step
 * both nodes must show the same state.
 */
export async function playReturn(at: NodeClient, rs: NodeClient, caseRef: string, out: Out): Promise<CaseView> {
  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
  const steps: Array<[NodeClient, string, () => Promise<unknown>, string]> = [
    [
      rs,
      'RS/cptv/intake accepts the case',
      () => rs.sendCaseMessage(caseRef, { type: 'handover.accepted', body: { role: 'RS/cptv/intake', services: ['shelter', 'psychosocial', 'legal'] } }),
      'accepted',
    ],
    [rs, 'CPTV tells ASTRA (RS/astra/return-support) about the case', () => rs.addParticipant(caseRef, 'RS/astra/return-support'), 'accepted'],
    [
      at,
      'AT schedules the return: flight to Belgrade (BEG), escorted, met by ASTRA',
      () =>
        at.sendCaseMessage(caseRef, {
          type: 'return.scheduled',
          body: {
            date: inDays(11),
            time: '14:30',
            transport: 'air',
            arrivalPoint: { kind: 'airport', code: 'BEG' },
            escort: true,
            metBy: 'RS/astra/return-support',
          },
        }),
      'return-scheduled',
    ],
    [
      rs,
      'ASTRA confirms the arrival',
      () =>
        rs.sendCaseMessage(caseRef, {
          type: 'arrival.confirmed',
          sender: 'RS/astra/return-support',
          body: { arrivedAt: new Date().toISOString(), metBy: 'RS/astra/return-support', immediateNeeds: ['shelter'] },
        }),
      'arrived',
    ],
    [
      rs,
      'ASTRA sends the first follow-up report',
      () =>
        rs.sendCaseMessage(caseRef, {
          type: 'followup.report',
          sender: 'RS/astra/return-support',
          body: { period: 1, status: 'in-shelter', services: ['shelter', 'psychosocial'], risk: { level: 'low', assessedAt: inDays(0) } },
        }),
      'in-follow-up',
    ],
    [at, 'AT closes the case', () => at.sendCaseMessage(caseRef, { type: 'case.closed', body: { reason: 'reintegrated' } }), 'closed'],
  ];
  for (const [node, what, act, state] of steps) {
    await act();
    await Promise.all([inState(at, caseRef, state), inState(rs, caseRef, state)]);
    out(`      ${node.node}: ${what.padEnd(72)} both nodes: ${state}`);
  }
  return at.caseView(caseRef);
}

/** A timeline detail as text: details are codes, ids and times. */
const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export function caseTimeline(view: CaseView): string[] {
  const detail = (e: CaseView['timeline'][number]) =>
    [
      [e.from && `from ${text(e.from)}`, e.to && `to ${text(e.to)}`].filter(Boolean).join(' '),
      e.dueAt && `due ${text(e.dueAt).slice(0, 19).replace('T', ' ')}`,
      e.target && text(e.target),
      e.role && text(e.role),
    ]
      .filter(Boolean)
      .join(', ');
  return [
    `  Case ${view.caseRef} on AT, now ${view.state}; times UTC:`,
    ...view.timeline.map((e) => `    ${clock(e.at)}  ${e.event.padEnd(36)} ${detail(e)}`.trimEnd()),
  ];
}

/**
 * The variant where acceptance never comes: a second handover goes to a role that does not answer; once the
 * (demo-short) acceptance deadline passes, AT copies the request to that role's fallback and alerts its coordinator.
 * Returns the case and the roles AT alerted.
 */
export async function playEscalation(
  at: NodeClient,
  request: { sender: string; recipient: string; body: unknown },
  out: Out,
): Promise<{ caseRef: string; alerted: string[] }> {
  const submitted = await at.submitHandover(request);
  out(`      AT -> ${request.recipient}: case ${submitted.caseRef}; nobody there answers`);
  const item = await until(`the escalation of case ${submitted.caseRef}`, async () =>
    (await at.overdue()).find((o) => o.caseRef === submitted.caseRef && o.alerted.length > 0),
  );
  out(
    `      acceptance overdue by ${item.overdue}: AT alerted ${item.alerted.join(', ')}; request copied to ${item.copiedTo.join(', ') || '(no fallback published)'}`,
  );
  return { caseRef: submitted.caseRef, alerted: item.alerted };
}
