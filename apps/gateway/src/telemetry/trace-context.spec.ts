import { currentTrace, newTrace, traceFrom, traceIdOf, withTrace } from './trace-context';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('takes a W3C traceparent and tracestate from headers, also as Buffers (AMQP)', () => {
    expect(traceFrom({ traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' })).toEqual({ traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' });
    expect(traceFrom({ traceparent: Buffer.from(TRACEPARENT) })).toEqual({ traceparent: TRACEPARENT });
  });

  it.each([
    ['absent', {}],
    ['not the format', { traceparent: 'AT-2026-7F3K9QXA' }],
    ['an all-zero trace id', { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }],
    ['upper-case hex', { traceparent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' }],
    ['a tracestate alone', { tracestate: 'congo=t61rcWkgMzE' }],
  ])('ignores a traceparent that is %s', (_label, headers) => {
    expect(traceFrom(headers)).toBeNull();
  });

  it('makes a new trace with random ids when none came', () => {
    const [a, b] = [newTrace(), newTrace()];
    expect(a.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(traceIdOf(a)).not.toBe(traceIdOf(b));
    expect(traceFrom({ ...a })).toEqual(a);
  });

  it('holds the trace of the work under way across awaits', async () => {
    const carrier = { traceparent: TRACEPARENT };
    expect(currentTrace()).toBeNull();
    await withTrace(carrier, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentTrace()).toBe(carrier);
    });
    expect(traceIdOf(carrier)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
