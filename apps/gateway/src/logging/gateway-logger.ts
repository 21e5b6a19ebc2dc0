import { DynamicModule, LogLevel, LoggerService } from '@nestjs/common';
import { Logger, LoggerModule, Params, PinoLogger } from 'nestjs-pino';
import pino, { DestinationStream, LevelWithSilent } from 'pino';
import { currentTrace, traceIdOf } from '../telemetry/trace-context';
import { safeError } from './safe-error';

/** Whatever a log line could carry a body, a token or a sealed part under: removed before the line is written. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.headers["set-cookie"]',
  'body',
  '*.body',
  'sealed',
  '*.sealed',
  'jws',
  '*.jws',
  'parameters',
  '*.parameters',
];

/**
 * An error as a log line may show it: only what `safeError` allows, never the stack (it repeats the message).
 * pino-http hands serializers pino's copy of the error, which keeps the original as `raw`.
 */
export const safeErrorFields = (serialized: unknown) => {
  const err = (serialized as { raw?: unknown } | null)?.raw ?? serialized;
  return { type: err instanceof Error ? err.name : typeof err, message: safeError(err) };
};

/** The lowest of Nest's levels, as pino's. */
function pinoLevel(levels: LogLevel[]): LevelWithSilent {
  const order: Array<[LogLevel, LevelWithSilent]> = [
    ['verbose', 'trace'],
    ['debug', 'debug'],
    ['log', 'info'],
    ['warn', 'warn'],
    ['error', 'error'],
    ['fatal', 'fatal'],
  ];
  return order.find(([nest]) => levels.includes(nest))?.[1] ?? 'silent';
}

export interface GatewayLogging {
  /** For NestFactory.create: the gateway's logger, or false for none. */
  logger: LoggerService | false;
  /** Request context for log lines (a `reqId` each), imported next to the gateway's modules. */
  modules: DynamicModule[];
}

/**
 * The gateway logs JSON lines (`level`, `time`, `pid`, `node`, `context`, `msg`; `reqId` within a request; `traceId`
 * within a request or the handling of deliveries of one trace) to stdout,
 * or to `destination`. Nothing of a request is logged but its id: no bodies, headers or query strings. Errors, from
 * whichever handler, go through `safeError`, also when pino would take a line's message from the error. With `false`
 * nothing is logged (tests). pino's root logger is one per process, as is the node a gateway process serves.
 */
export function gatewayLogging(node: string, levels: LogLevel[] | false = ['log', 'warn', 'error', 'fatal'], destination?: DestinationStream): GatewayLogging {
  if (levels === false) return { logger: false, modules: [] };
  const params: Params = {
    pinoHttp: [
      {
        level: pinoLevel(levels),
        base: { pid: process.pid, node },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const trace = currentTrace();
          return trace ? { traceId: traceIdOf(trace) } : {};
        },
        serializers: { err: safeErrorFields },
        redact: { paths: REDACTED, censor: '[redacted]' },
        hooks: {
          logMethod(args, method) {
            const [first, second] = args as unknown[];
            if (first instanceof Error) return method.apply(this, [{ err: first }, safeError(first)]);
            if (first && typeof first === 'object' && 'err' in first && typeof second !== 'string') {
              return method.apply(this, [first, safeError(first.err)]);
            }
            return method.apply(this, args);
          },
        },
        autoLogging: false,
        quietReqLogger: true,
      },
      // Synchronous: the last lines before a SIGTERM'd or crashing process ends are written, not buffered.
      destination ?? pino.destination({ dest: 1, sync: true }),
    ],
  };
  return { logger: new Logger(new PinoLogger(params), params), modules: [LoggerModule.forRoot(params)] };
}
