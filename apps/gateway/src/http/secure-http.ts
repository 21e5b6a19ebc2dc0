import helmet from '@fastify/helmet';
import rateLimit, { FastifyRateLimitStore } from '@fastify/rate-limit';
import { HttpException, HttpStatus } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
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

/**
 * What every answer carries even when it never reached the routes (helmet's hooks did not run): the router's own
 * errors and those of the HTTP parser. Case data must not stay in a browser or proxy cache: nothing the API answers is
 * stored (deciding by path would miss `/%761/cases`, which the router decodes to `/v1/cases`).
 */
export const BASE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': Object.entries(CONTENT_SECURITY_POLICY)
    .map(([directive, values]) => `${directive} ${values.join(' ')}`)
    .join('; '),
  'cache-control': 'no-store',
};

/**
 * HSTS: a browser that reached the node over HTTPS keeps to HTTPS for a year, subdomains included. Sent only on
 * answers over HTTPS — the node's own TLS, or a trusted proxy's `X-Forwarded-Proto: https` (`http.trustProxy`):
 * anybody may send that header, and on plain HTTP the header means nothing.
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';
const transportSecurity = (secure: boolean): Record<string, string> => (secure ? { 'strict-transport-security': STRICT_TRANSPORT_SECURITY } : {});

const fixedAnswer = (status: number, message: string) => JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message });

/**
 * Errors of Fastify's router (a path that is not valid percent-encoding, a parameter over its length): a 400 with a
 * fixed text, since Fastify's own repeats the path, which may hold a caseRef.
 */
export function routerError(error: { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const [status, message] = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? [414, 'a path parameter is too long'] : [400, 'the path is not valid'];
  void reply
    .code(status)
    .headers({ ...BASE_HEADERS, ...transportSecurity(request.protocol === 'https'), 'content-type': 'application/json; charset=utf-8' })
    .send(fixedAnswer(status, message));
}

/** Errors of the HTTP parser, below Fastify (headers too large, a request that is not HTTP): answered like the rest. */
export function clientError(error: { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request took too long']
        : [400, 'the request is not valid HTTP'];
  const body = fixedAnswer(status, message);
  const headers = Object.entries({
    ...BASE_HEADERS,
    ...transportSecurity((socket as Socket & { encrypted?: boolean }).encrypted === true),
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers}\r\n${body}`);
  socket.destroy();
}

/** The only caching an answer may allow: files whose name changes with their content (the console's hashed assets). */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** What answers a GET or HEAD no route took, before the 404 (the web console: its files, or its page for any path). */
export interface SiteFallback {
  /** Whether the site answers this path (decoded); API paths are never the site's. */
  serves(path: string): boolean;
  answer(path: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
}

/** The path of a request as the router reads it (percent-decoded, without the query), or null when it does not decode. */
function decodedPath(url: string): string | null {
  try {
    return decodeURIComponent(url.split('?')[0]);
  } catch {
    return null;
  }
}

/** Client addresses whose failed authentications are remembered at once; the oldest is forgotten first. */
const ADDRESSES_KEPT = 10_000;

/**
 * HTTP hygiene, registered before the routes: security headers (helmet), HSTS on HTTPS, `Cache-Control: no-store` on
 * every answer, 429 with `Retry-After` for a client address after `auth.maxFailures` failed authentications (401)
 * within `auth.failureWindow` — successful requests are not counted — and a 404 for unknown routes and methods that
 * does not repeat the path.
 */
export async function secureHttp(app: NestFastifyApplication, config: NodeConfig, site?: SiteFallback): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    strictTransportSecurity: false, // helmet's is on every answer, plain HTTP too: ours is in onSend
  });

  // The client address (request.ip) is the TCP peer's, or, when the peer is a proxy of http.trustProxy, the last address
  // its X-Forwarded-For names that is not a trusted proxy (Fastify's trustProxy): a forged entry before it is ignored.
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
    // Probes of liveness and readiness are never refused: a stranger's bad tokens must not make the node look dead.
    allowList: (request: FastifyRequest) => request.routeOptions.url?.startsWith('/health') === true,
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
    if (reply.getHeader('cache-control') !== IMMUTABLE_CACHE) reply.header('cache-control', BASE_HEADERS['cache-control']);
    reply.headers(transportSecurity(request.protocol === 'https'));
    if (reply.statusCode === Number(HttpStatus.UNAUTHORIZED)) {
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
    fastify.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.method === 'GET' || request.method === 'HEAD' ? decodedPath(request.url) : null;
      if (site && path !== null && site.serves(path)) return site.answer(path, request, reply);
      return reply.code(HttpStatus.NOT_FOUND).send({ statusCode: 404, error: 'Not Found', message: 'no such route or method' });
    });
}
