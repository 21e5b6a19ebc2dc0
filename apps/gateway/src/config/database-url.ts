/** The `target_session_attrs` of libpq the gateway can use: it writes, so never a standby. */
export const TARGET_SESSION_ATTRS = ['any', 'read-write', 'primary'] as const;
export type TargetSessionAttrs = (typeof TARGET_SESSION_ATTRS)[number];

export interface DatabaseHost {
  host: string;
  port: number;
  /** The URL with this host alone, and every query parameter but `target_session_attrs`: what node-postgres reads. */
  url: string;
}

export interface DatabaseTargets {
  hosts: DatabaseHost[];
  targetSessionAttrs: TargetSessionAttrs;
}

const URL_PARTS = /^(postgres(?:ql)?:\/\/)(?:([^@/?#]*)@)?([^/?#]*)([^?#]*)(?:\?([^#]*))?$/;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?$/;

/**
 * Reads a connection URL in libpq's syntax, which may list several hosts:
 * `postgres://user:password@h1:5432,h2:5432/db?target_session_attrs=read-write`. node-postgres takes one host per URL,
 * so each host gets a URL of its own. Throws a message naming what is wrong.
 */
export function parseDatabaseUrl(url: string): DatabaseTargets {
  const parts = URL_PARTS.exec(url);
  if (!parts) throw new Error('must be a postgres:// or postgresql:// URL');
  const [, scheme, userinfo, hostList, path, query] = parts;
  const params = new URLSearchParams(query ?? '');
  // An '@' past the credentials means one of them holds a character that ends them early ('/', '?', '@'): what follows
  // would be read as hosts or a path, and quoting it would put part of the password in the log.
  if (`${hostList}${path}`.includes('@') || [...params.keys()].some((k) => k.includes('@'))) {
    throw new Error("has an '@' after the user name and password: percent-encode '@', '/', '?' and '#' in them (%40, %2F, %3F, %23)");
  }
  const attrs = params.get('target_session_attrs') ?? 'any';
  if (!(TARGET_SESSION_ATTRS as readonly string[]).includes(attrs)) {
    throw new Error(`target_session_attrs must be one of ${TARGET_SESSION_ATTRS.join(', ')} (the gateway writes), not "${attrs}"`);
  }
  params.delete('target_session_attrs');
  const rest = `${path}${params.size ? `?${params.toString()}` : ''}`;
  const names = hostList.split(',');
  if (names.length > 1 && names.some((h) => !h)) throw new Error('lists an empty host');
  const hosts = names.map((name) => {
    if (!name) return { host: '', port: 5432, url: `${scheme}${userinfo !== undefined ? `${userinfo}@` : ''}${rest}` };
    const hp = HOST_PORT.exec(name);
    const port = Number(hp?.[2] ?? 5432);
    if (!hp || port < 1 || port > 65535) throw new Error(`has a host "${name}" that is not host or host:port`);
    return { host: hp[1].replace(/^\[|\]$/g, ''), port, url: `${scheme}${userinfo !== undefined ? `${userinfo}@` : ''}${hp[1]}:${port}${rest}` };
  });
  return { hosts, targetSessionAttrs: attrs as TargetSessionAttrs };
}

/** Why `url` cannot be used as `database.url`, or null. */
export function databaseUrlProblem(url: string): string | null {
  try {
    parseDatabaseUrl(url);
    return null;
  } catch (err) {
    return `database.url ${(err as Error).message}`;
  }
}
