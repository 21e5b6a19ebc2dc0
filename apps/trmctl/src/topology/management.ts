import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Definitions, PermissionDefinition, QueueArgument, UserDefinition } from './definitions';

/** A failed management API call: the HTTP status and the object it was about; never credentials. */
export class ManagementApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ManagementApiError';
  }
}

export interface ManagementOptions {
  /** Per request. */
  requestTimeoutMs?: number;
  /** How long to wait for the API to answer after enabling the plugin. */
  startTimeoutMs?: number;
  /** Enables rabbitmq_management on the local broker; `rabbitmq-plugins enable` by default. */
  enablePlugin?: () => Promise<void>;
  log?: (line: string) => void;
}

export interface QueueInfo {
  name: string;
  vhost: string;
  type: string;
  durable: boolean;
  arguments: Record<string, QueueArgument>;
  /** A quorum queue's replicas: the cluster members it lives on. */
  members?: string[];
}

export interface ExchangeInfo {
  name: string;
  type: string;
  durable: boolean;
}

export interface BindingInfo {
  source: string;
  destination: string;
  destination_type: string;
  routing_key: string;
}

type VhostDefinitions = Pick<Definitions, 'exchanges' | 'queues' | 'bindings'>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A small client for RabbitMQ's management HTTP API; credentials come from the URL it is given. */
export class ManagementClient {
  private readonly base: string;
  private readonly host: string;
  private readonly authorization: string;
  private readonly requestTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly log: (line: string) => void;

  constructor(
    managementUrl: string,
    private readonly options: ManagementOptions = {},
  ) {
    let url: URL;
    try {
      url = new URL(managementUrl);
    } catch {
      throw new Error('broker.managementUrl is not a valid URL'); // it holds credentials: never echo it
    }
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    if (!user) throw new Error('broker.managementUrl carries no credentials (http://user:password@host:15672)');
    this.authorization = 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
    this.host = url.hostname;
    this.base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`; // fetch refuses URLs with credentials
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.log = options.log ?? (() => undefined);
  }

  /**
   * Makes sure the API answers and the account may import definitions. When nothing listens and the
   * broker is local, enables the management plugin and waits for the API to come up.
   */
  async ensureAvailable(): Promise<{ enabledPlugin: boolean }> {
    let enabledPlugin = false;
    if (!(await this.answers())) {
      if (!LOOPBACK.has(this.host)) {
        throw new Error(`RabbitMQ management API at ${this.base} is unreachable: enable rabbitmq_management on that broker`);
      }
      this.log(`management API at ${this.base} unreachable: enabling rabbitmq_management`);
      await (this.options.enablePlugin ?? enableManagementPlugin)();
      enabledPlugin = true;
      const deadline = Date.now() + this.startTimeoutMs;
      while (!(await this.answers())) {
        if (Date.now() > deadline) {
          throw new Error(`RabbitMQ management API at ${this.base} did not answer within ${this.startTimeoutMs / 1000} s after enabling rabbitmq_management`);
        }
        await sleep(500);
      }
      this.log('management API is up');
    }
    const me = await this.request<{ name: string; tags: string | string[] }>('GET', '/api/whoami', 'the management account');
    const tags = Array.isArray(me.tags) ? me.tags : me.tags.split(',');
    if (!tags.includes('administrator')) {
      throw new Error(`management account "${me.name}" is not an administrator: it cannot import definitions or create users`);
    }
    return { enabledPlugin };
  }

  async putVhost(name: string, description: string): Promise<void> {
    await this.request('PUT', `/api/vhosts/${enc(name)}`, `vhost "${name}"`, { description });
  }

  /** Imports the vhost-scoped objects (exchanges, queues, bindings) into one vhost. */
  async importDefinitions(vhost: string, definitions: VhostDefinitions): Promise<void> {
    const { exchanges, queues, bindings } = definitions;
    await this.request('POST', `/api/definitions/${enc(vhost)}`, `definitions of vhost "${vhost}"`, { exchanges, queues, bindings });
  }

  async putUser(user: UserDefinition): Promise<void> {
    const { password_hash, hashing_algorithm, tags } = user;
    // No response detail for users: nothing about a credential ends up in an error.
    await this.request('PUT', `/api/users/${enc(user.name)}`, `user "${user.name}"`, { password_hash, hashing_algorithm, tags: tags.join(',') }, false);
  }

  async getPermissions(vhost: string, user: string): Promise<PermissionDefinition | undefined> {
    return this.find<PermissionDefinition>(`/api/permissions/${enc(vhost)}/${enc(user)}`, `permissions of "${user}" on vhost "${vhost}"`);
  }

  async putPermissions(permission: PermissionDefinition): Promise<void> {
    const { user, vhost, configure, write, read } = permission;
    await this.request('PUT', `/api/permissions/${enc(vhost)}/${enc(user)}`, `permissions of "${user}" on vhost "${vhost}"`, { configure, write, read });
  }

  async getQueue(vhost: string, name: string): Promise<QueueInfo | undefined> {
    return this.find<QueueInfo>(`/api/queues/${enc(vhost)}/${enc(name)}`, `queue "${name}" in vhost "${vhost}"`);
  }

  async getExchange(vhost: string, name: string): Promise<ExchangeInfo | undefined> {
    return this.find<ExchangeInfo>(`/api/exchanges/${enc(vhost)}/${enc(name)}`, `exchange "${name}" in vhost "${vhost}"`);
  }

  /** The names of the broker's cluster members (one on a single broker). */
  async clusterMembers(): Promise<string[]> {
    return (await this.request<Array<{ name: string }>>('GET', '/api/nodes?columns=name', 'the cluster members')).map((n) => n.name);
  }

  async listBindings(vhost: string): Promise<BindingInfo[]> {
    return this.request<BindingInfo[]>('GET', `/api/bindings/${enc(vhost)}`, `bindings of vhost "${vhost}"`);
  }

  /** Deletes a vhost and everything in it; a missing vhost is fine. */
  async deleteVhost(name: string): Promise<void> {
    await this.request('DELETE', `/api/vhosts/${enc(name)}`, `vhost "${name}"`, undefined, true, [404]);
  }

  /** Deletes a user; a missing user is fine. */
  async deleteUser(name: string): Promise<void> {
    await this.request('DELETE', `/api/users/${enc(name)}`, `user "${name}"`, undefined, false, [404]);
  }

  private async find<T>(path: string, what: string): Promise<T | undefined> {
    return this.request<T | undefined>('GET', path, what, undefined, true, [404]);
  }

  /** True when anything answers HTTP on the API's address, whatever the status. */
  private async answers(): Promise<boolean> {
    try {
      await fetch(`${this.base}/api/overview`, { headers: { authorization: this.authorization }, signal: AbortSignal.timeout(this.requestTimeoutMs) });
      return true;
    } catch {
      return false;
    }
  }

  private async request<T = void>(method: string, path: string, what: string, body?: unknown, withReason = true, tolerated: number[] = []): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: this.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      throw new Error(`RabbitMQ management API: ${method} ${what} failed: ${describeNetworkError(error)} (${this.base})`);
    }
    if (tolerated.includes(response.status)) return undefined as T;
    const text = await response.text();
    if (!response.ok) {
      const reason = withReason ? reasonOf(text) : '';
      throw new ManagementApiError(
        response.status,
        `RabbitMQ management API: ${method} ${what} failed with HTTP ${response.status} ${response.statusText}${reason ? `: ${reason}` : ''}`,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** `rabbitmq-plugins enable rabbitmq_management` on the local broker. */
export async function enableManagementPlugin(): Promise<void> {
  try {
    await promisify(execFile)('rabbitmq-plugins', ['enable', 'rabbitmq_management'], { timeout: 120_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('rabbitmq-plugins not found: enable rabbitmq_management on the broker by hand');
    throw new Error(`rabbitmq-plugins enable rabbitmq_management failed: ${(e.stderr || e.message).trim().slice(0, 300)}`);
  }
}

const enc = encodeURIComponent;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function reasonOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { reason?: unknown; error?: unknown };
    const reason = parsed.reason ?? parsed.error;
    return typeof reason === 'string' ? reason.slice(0, 300) : JSON.stringify(reason ?? '').slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer (timeout)';
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code ?? (error instanceof Error ? error.message : 'network error');
}
