import { Context, ROOT_CONTEXT, TraceFlags, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TraceHeaders } from '@trm/wire';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * W3C Trace Context as the node carries it: from an HTTP request (or new) into the outbox row, out in the AMQP headers
 * of the message, and on the receiving node into its log lines, its inbound row and the receipt it sends back. Only
 * ids and the caller's vendor state (`tracestate`), never anything of a message. The node records no spans itself; an
 * operator who registers an OpenTelemetry SDK (before the gateway starts) gets its propagator used instead.
 */
export type TraceCarrier = TraceHeaders;

let registered = false;

/** The global propagator: W3C Trace Context, unless an SDK registered one first (then `setGlobalPropagator` keeps that). */
function propagator(): typeof propagation {
  if (!registered) {
    registered = true;
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  }
  return propagation;
}

/** The trace context in `headers` (HTTP or AMQP; Buffer values are read as UTF-8), or null when absent or malformed. */
export function traceFrom(headers: Record<string, unknown> | undefined | null): TraceCarrier | null {
  if (!headers) return null;
  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(',') : undefined);
  const carrier: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = text(headers[name]);
    if (value !== undefined) carrier[name] = value;
  }
  if (!carrier.traceparent) return null;
  return toCarrier(propagator().extract(ROOT_CONTEXT, carrier));
}

/** A trace of its own, for work no caller's trace came with: random ids, not sampled (the node records nothing). */
export function newTrace(): TraceCarrier {
  const context = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: TraceFlags.NONE,
  });
  return toCarrier(context)!;
}

/** The trace id (32 hex digits) of a carrier. */
export function traceIdOf(carrier: TraceCarrier): string {
  return carrier.traceparent.split('-')[1];
}

const current = new AsyncLocalStorage<TraceCarrier>();

/** Runs `work` with `carrier` as the trace of what it does (what it enqueues, what it logs). */
export function withTrace<T>(carrier: TraceCarrier, work: () => T): T {
  return current.run(carrier, work);
}

/** The trace of the work under way (an HTTP request, a delivery), if any. */
export function currentTrace(): TraceCarrier | null {
  return current.getStore() ?? null;
}

/** What the propagator writes for `context`; null when it holds no valid span context. */
function toCarrier(context: Context): TraceCarrier | null {
  const out: Record<string, string> = {};
  propagator().inject(context, out);
  if (!out.traceparent) return null;
  return { traceparent: out.traceparent, ...(out.tracestate ? { tracestate: out.tracestate } : {}) };
}
