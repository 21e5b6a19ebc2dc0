import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Reply<T = any> {
  status: number;
  body: T;
}

/** The bearer token sent to a node's base URL when a call names none (a coordinator's, set when the node starts). */
const defaultTokens = new Map<string, string>();

export function useToken(base: string, token: string): void {
  defaultTokens.set(base, token);
}

/**
 * A JSON call to a node's HTTP API, with the node's default token unless `token` is given (`null`: no token). An
 * answer that is not JSON (the YAML document, /metrics) is kept as text.
 */
export async function call<T = any>(base: string, method: string, path: string, body?: unknown, token?: string | null): Promise<Reply<T>> {
  const bearer = token === undefined ? defaultTokens.get(base) : token;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? jsonOrText(text) : undefined) as T };
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The fields a 400 answer's body names in its problems, in its order (undefined when it has no problems). */
export const problemFields = (body: { problems?: Array<{ field: string }> } | undefined): string[] | undefined => body?.problems?.map((p) => p.field);

/** Polls until `probe` returns a value that is not undefined, or fails after `timeoutMs` with the last reason. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${JSON.stringify(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The whole audit log of a node in seq order, read page by page with an auditor's `token`. */
export async function auditLog(base: string, token: string): Promise<any[]> {
  const entries: any[] = [];
  for (let path: string | null = '/v1/audit?limit=1000'; path !== null;) {
    const page: Reply = await call(base, 'GET', path, undefined, token);
    if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}: ${JSON.stringify(page.body)}`);
    entries.push(...page.body.items);
    path = page.body.next === null ? null : `/v1/audit?limit=1000&cursor=${page.body.next}`;
  }
  return entries;
}

/** An answer as it came on the wire: status, headers and body text (also when the body is not JSON). */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request to a node on 127.0.0.1:`port`, on a connection of its own, from `from` (an address of the loopback
 * network: each is its own client address), with a bearer token, headers and a JSON body as given, sent as they are;
 * over HTTPS trusting the CA `ca` (PEM) when given.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  options: { token?: string; from?: string; body?: string | Buffer; headers?: Record<string, string>; ca?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const request = options.ca === undefined ? httpRequest : httpsRequest;
    const target = { host: '127.0.0.1', port, method, path, headers, agent: false, localAddress: options.from ?? '127.0.0.1' } as const;
    const req = request(options.ca === undefined ? target : { ...target, ca: options.ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
