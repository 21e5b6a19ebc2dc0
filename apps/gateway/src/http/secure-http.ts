import helmet from '@fastify/helmet';
import rateLimit, { FastifyRateLimitStore } from '@fastify/rate-limit';
import { HttpException, HttpStatus } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NodeConfig } from '../config/node-config';

/**
 * The Content-Security-Policy of every response. The API answers JSON only, so nothing may load, frame it or be
 * posted from it; the web console, once served from `/`, adds what it needs here (`script-src 'self'`, ...).
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/** Client addresses whose failed authentications are remembered at once; the oldest is forgotten first. */
const ADDRESSES_KEPT = 10_000;

/**
 * HTTP hygiene, registered before the routes: security headers (helmet), `Cache-Control: no-store` on the API's
 * answers (case data must not stay in a browser or proxy cache), 429 with `Retry-After` for a client address after
 * `auth.maxFailures` failed authentications (401) within `auth.failureWindow` — successful requests are not counted —
 * and a 404 for unknown routes and methods that does not repeat the path.
 */
export async function secureHttp(app: NestFastifyApplication, config: NodeConfig): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
  });

  // The rate-limit plugin asks the store on every request, but only a 401 counts (onSend below): the "current count"
  // it sees is the number of failures so far plus this request, so the request after the last allowed failure is 429.
  const failures = new Map<string, { count: number; since: number }>();
  const alive = (key: string, now: number) => {
    const entry = failures.get(key);
    return entry && entry.since + config.auth.failureWindowMs > now ? entry : undefined;
  };
  class FailedAuthentications implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
      const now = Date.now();
      const entry = alive(key, now);
      callback(null, { current: (entry?.count ?? 0) + 1, ttl: entry ? entry.since + config.auth.failureWindowMs - now : config.auth.failureWindowMs });
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  await app.register(rateLimit, {
    global: true,
    max: config.auth.maxFailures,
    timeWindow: config.auth.failureWindowMs,
    store: FailedAuthentications,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    errorResponseBuilder: () =>
      new HttpException(
        { statusCode: 429, error: 'Too Many Requests', message: 'too many failed authentications from this address; retry after Retry-After seconds' },
        HttpStatus.TOO_MANY_REQUESTS,
      ),
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    if (path === '/v1' || path.startsWith('/v1/')) reply.header('cache-control', 'no-store');
    if (reply.statusCode === HttpStatus.UNAUTHORIZED) {
      const now = Date.now();
      const entry = alive(request.ip, now) ?? { count: 0, since: now };
      entry.count += 1;
      failures.delete(request.ip); // re-inserted last: the map's order is the order of the latest failure
      failures.set(request.ip, entry);
      if (failures.size > ADDRESSES_KEPT) failures.delete(failures.keys().next().value!);
    }
  });

  // Nest's own handler answers "Cannot GET /the/path": the path may carry a caseRef or worse, so it is not repeated.
  app.getHttpAdapter().setNotFoundHandler = () =>
    fastify.setNotFoundHandler((_request: FastifyRequest, reply: FastifyReply) => {
      void reply.code(HttpStatus.NOT_FOUND).send({ statusCode: 404, error: 'Not Found', message: 'no such route or method' });
    });
}
