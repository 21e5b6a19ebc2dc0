import { INestApplication, LogLevel } from '@nestjs/common';
import { Clock, SystemClock } from '../../apps/gateway/src/clock/clock';
import { NodeConfig } from '../../apps/gateway/src/config/node-config';
import { startGateway } from '../../apps/gateway/src/gateway';
import { DEFAULT_AMQP_HOST, DEFAULT_DATABASE_URL, ScratchNetwork, ScratchNode, ScratchOptions } from '../../apps/trmctl/src/local';
import { eventually, useToken } from './http';

export const DATABASE_URL = process.env.TRM_TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL;
export const AMQP_HOST = process.env.TRM_TEST_AMQP_HOST ?? DEFAULT_AMQP_HOST;

/** How long the token of each node's operator (the default token of `call`) lives. */
const OPERATOR_TOKEN_TTL_S = 10 * 365 * 86_400;

/** Gateway logs are off in tests; TRM_TEST_LOGS=1 shows them. */
const LOG_LEVELS: LogLevel[] | false = process.env.TRM_TEST_LOGS ? ['log', 'warn', 'error'] : false;

export interface TestNode extends ScratchNode {
  clock: Clock;
  app: INestApplication | null;
  /** Base URL of the running node's HTTP API. */
  url: string;
}

/** A scratch network whose nodes run inside the test process, each with its own (possibly manual) clock. */
export class TestNetwork extends ScratchNetwork {
  private readonly running = new Map<string, { clock: Clock; app: INestApplication | null; url: string }>();

  static override async create(ids: string[], options: Omit<ScratchOptions, 'prefix'> & { clocks?: Record<string, Clock> } = {}): Promise<TestNetwork> {
    const network = new TestNetwork('t', options.databaseUrl ?? DATABASE_URL);
    const tune = (config: NodeConfig) => {
      // The operator's token lives for years (below), and tests send many refused requests from one address on purpose;
      // the limits themselves are tested with their production defaults or a test's own `tune`.
      Object.assign(config.auth, { maxTokenLifetimeMs: OPERATOR_TOKEN_TTL_S * 1000, maxFailures: 1_000_000 });
      options.tune?.(config);
    };
    await network.populate(ids, { amqpHost: AMQP_HOST, ...options, tune });
    for (const id of ids) network.running.set(id, { clock: options.clocks?.[id] ?? new SystemClock(), app: null, url: '' });
    return network;
  }

  override node(id: string): TestNode {
    return { ...super.node(id), ...this.running.get(id)! };
  }

  async start(id: string): Promise<TestNode> {
    const state = this.running.get(id)!;
    if (!state.app) {
      state.app = await startGateway(super.node(id).config, { clock: state.clock, logger: LOG_LEVELS });
      state.url = (await state.app.getUrl()).replace('[::1]', '127.0.0.1');
      // The node's operator (coordinator and administrator), valid for years: tests move node clocks by months.
      useToken(state.url, await this.token(id, { roles: ['coordinator', 'administrator'], now: state.clock.now(), ttlSeconds: OPERATOR_TOKEN_TTL_S }));
    }
    return this.node(id);
  }

  /** A network of `ids`, each started in that order, once they hold each other's directories (`converged`). */
  static async started(ids: string[]): Promise<TestNetwork> {
    const network = await TestNetwork.create(ids);
    for (const id of ids) await network.start(id);
    await network.converged();
    return network;
  }

  /**
   * Waits until each of `ids` holds the published directory of every other node (they exchange registry updates at
   * start) and has nothing left waiting for a receipt.
   */
  async converged(ids: string[] = [...this.running.keys()], timeoutMs = 20_000): Promise<void> {
    for (const id of ids) {
      const others = [...this.nodes.keys()].filter((n) => n !== id);
      await eventually(
        async () => {
          const rows = await this.sql<{ node: string }>(id, 'SELECT node FROM partner_directory');
          return others.every((o) => rows.some((r) => r.node === o)) ? true : undefined;
        },
        timeoutMs,
        `${id} to hold the directories of ${others.join(', ')}`,
      );
    }
    // And every registry.update receipted: a receipt still in flight would reach whoever reads the queue next.
    for (const id of ids) {
      await eventually(
        async () =>
          (await this.sql<{ n: number }>(id, `SELECT count(*)::int AS n FROM outbound_message WHERE state IN ('queued', 'sent')`))[0].n === 0
            ? true
            : undefined,
        timeoutMs,
        `${id}'s registry updates to be receipted`,
      );
    }
  }

  async stop(id: string): Promise<void> {
    const state = this.running.get(id)!;
    const app = state.app;
    state.app = null;
    await app?.close();
  }

  async close(): Promise<void> {
    for (const id of this.running.keys()) await this.stop(id);
    await this.destroy();
  }
}
