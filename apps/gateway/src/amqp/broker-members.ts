import { ChannelModel } from 'amqplib';
import { safeError } from '../logging/safe-error';
import { BrokerConnectError } from './broker-connection';

/** A connection to one member of a broker cluster, and which of the listed members it is. */
export interface MemberConnection {
  model: ChannelModel;
  member: number;
  /**
   * The members tried before it that refused for a problem to fix (TLS, login), not for being down, each as
   * `host:port: why`: the caller logs them, as the link works and nothing else would tell of them until failover.
   */
  misconfigured: string[];
}

/**
 * Connects to the first member of a broker cluster that answers, trying `urls` in turn from `first` (wrapping round),
 * each once. A caller that lost its connection to member `m` starts at `m + 1`, so it does not wait on the member that
 * just went away. Fails, naming each member tried (host and port, never the credentials), when none answers.
 */
export async function connectToMember(urls: readonly string[], first: number, open: (url: string) => Promise<ChannelModel>): Promise<MemberConnection> {
  const failures: string[] = [];
  const errors: unknown[] = [];
  const misconfigured: string[] = [];
  for (let i = 0; i < urls.length; i++) {
    const member = (first + i) % urls.length;
    try {
      return { model: await open(urls[member]), member, misconfigured };
    } catch (err) {
      if (err instanceof BrokerConnectError && err.reason !== 'unreachable') misconfigured.push(`${memberName(urls[member])}: ${err.message}`);
      errors.push(err);
      failures.push(`${memberName(urls[member])}: ${safeError(err)}`);
    }
  }
  // The members' own errors stay reachable (cause, errors): a TLS problem is told by what it is, not as "unreachable".
  if (urls.length === 1) throw new Error(failures[0], { cause: errors[0] });
  throw new AggregateError(errors, `no broker member answers (${failures.join('; ')})`);
}

/** `host:port` of a member's URL: what a log line may say of it (the URL holds credentials). */
export function memberName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'amqps:' ? '5671' : '5672')}`;
  } catch {
    return '(not a URL)';
  }
}
