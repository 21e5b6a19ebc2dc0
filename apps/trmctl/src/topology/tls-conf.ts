import { join } from 'node:path';

export interface TlsListenerOptions {
  /** Where the listener binds: a port, or address:port. */
  listen: string;
  /** The CA that issued the client certificates the broker accepts (each partner's, the gateway's own). */
  caFile: string;
  /** The broker's server certificate and its key (readable by the rabbitmq user only). */
  certFile: string;
  keyFile: string;
  /** Clients log in with their certificate's CN as the account (SASL EXTERNAL), password logins stay possible. */
  external: boolean;
}

/** The files `trmctl tls create` wrote for a broker, in its folder. */
export const brokerTlsFiles = (dir: string): Pick<TlsListenerOptions, 'caFile' | 'certFile' | 'keyFile'> => ({
  caFile: join(dir, 'ca.pem'),
  certFile: join(dir, 'broker.pem'),
  keyFile: join(dir, 'broker-key.pem'),
});

/**
 * The rabbitmq.conf lines of a TLS listener for TRM-AMQP/1 section 2: TLS 1.3 and 1.2 only, a client certificate
 * required and verified against `caFile` (mutual TLS); with `external`, SASL EXTERNAL taking the certificate's CN as
 * the broker account (plugin rabbitmq_auth_mechanism_ssl). The management API cannot set listeners: they go into the
 * broker's configuration file, and the broker is restarted.
 */
export function tlsListenerConf(o: TlsListenerOptions): string[] {
  return [
    `listeners.ssl.default = ${o.listen}`,
    `ssl_options.cacertfile = ${o.caFile}`,
    `ssl_options.certfile = ${o.certFile}`,
    `ssl_options.keyfile = ${o.keyFile}`,
    'ssl_options.verify = verify_peer',
    'ssl_options.fail_if_no_peer_cert = true',
    'ssl_options.versions.1 = tlsv1.3',
    'ssl_options.versions.2 = tlsv1.2',
    ...(o.external ? ['auth_mechanisms.1 = EXTERNAL', 'auth_mechanisms.2 = PLAIN', 'ssl_cert_login_from = common_name'] : []),
  ];
}
