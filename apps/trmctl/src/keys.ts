import { Jwks, generateNodeKeys, isNodeId, privateJwksProblems, publicJwks, rotateNodeKeys } from '@trm/wire';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './errors';

export interface KeyDirs {
  /** Private JWKS files, `<node>.private.jwks.json`; readable by the operator only. */
  keysDir: string;
  /** Public JWKS files, `<node>.jwks.json`: the trust anchors partners configure. */
  trustDir: string;
}

export interface NodeKeyFiles {
  node: string;
  privateFile: string;
  publicFile: string;
  kids: string[];
  /** False when an existing private key was reused. */
  created: boolean;
}

export const privateKeyFile = (node: string, dirs: KeyDirs): string => join(dirs.keysDir, `${node}.private.jwks.json`);
export const trustAnchorFile = (node: string, dirs: KeyDirs): string => join(dirs.trustDir, `${node}.jwks.json`);

/** `trmctl keys generate`: a new signing and encryption key pair; an existing private key only with `force`. */
export function generateKeyFiles(node: string, dirs: KeyDirs, options: { force: boolean }): NodeKeyFiles {
  checkNodeId(node);
  const privateFile = privateKeyFile(node, dirs);
  if (existsSync(privateFile) && !options.force) {
    throw new CliError(
      `${privateFile} already exists; keep it, or replace it with --force ` +
        '(partners then need the new trust anchor, and data sealed to the old key can no longer be opened)',
    );
  }
  const { privateJwks, publicJwks: anchor } = generateNodeKeys(node);
  writePrivateJwks(privateFile, privateJwks, dirs.keysDir);
  const publicFile = writeTrustAnchor(node, anchor, dirs);
  return { node, privateFile, publicFile, kids: kids(privateJwks), created: true };
}

/**
 * For the demo: reuses the node's private key when there is one (rewriting its trust anchor from it, so the two always
 * match) and generates one otherwise.
 */
export function ensureKeyFiles(node: string, dirs: KeyDirs): NodeKeyFiles {
  const privateFile = privateKeyFile(node, dirs);
  if (!existsSync(privateFile)) return generateKeyFiles(node, dirs, { force: false });
  const privateJwks = readPrivateJwks(node, privateFile);
  const publicFile = writeTrustAnchor(node, publicJwks(privateJwks), dirs);
  return { node, privateFile, publicFile, kids: kids(privateJwks), created: false };
}

/**
 * `trmctl keys rotate`: new keys valid from `activateAt`, the current ones ending at `retireAt`. Restart the gateway
 * afterwards: it announces the new keys to every partner in a registry.update signed with the current key, and signs
 * with the new key from `activateAt` on. Partners need no new trust anchor.
 */
export function rotateKeyFiles(node: string, dirs: KeyDirs, activateAt: Date, retireAt: Date): NodeKeyFiles & { added: string[] } {
  checkNodeId(node);
  const privateFile = privateKeyFile(node, dirs);
  if (!existsSync(privateFile)) throw new CliError(`${privateFile} does not exist: generate the node's first keys with trmctl keys generate --node ${node}`);
  const current = readPrivateJwks(node, privateFile);
  let rotated: Jwks;
  try {
    rotated = rotateNodeKeys(node, current, activateAt, retireAt);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  writePrivateJwks(privateFile, rotated, dirs.keysDir);
  const publicFile = writeTrustAnchor(node, publicJwks(rotated), dirs);
  const before = new Set(kids(current));
  return { node, privateFile, publicFile, kids: kids(rotated), created: false, added: kids(rotated).filter((k) => !before.has(k)) };
}

export function readJwks(file: string): Jwks {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Jwks;
  } catch (err) {
    throw new CliError(`cannot read the key set ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function readPrivateJwks(node: string, file: string): Jwks {
  const jwks = readJwks(file);
  const problems = privateJwksProblems(jwks, node);
  if (problems.length) {
    throw new CliError(
      `${file} is not a usable private key set of ${node}: ${problems.join('; ')}. Move it away or run trmctl keys generate --node ${node} --force`,
    );
  }
  return jwks;
}

function writePrivateJwks(file: string, jwks: Jwks, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(jwks, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // the mode above applies only when the file is created
}

function writeTrustAnchor(node: string, jwks: Jwks, dirs: KeyDirs): string {
  const file = trustAnchorFile(node, dirs);
  mkdirSync(dirs.trustDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(jwks, null, 2)}\n`, { mode: 0o644 });
  return file;
}

const kids = (jwks: Jwks): string[] => jwks.keys.map((k) => k.kid);

function checkNodeId(node: string): void {
  if (!isNodeId(node)) throw new CliError(`"${String(node)}" is not a node id: two capital letters (AT), optionally a suffix (RS-ASTRA)`);
}
