import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { newTrace, traceFrom, withTrace } from '../telemetry/trace-context';

/**
 * Each request's handler runs in the W3C trace context its `traceparent` and `tracestate` headers give — or in a new
 * one when they are absent or malformed (ignored, never refused) — so that what it enqueues carries the trace and its
 * log lines name it. Nest binds `handle()` to the async context it is called in.
 */
@Injectable()
export class TraceContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return withTrace(traceFrom(request.headers) ?? newTrace(), () => next.handle());
  }
}
