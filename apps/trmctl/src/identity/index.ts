import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Directory } from '../../../gateway/src/config/directory';
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
