import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | undefined;

/** The repository root: the first directory above this module holding config/nodes (works from src/ and dist/). */
export function repoRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'config', 'nodes'))) return (root = dir);
    if (dirname(dir) === dir) throw new Error(`config/nodes not found above ${__dirname}: run trmctl from a checkout of the repository`);
  }
}

export const nodeConfigFile = (node: string): string => join(repoRoot(), 'config', 'nodes', `${node}.yaml`);

/** Runtime state of local nodes (gitignored): keys, trust anchors, link passwords, logs. */
export const varDir = (): string => join(repoRoot(), 'var');

/** Where the node configurations look for keys and trust anchors unless TRM_KEYS_DIR / TRM_TRUST_DIR say otherwise. */
export const defaultKeysDir = (): string => join(varDir(), 'keys');
export const defaultTrustDir = (): string => join(varDir(), 'trust');

/** A path inside the repository as the operator would type it from its root; others unchanged. */
export const displayPath = (file: string): string => (file.startsWith(`${repoRoot()}/`) ? file.slice(repoRoot().length + 1) : file);
