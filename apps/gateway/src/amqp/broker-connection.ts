import { ChannelModel, connect, credentials } from 'amqplib';
import { TlsConfig } from '../config/node-config';
import { safeError } from '../logging/safe-error';

export interface BrokerConnectOptions {
  /** Shown in the broker's management UI, e.g. `trm-gateway AT->RS`. */
  connectionName: string;
  /** Give up on a connection not open within this time. */
  timeoutMs?: number;
}

/** A broker connection that could not be opened: its message says why in plain words, `reason` for the link's state. */
export class BrokerConnectError extends Error {
  readonly reason: LinkReason;

  constructor(failure: BrokerFailure) {
    super(failure.text);
    this.name = 'BrokerConnectError';
    this.reason = failure.reason;
  }
}

/**
 * Opens a connection to a broker, the node's own or a partner's: plain for `amqp://`, TLS 1.2 or later for `amqps://`
 * with only `tls.ca` trusted (pinned, not the system's CA store), our client certificate when configured, and SASL
 * EXTERNAL instead of the URL's password when `tls.externalAuth` says so. Fails with a BrokerConnectError.
 */
export function connectBroker(url: string, tls: TlsConfig | undefined, options: BrokerConnectOptions): Promise<ChannelModel> {
  return connectWith(url, tls, options).catch((err: unknown) => {
    throw new BrokerConnectError(describeBrokerFailure(err, tls));
  });
}

function connectWith(url: string, tls: TlsConfig | undefined, options: BrokerConnectOptions): Promise<ChannelModel> {
  return connect(withHeartbeat(url), {
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    noDelay: true, // amqplib leaves Nagle on: each lone publish or ack would wait ~20 ms for the broker's delayed ACK
    clientProperties: { connection_name: options.connectionName },
    ...(tls
      ? {
          ca: tls.ca,
          ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
          ...(tls.serverName ? { servername: tls.serverName } : {}),
          minVersion: 'TLSv1.2',
          ...(tls.externalAuth ? { credentials: credentials.external() } : {}),
        }
      : {}),
  });
}

/**
 * Seconds between AMQP heartbeats, unless the URL asks for its own (`?heartbeat=`). A member that stops answering
 * without closing the connection (its machine lost power, the network to it was cut) is taken for gone after two
 * missed heartbeats, so the next member is tried within seconds; with RabbitMQ's 60 s it took about three minutes,
 * while the node's queue had long moved to the other members.
 */
export const HEARTBEAT_SECONDS = 5;

/** `url` with the gateway's heartbeat, when it names none. */
export function withHeartbeat(url: string): string {
  if (/[?&]heartbeat=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${HEARTBEAT_SECONDS}`;
}

/**
 * Why a broker link is down, as the partners API shows it: a TLS problem by what is wrong, the broker refusing the
 * login, or the broker not reachable at all; `not-confirming` when it is connected but does not confirm publishes.
 */
export const LINK_REASONS = [
  'tls-unknown-ca',
  'tls-certificate-expired',
  'tls-hostname-mismatch',
  'tls-client-certificate-missing',
  'tls-client-certificate-refused',
  'tls-client-certificate-expired',
  'tls-failed',
  'login-refused',
  'unreachable',
  'not-confirming',
] as const;
export type LinkReason = (typeof LINK_REASONS)[number];

export interface BrokerFailure {
  reason: LinkReason;
  /** One line in plain words, no secrets: what is wrong, and Node's or OpenSSL's code for the record. */
  text: string;
}

/** What a failure to connect means, by the code Node's TLS or OpenSSL gives it (the broker's alert, when it refused us). */
const TLS_FAILURES: Record<string, { reason: LinkReason; text: string }> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { reason: 'tls-unknown-ca', text: "the broker's certificate is not issued by the pinned CA (tls.ca): unknown CA" },
  SELF_SIGNED_CERT_IN_CHAIN: { reason: 'tls-unknown-ca', text: "the broker's certificate is not issued by the pinned CA (tls.ca): unknown CA" },
  DEPTH_ZERO_SELF_SIGNED_CERT: { reason: 'tls-unknown-ca', text: "the broker's certificate is self-signed, not issued by the pinned CA (tls.ca): unknown CA" },
  UNABLE_TO_GET_ISSUER_CERT: { reason: 'tls-unknown-ca', text: "the broker's certificate is not issued by the pinned CA (tls.ca): unknown CA" },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { reason: 'tls-unknown-ca', text: "the broker's certificate is not issued by the pinned CA (tls.ca): unknown CA" },
  CERT_SIGNATURE_FAILURE: { reason: 'tls-unknown-ca', text: "the broker's certificate does not verify against the pinned CA (tls.ca)" },
  CERT_HAS_EXPIRED: { reason: 'tls-certificate-expired', text: "the broker's certificate has expired" },
  CERT_NOT_YET_VALID: { reason: 'tls-certificate-expired', text: "the broker's certificate is not valid yet (check this machine's clock)" },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    reason: 'tls-hostname-mismatch',
    text: "the broker's certificate does not name the host connected to: hostname mismatch (tls.serverName sets the name to expect)",
  },
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: {
    reason: 'tls-client-certificate-missing',
    text: 'the broker requires a client certificate and none was sent (tls.cert and tls.key)',
  },
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: {
    reason: 'tls-client-certificate-refused',
    text: 'the broker does not accept our client certificate: it is not issued by a CA the broker trusts (unknown CA)',
  },
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: {
    reason: 'tls-client-certificate-refused',
    text: 'the broker does not accept our client certificate (bad certificate)',
  },
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: {
    reason: 'tls-client-certificate-refused',
    text: 'the broker does not accept our client certificate (unsupported certificate)',
  },
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: {
    reason: 'tls-client-certificate-refused',
    text: 'the broker does not accept our client certificate: it is revoked',
  },
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: { reason: 'tls-client-certificate-refused', text: 'the broker does not accept our client certificate (access denied)' },
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: {
    reason: 'tls-client-certificate-expired',
    text: 'the broker does not accept our client certificate: it has expired',
  },
  ERR_SSL_WRONG_VERSION_NUMBER: { reason: 'tls-failed', text: 'the broker does not speak TLS on this port (amqps:// to a plain AMQP port?)' },
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: { reason: 'tls-failed', text: 'the broker offers no TLS version we accept (TLS 1.2 or later)' },
  ERR_SSL_UNSUPPORTED_PROTOCOL: { reason: 'tls-failed', text: 'the broker offers no TLS version we accept (TLS 1.2 or later)' },
};

/**
 * What went wrong opening a broker connection with `tls` (undefined: plain), in plain words. A BrokerConnectError
 * says it already, also as the `cause` of another error or among the `errors` of an AggregateError (several
 * members of a cluster tried): the first TLS or login problem among them, as it is one to fix.
 */
export function describeBrokerFailure(err: unknown, tls: TlsConfig | undefined): BrokerFailure {
  const said = connectErrorsIn(err);
  if (said.length) {
    const first = said.find((e) => e.reason !== 'unreachable') ?? said[0];
    return { reason: first.reason, text: said.length === 1 ? first.message : safeError(err) };
  }
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const known = TLS_FAILURES[code];
  if (known) return { reason: known.reason, text: `TLS: ${known.text} [${code}]` };
  // Under TLS 1.2 a broker that wants a client certificate and gets none ends the handshake with a bare failure.
  if (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')
    return tls && !tls.cert
      ? { reason: 'tls-client-certificate-missing', text: `TLS: the broker requires a client certificate and none was sent (tls.cert and tls.key) [${code}]` }
      : { reason: 'tls-failed', text: `TLS: the broker refused the handshake (no cipher or certificate in common?) [${code}]` };
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /CERT/.test(code))
    return { reason: 'tls-failed', text: `TLS: ${safeError(err)} [${code}]` };
  const message = (err as { message?: unknown })?.message;
  if (typeof message === 'string' && /ACCESS[-_]REFUSED/.test(message)) {
    const how = tls?.externalAuth ? "the client certificate's subject (SASL EXTERNAL)" : 'the user name and password of the URL';
    return { reason: 'login-refused', text: `the broker refused the login with ${how}: ${safeError(err)}` };
  }
  // The login passed, then the broker closed at connection.open: the account may not use the URL's vhost (amqplib
  // drops the broker's NOT_ALLOWED text). With EXTERNAL, the account is the certificate's CN, perhaps not ours.
  if (typeof message === 'string' && message.startsWith('Expected ConnectionOpenOk; got <ConnectionClose')) {
    const who = tls?.externalAuth ? "the client certificate's subject (SASL EXTERNAL: is its CN our account?)" : 'the user name of the URL';
    return {
      reason: 'login-refused',
      text: `the broker took the login but refused the virtual host of the URL to ${who}: no permissions there, or no such vhost`,
    };
  }
  return { reason: 'unreachable', text: safeError(err) };
}

function connectErrorsIn(err: unknown): BrokerConnectError[] {
  if (err instanceof BrokerConnectError) return [err];
  if (err instanceof AggregateError) return err.errors.flatMap(connectErrorsIn);
  if (err instanceof Error && err.cause !== undefined) return connectErrorsIn(err.cause);
  return [];
}
