import { eventually } from './http';
import { TestNetwork } from './network';

/** What of a handover the nodes did not store exactly once, as `<caseRef or id> x<count>`. */
export interface NotOnce {
  /** caseRefs without exactly one case on the receiver. */
  cases: string[];
  /** Ids without exactly one `message.received` audit entry on the receiver. */
  audited: string[];
  /** Ids without exactly one receipt back on the sender. */
  receipts: string[];
}

/**
 * Handovers sent from `from` to `to` that did not arrive exactly once: each must be one case on `to`, audited there
 * once as received, and answered by one receipt stored on `from`. Waits first until `to` audited every id (the
 * auditor runs every few seconds).
 */
export async function notExactlyOnce(net: TestNetwork, from: string, to: string, handovers: Array<{ id: string; caseRef: string }>): Promise<NotOnce> {
  const ids = handovers.map((h) => h.id);
  const audited = () =>
    net.sql<{ key: string; n: number }>(
      to,
      `SELECT subject AS key, count(*)::int AS n FROM audit_entry WHERE action = 'message.received' AND subject = ANY($1::text[]) GROUP BY subject`,
      [ids],
    );
  await eventually(async () => ((await audited()).length === ids.length ? true : undefined), 30_000, `${to} to audit every handover as received`);
  const cases = await net.sql<{ key: string; n: number }>(
    to,
    'SELECT case_ref AS key, count(*)::int AS n FROM case_file WHERE case_ref = ANY($1::text[]) GROUP BY case_ref',
    [handovers.map((h) => h.caseRef)],
  );
  const receipts = await net.sql<{ key: string; n: number }>(
    from,
    `SELECT in_reply_to::text AS key, count(*)::int AS n FROM inbound_message WHERE type = 'receipt' AND in_reply_to = ANY($1::uuid[]) GROUP BY in_reply_to`,
    [ids],
  );
  const notOnce = (keys: string[], rows: Array<{ key: string; n: number }>) => {
    const counts = new Map(rows.map((r) => [r.key, r.n]));
    return keys.filter((k) => counts.get(k) !== 1).map((k) => `${k} x${counts.get(k) ?? 0}`);
  };
  return {
    cases: notOnce(
      handovers.map((h) => h.caseRef),
      cases,
    ),
    audited: notOnce(ids, await audited()),
    receipts: notOnce(ids, receipts),
  };
}

export const EXACTLY_ONCE: NotOnce = { cases: [], audited: [], receipts: [] };
