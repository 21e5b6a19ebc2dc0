import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeConfig } from '../../apps/gateway/src/config/node-config';
import { Account, AccountsFile, identityProviderSpec } from '../../apps/trmctl/src/identity';
import { GatewayProcess, GatewayProcesses, freePort } from '../../apps/trmctl/src/local';
import { TestNetwork, TestNode } from './network';

const TRMCTL = join(__dirname, '../../dist/apps/trmctl/src/main.js');

export interface SignedNode {
  node: TestNode;
  /** The node's identity provider: its URL is the gateway's auth.issuer. */
  provider: GatewayProcess;
  accounts: AccountsFile;
}

/**
 * Test nodes whose gateways trust their own identity provider, each a `trmctl identity-provider` process of the build
 * (npm test builds first), with the network's issuer key and an accounts file in a temporary folder.
 */
export class IdentityNetwork {
  private constructor(
    readonly network: TestNetwork,
    private readonly processes: GatewayProcesses,
    private readonly dir: string,
    private readonly providers: Map<string, GatewayProcess>,
  ) {}

  static async start(ids: string[], options: { tune?: (config: NodeConfig) => void } = {}): Promise<IdentityNetwork> {
    const ports = new Map<string, { gateway: number; provider: number }>();
    for (const id of ids) ports.set(id, { gateway: await freePort(), provider: await freePort() });
    const providerUrl = (id: string) => `http://127.0.0.1:${ports.get(id)!.provider}`;
    const network = await TestNetwork.create(ids, {
      tune: (config) => {
        config.http.port = ports.get(config.node)!.gateway;
        config.auth.issuer = providerUrl(config.node);
        config.console.authority = providerUrl(config.node);
        options.tune?.(config);
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'trm-identity-'));
    const authDir = join(dir, 'auth');
    const processes = new GatewayProcesses();
    const providers = new Map<string, GatewayProcess>();
    const identity = new IdentityNetwork(network, processes, dir, providers);
    try {
      // The network's issuer key, where ensureIssuer finds it.
      mkdirSync(authDir, { mode: 0o700 });
      writeFileSync(join(authDir, 'issuer.private.jwk.json'), JSON.stringify(network.issuer.privateJwk), { mode: 0o600 });
      writeFileSync(join(authDir, 'issuer.jwks.json'), JSON.stringify(network.issuer.publicJwks));
      for (const id of ids) {
        const spec = identityProviderSpec({
          node: id,
          port: ports.get(id)!.provider,
          consoleUrl: `http://127.0.0.1:${ports.get(id)!.gateway}`,
          logFile: join(dir, `${id}.identity.log`),
          accountsFile: join(dir, `${id}.accounts.json`),
          authDir,
          entry: TRMCTL,
        });
        providers.set(id, processes.start(spec));
      }
      await Promise.all([...providers.values()].map((p) => processes.waitUntilServing(p, 30_000)));
      for (const id of ids) await network.start(id);
    } catch (err) {
      await identity.close();
      throw err;
    }
    return identity;
  }

  node(id: string): SignedNode {
    return {
      node: this.network.node(id),
      provider: this.providers.get(id)!,
      accounts: JSON.parse(readFileSync(this.accountsFile(id), 'utf8')) as AccountsFile,
    };
  }

  accountsFile(id: string): string {
    return join(this.dir, `${id}.accounts.json`);
  }

  /** A sample account of node `id`, e.g. `bmi-thb.coordination`, `auditor`, `admin`. */
  account(id: string, login: string): Account {
    const account = this.node(id).accounts.accounts.find((a) => a.login === login);
    if (!account) throw new Error(`no account ${login} at ${id}`);
    return account;
  }

  async close(): Promise<void> {
    await this.processes.stopAll();
    await this.network.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
