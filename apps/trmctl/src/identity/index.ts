import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Directory } from '../../../gateway/src/config/directory';
import type { GatewaySpec } from '../local/gateway-processes';
import { displayPath, repoRoot, varDir } from '../paths';
import { ensureIssuer } from '../tokens';
import { startIdentityProvider } from './provider';

export { Account, AccountsFile, accountsOf, ensureAccounts } from './accounts';
export { RunningIdentityProvider, consoleClientId, startIdentityProvider } from './provider';

/** Where the demo runs each node's gateway (its console) and identity provider. */
export const DEMO_PORTS: Record<string, { gateway: number; provider: number }> = {
  AT: { gateway: 3001, provider: 3101 },
  RS: { gateway: 3002, provider: 3102 },
};

export const directoryFile = (node: string): string => join(repoRoot(), 'config', 'directory', `${node}.yaml`);
export const accountsFileOf = (node: string): string => join(varDir(), 'identity', `${node}.accounts.json`);

export interface IdentityProviderCommand {
  node: string;
  port: number;
  consoleUrl: string;
  /** The local issuer's key: issuer.private.jwk.json (var/auth, created on first use). */
  authDir: string;
  accountsFile: string;
  directoryFile: string;
}

/** `trmctl identity-provider`: runs until SIGINT or SIGTERM. The first line printed names its URL. */
export async function runIdentityProvider(command: IdentityProviderCommand, out: (line: string) => void): Promise<number> {
  const directory = parse(readFileSync(command.directoryFile, 'utf8')) as Directory;
  const issuer = await ensureIssuer(command.authDir);
  const provider = await startIdentityProvider({
    node: command.node,
    port: command.port,
    consoleUrl: command.consoleUrl,
    directory,
    accountsFile: command.accountsFile,
    signingKey: issuer.privateJwk,
  });
  out(`identity provider of ${command.node}: ${provider.url}`);
  out(`  client ${provider.clientId}, console ${command.consoleUrl}`);
  out(`  ${provider.accounts.accounts.length} sample accounts, passwords in ${displayPath(command.accountsFile)}`);
  out(
    `  the node accepts its tokens with auth.issuer ${provider.url} (TRM_AUTH_ISSUER) and auth.jwks ${displayPath(join(command.authDir, 'issuer.jwks.json'))}`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await provider.close();
  return 0;
}

export interface ProviderProcessOptions {
  node: string;
  port: number;
  consoleUrl: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  accountsFile?: string;
  authDir?: string;
  directoryFile?: string;
  /** The build's trmctl (dist/apps/trmctl/src/main.js) unless given. */
  entry?: string;
}

/** A node's identity provider as a process next to its gateway (demo, tests): start it with GatewayProcesses. */
export function identityProviderSpec(o: ProviderProcessOptions): GatewaySpec {
  const option = (name: string, value: string | undefined) => (value === undefined ? [] : [`--${name}`, value]);
  return {
    node: o.node,
    port: o.port,
    entry: o.entry ?? join(repoRoot(), 'dist', 'apps', 'trmctl', 'src', 'main.js'),
    logFile: o.logFile,
    env: o.env ?? process.env,
    label: `identity provider ${o.node}`,
    readyPath: '/.well-known/openid-configuration',
    args: [
      'identity-provider',
      '--node',
      o.node,
      '--port',
      String(o.port),
      '--console-url',
      o.consoleUrl,
      ...option('accounts', o.accountsFile),
      ...option('auth-dir', o.authDir),
      ...option('directory', o.directoryFile),
    ],
  };
}
