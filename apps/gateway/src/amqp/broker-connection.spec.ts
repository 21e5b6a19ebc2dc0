import { TlsConfig } from '../config/node-config';
import { BrokerConnectError, HEARTBEAT_SECONDS, describeBrokerFailure, withHeartbeat } from './broker-connection';

const withCert: TlsConfig = { ca: 'CA', cert: 'CERT', key: 'KEY', serverName: null, externalAuth: false };
const withoutCert: TlsConfig = { ...withCert, cert: null, key: null };
const failure = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('describeBrokerFailure', () => {
  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls-unknown-ca', /not issued by the pinned CA \(tls\.ca\): unknown CA/],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls-unknown-ca', /unknown CA/],
    ['CERT_HAS_EXPIRED', 'tls-certificate-expired', /the broker's certificate has expired/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls-hostname-mismatch', /hostname mismatch/],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tls-client-certificate-missing', /requires a client certificate and none was sent/],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tls-client-certificate-refused', /does not accept our client certificate: it is not issued by a CA the broker trusts/],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'tls-client-certificate-expired', /does not accept our client certificate: it has expired/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls-failed', /does not speak TLS on this port/],
    ['ERR_SSL_SOMETHING_NEW', 'tls-failed', /^TLS: Error: x \[ERR_SSL_SOMETHING_NEW\]$/],
    ['ECONNREFUSED', 'unreachable', /^Error: x$/],
  ])('says what %s means', (code, reason, text) => {
    const described = describeBrokerFailure(failure(code), withCert);
    expect(described.reason).toBe(reason);
    expect(described.text).toMatch(text);
    if (code.startsWith('ERR_SSL') || code.includes('CERT')) expect(described.text).toContain(`[${code}]`);
  });

  it('takes a bare handshake failure (TLS 1.2) for a missing client certificate only when none is configured', () => {
    expect(describeBrokerFailure(failure('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), withoutCert).reason).toBe('tls-client-certificate-missing');
    expect(describeBrokerFailure(failure('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), withCert).reason).toBe('tls-failed');
  });

  it('tells a refused login by how we logged in', () => {
    const refused = new Error('Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"');
    expect(describeBrokerFailure(refused, withCert)).toEqual({
      reason: 'login-refused',
      text: expect.stringMatching(/with the user name and password of the URL/),
    });
    expect(describeBrokerFailure(refused, { ...withCert, externalAuth: true }).text).toMatch(/the client certificate's subject \(SASL EXTERNAL\)/);
  });

  it('tells an account the broker let in but kept out of the vhost (a certificate whose CN is another account) as a refused login', () => {
    // What amqplib says when the broker closes the connection at connection.open (530 NOT_ALLOWED).
    const closed = new Error('Expected ConnectionOpenOk; got <ConnectionClose channel:0>');
    expect(describeBrokerFailure(closed, { ...withCert, externalAuth: true })).toEqual({
      reason: 'login-refused',
      text: expect.stringMatching(/refused the virtual host of the URL to the client certificate's subject \(SASL EXTERNAL: is its CN our account\?\)/),
    });
  });
});

describe('BrokerConnectError', () => {
  const tlsFailure = new BrokerConnectError(describeBrokerFailure(failure('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), withCert));
  const refused = new BrokerConnectError(describeBrokerFailure(failure('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.2:5671'), withCert));

  it('keeps what it said, also as the cause of another error', () => {
    expect(describeBrokerFailure(tlsFailure, withCert)).toEqual({ reason: 'tls-client-certificate-refused', text: tlsFailure.message });
    expect(describeBrokerFailure(new Error('broker-1:5671: failed', { cause: tlsFailure }), withCert).reason).toBe('tls-client-certificate-refused');
  });

  it('among several members tried, names the TLS problem rather than a member that is down', () => {
    const all = new AggregateError([refused, tlsFailure], 'no broker member answers');
    expect(describeBrokerFailure(all, withCert).reason).toBe('tls-client-certificate-refused');
    expect(describeBrokerFailure(new AggregateError([refused], 'none'), withCert).reason).toBe('unreachable');
  });
});

const MEMBER = 'amqp://gw:secret@b1:5672/trm-at';

describe('withHeartbeat', () => {
  it("asks for the gateway's heartbeat unless the URL names its own", () => {
    expect(withHeartbeat(MEMBER)).toBe(`${MEMBER}?heartbeat=${HEARTBEAT_SECONDS}`);
    expect(withHeartbeat(`${MEMBER}?frameMax=8192`)).toBe(`${MEMBER}?frameMax=8192&heartbeat=${HEARTBEAT_SECONDS}`);
    expect(withHeartbeat(`${MEMBER}?heartbeat=20`)).toBe(`${MEMBER}?heartbeat=20`);
  });
});
