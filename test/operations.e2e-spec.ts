import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { call, eventually } from './support/http';
import { TestNetwork } from './support/network';
import { HandPartner } from './support/partner';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const W3C = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;

/** Every sample of a Prometheus exposition, by series (name and labels as written), without its HELP and TYPE lines. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** What moved between two scrapes: counters and histogram counts (`_count`, the `+Inf` bucket), series by series. */
function moved(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [series, value] of after) {
    const name = series.split('{')[0];
    const counted = name.endsWith('_total') || name.endsWith('_count') || (name.endsWith('_bucket') && series.includes('le="+Inf"'));
    if (!name.startsWith('trm_') || !counted) continue;
    const delta = value - (before.get(series) ?? 0);
    if (delta !== 0) out[series] = delta;
  }
  return out;
}

const traceIdOf = (traceparent: string) => traceparent.split('-')[1];

describe('operations: metrics as things happen, trace context across nodes', () => {
  let net: TestNetwork;

  beforeAll(async () => {
    net = await TestNetwork.started(['AT', 'RS']);
  });
  afterAll(() => net?.close());

  const scrape = async (node: string) => {
    const r = await call(net.node(node).url, 'GET', '/metrics');
    expect(r.status).toBe(200);
    return r.body as string;
  };

  /** Posts a handover with `headers` added, and waits until its receipt settled it on AT. */
  const handover = async (headers: Record<string, string>) => {
    const at = net.node('AT');
    const res = await fetch(`${at.url}/v1/handovers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await net.token('AT', { roles: ['coordinator'] })}`, ...headers },
      body: JSON.stringify(sampleReturnHandover()),
    });
    expect(res.status).toBe(202);
    const { id, caseRef } = (await res.json()) as { id: string; caseRef: string };
    await eventually(async () => ((await call(at.url, 'GET', `/v1/handovers/${id}`)).body.status === 'delivered' ? true : undefined));
    return { id, caseRef };
  };

  it('moves the counters and histograms of both nodes by exactly what one handover did', async () => {
    const before = { AT: samples(await scrape('AT')), RS: samples(await scrape('RS')) };
    const { caseRef } = await handover({ traceparent: TRACEPARENT });
    // RS counts what it received once it stored it; its receipt reached AT before AT settled the handover.
    const text = { AT: await scrape('AT'), RS: await scrape('RS') };
    const after = { AT: samples(text.AT), RS: samples(text.RS) };

    const handoverRequest = 'partner="RS",type="handover.request"';
    expect(moved(before.AT, after.AT)).toEqual({
      [`trm_messages_enqueued_total{${handoverRequest}}`]: 1,
      [`trm_messages_sent_total{${handoverRequest},outcome="confirmed"}`]: 1,
      [`trm_messages_sent_total{${handoverRequest},outcome="delivered"}`]: 1,
      [`trm_message_confirm_seconds_bucket{le="+Inf",${handoverRequest}}`]: 1,
      [`trm_message_confirm_seconds_count{${handoverRequest}}`]: 1,
      [`trm_message_receipt_seconds_bucket{le="+Inf",${handoverRequest},status="delivered"}`]: 1,
      [`trm_message_receipt_seconds_count{${handoverRequest},status="delivered"}`]: 1,
      'trm_messages_received_total{partner="RS",type="receipt",status="delivered"}': 1,
    });
    expect(moved(before.RS, after.RS)).toEqual({
      'trm_messages_received_total{partner="AT",type="handover.request",status="delivered"}': 1,
    });

    // Each histogram holds the one observation in every bucket from some bound up, and its sum grew by it.
    for (const name of ['trm_message_confirm_seconds', 'trm_message_receipt_seconds']) {
      const buckets = [...after.AT].filter(([s]) => s.startsWith(`${name}_bucket{`) && s.includes(handoverRequest));
      const deltas = buckets.map(([s, v]) => v - (before.AT.get(s) ?? 0));
      const ones = deltas.filter((d) => d === 1).length;
      expect(ones).toBeGreaterThan(0);
      expect(deltas).toEqual([...Array<number>(deltas.length - ones).fill(0), ...Array<number>(ones).fill(1)]);
      const sum = [...after.AT].find(([s]) => s.startsWith(`${name}_sum{`) && s.includes(handoverRequest))!;
      expect(sum[1] - (before.AT.get(sum[0]) ?? 0)).toBeGreaterThan(0);
    }

    // Read at the scrape: the link is up, nothing waits, the consumer consumes and holds nothing.
    expect(after.AT.get('trm_partner_link_state{partner="RS",state="up"}')).toBe(1);
    expect(after.AT.get('trm_partner_link_state{partner="RS",state="down"}')).toBe(0);
    expect(after.AT.get('trm_outbox_waiting{partner="RS"}')).toBe(0);
    expect([after.AT.get('trm_inbound_consuming'), after.AT.get('trm_inbound_unsettled')]).toEqual([1, 0]);
    // The process's own metrics are there too; labels are codes and node ids only.
    expect(after.AT.has('process_cpu_user_seconds_total')).toBe(true);
    for (const node of ['AT', 'RS'] as const) {
      expect(text[node]).not.toContain(caseRef);
      expect(text[node]).not.toMatch(/\/cptv\/|bmi-thb/);
    }
  });

  it("carries the request's traceparent to the partner, which answers in the same trace", async () => {
    const { id } = await handover({ traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' });
    const [sent] = await net.sql<{ trace_context: { traceparent: string } }>('AT', 'SELECT trace_context FROM outbound_message WHERE id = $1', [id]);
    expect(sent.trace_context).toEqual({ traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' });
    const [received] = await net.sql<{ trace_context: unknown }>('RS', 'SELECT trace_context FROM inbound_message WHERE id = $1', [id]);
    expect(received.trace_context).toEqual({ traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' });
    // RS's receipt came back to AT in the same trace.
    const [receipt] = await net.sql<{ trace_context: { traceparent: string } }>(
      'AT',
      `SELECT i.trace_context FROM inbound_message i JOIN outbound_message o ON o.receipt_id = i.id WHERE o.id = $1`,
      [id],
    );
    expect(traceIdOf(receipt.trace_context.traceparent)).toBe(TRACE_ID);
  });

  it('ignores a malformed traceparent: the handover is accepted and travels in a trace of its own', async () => {
    const { id } = await handover({ traceparent: '00-AT-2026-not-a-trace', tracestate: 'congo=t61rcWkgMzE' });
    const [sent] = await net.sql<{ trace_context: { traceparent: string; tracestate?: string } }>(
      'AT',
      'SELECT trace_context FROM outbound_message WHERE id = $1',
      [id],
    );
    expect(sent.trace_context.traceparent).toMatch(W3C);
    expect(sent.trace_context.tracestate).toBeUndefined();
    expect(traceIdOf(sent.trace_context.traceparent)).not.toBe(TRACE_ID);
    const [received] = await net.sql<{ trace_context: { traceparent: string } }>('RS', 'SELECT trace_context FROM inbound_message WHERE id = $1', [id]);
    expect(received.trace_context).toEqual(sent.trace_context);
  });

  describe('on the wire, with RS played by hand', () => {
    let rs: HandPartner;

    beforeAll(async () => {
      await net.stop('RS');
      rs = await new HandPartner(net, 'RS', 'AT').open();
      await rs.drain();
    });
    afterAll(() => rs?.close());

    it('publishes the trace context in the AMQP headers, next to the profile headers', async () => {
      const at = net.node('AT');
      const res = await fetch(`${at.url}/v1/handovers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await net.token('AT', { roles: ['coordinator'] })}`, traceparent: TRACEPARENT },
        body: JSON.stringify(sampleReturnHandover()),
      });
      expect(res.status).toBe(202);
      const message = await rs.nextMessage('handover.request');
      expect(message.properties.headers).toEqual(
        expect.objectContaining({ 'trm-profile': 'trm-amqp/1', 'trm-from': 'AT', 'trm-to': 'RS', traceparent: TRACEPARENT }),
      );
      await rs.answer(message, 'delivered');
    });

    // RS's handover is refused (its recipient is not AT's): a verdict, stored and receipted like any.
    it('answers a delivery in its trace, and one with a malformed traceparent like any other', async () => {
      const traced = rs.handover();
      await rs.publish(await rs.sign(traced), traced, { headers: { 'trm-profile': 'trm-amqp/1', 'trm-from': 'RS', 'trm-to': 'AT', traceparent: TRACEPARENT } });
      const answer = await rs.nextMessage<{ status: string }>('receipt');
      expect([answer.envelope.body, answer.properties.headers?.traceparent]).toEqual([expect.objectContaining({ ref: traced.id }), TRACEPARENT]);

      const garbled = rs.handover();
      await rs.publish(await rs.sign(garbled), garbled, {
        headers: { 'trm-profile': 'trm-amqp/1', 'trm-from': 'RS', 'trm-to': 'AT', traceparent: 'nonsense' },
      });
      const plain = await rs.nextMessage('receipt');
      expect(plain.envelope.body).toEqual(expect.objectContaining({ ref: garbled.id, status: answer.envelope.body.status }));
      expect(plain.properties.headers).not.toHaveProperty('traceparent');
      const stored = await net.sql<{ id: string; trace_context: unknown }>('AT', 'SELECT id, trace_context FROM inbound_message WHERE id = ANY($1::uuid[])', [
        [traced.id, garbled.id],
      ]);
      expect(Object.fromEntries(stored.map((r) => [r.id, r.trace_context]))).toEqual({ [traced.id]: { traceparent: TRACEPARENT }, [garbled.id]: null });
    });
  });
});
