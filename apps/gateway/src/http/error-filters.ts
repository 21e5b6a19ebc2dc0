import { ArgumentsHost, Catch, ExceptionFilter, HttpException, INestApplication, Logger } from '@nestjs/common';
import { AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { Clock } from '../clock/clock';
import { isConnectionLoss } from '../database/connection-loss';
import { LogThrottle, REPEAT_LOG_INTERVAL_MS } from '../logging/log-throttle';
import { safeError } from '../logging/safe-error';

/** What a client is told to wait while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

interface RequestLike {
  method?: string;
  routeOptions?: { url?: string };
}

/** Fastify's own errors have fixed texts, except the one for a media type, which quotes the request's header. */
const FIXED_TEXT = /^FST_ERR_(?!CTP_INVALID_MEDIA_TYPE)/;

/** A client error of the HTTP layer below Nest (Fastify's body parsers: malformed JSON, wrong content type, size). */
function clientError(e: unknown): e is { statusCode: number; code?: unknown; message?: unknown } {
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Every HTTP error answer. Nest's HttpExceptions (400s naming fields, 401, 403, 404, 409 …) are answered as Nest
 * answers them. Client errors from below Nest (Fastify's body parsers) keep their status, and their message only where
 * it is a fixed text: a parser's message may quote the body ("Unexpected token … "<the body>" is not valid JSON").
 * Anything else is the node's fault: a lost database is 503 with Retry-After, logged once per interval; every other
 * error 500 with a generic body and one log line, both only as `safeError` describes the error — never a query, its
 * parameters or a stack.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');
  private readonly throttle: LogThrottle;

  constructor(
    private readonly http: AbstractHttpAdapter,
    clock: Clock,
  ) {
    this.throttle = new LogThrottle(REPEAT_LOG_INTERVAL_MS, () => clock.now().getTime());
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<unknown>();
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const status = exception.getStatus();
      return this.reply(response, status, typeof body === 'object' ? body : { statusCode: status, message: body });
    }
    if (clientError(exception)) {
      const status = exception.statusCode;
      const what = FIXED_TEXT.test(String(exception.code)) ? String(exception.message) : STATUS_CODES[status];
      return this.reply(response, status, { statusCode: status, error: STATUS_CODES[status], message: what });
    }
    const request = host.switchToHttp().getRequest<RequestLike>();
    const route = `${request.method ?? '?'} ${request.routeOptions?.url ?? '(no route)'}`;
    if (isConnectionLoss(exception)) {
      const suppressed = this.throttle.take('database');
      if (suppressed !== null) {
        const since = suppressed ? `; ${suppressed} more request(s) refused since the last such line` : '';
        this.logger.error({ err: exception, route }, `database unreachable, answering 503: ${safeError(exception)}${since}`);
      }
      if (!this.http.isHeadersSent(response)) this.http.setHeader(response, 'Retry-After', String(RETRY_AFTER_SECONDS));
      return this.reply(response, 503, { statusCode: 503, error: 'Service Unavailable', message: 'The node cannot reach its database; try again later.' });
    }
    this.logger.error({ err: exception, route }, `${route} failed: ${safeError(exception)}`);
    this.reply(response, 500, { statusCode: 500, error: 'Internal Server Error', message: 'The request failed on the node; the error is logged.' });
  }

  private reply(response: unknown, status: number, body: object): void {
    if (this.http.isHeadersSent(response)) this.http.end(response);
    else this.http.reply(response, body, status);
  }
}

/** The filter of every HTTP route. */
export function useHttpErrorFilter(app: INestApplication): void {
  app.useGlobalFilters(new HttpErrorFilter(app.get(HttpAdapterHost).httpAdapter, app.get(Clock)));
}
