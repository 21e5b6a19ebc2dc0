import { Writable } from 'node:stream';
import { withTrace } from '../telemetry/trace-context';
import { gatewayLogging } from './gateway-logger';

describe('gatewayLogging', () => {
  it('names the trace id of the work under way in its lines, and none outside it', () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const { logger } = gatewayLogging('AT', ['log'], destination);
    if (!logger) throw new Error('no logger');
    withTrace({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'congo=t61rcWkgMzE' }, () =>
      logger.log('in a trace', 'Test'),
    );
    logger.log('outside', 'Test');
    expect(lines.map((l) => [l.msg, l.traceId])).toEqual([
      ['in a trace', '4bf92f3577b34da6a3ce929d0e0e4736'],
      ['outside', undefined],
    ]);
    expect(JSON.stringify(lines)).not.toContain('congo');
  });
});
