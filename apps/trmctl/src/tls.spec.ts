import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTlsMaterial } from './tls';
import { tlsListenerConf } from './topology/tls-conf';

describe('trmctl tls create', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trm-tls-material-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes a CA, the broker's server certificate and a client certificate per account, keys readable by the owner only", async () => {
    const files = await createTlsMaterial({ node: 'RS', dir, clients: ['AT', 'gw-rs'], hosts: ['127.0.0.1', 'localhost'], days: 30, force: false });
    const ca = new X509Certificate(readFileSync(files.ca));
    const broker = new X509Certificate(readFileSync(files.broker.cert));
    expect(broker.checkIssued(ca) && broker.verify(ca.publicKey)).toBe(true);
    expect(broker.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(broker.checkHost('localhost')).toBe('localhost');
    expect(files.clients.map((c) => new X509Certificate(readFileSync(c.cert)).subject)).toEqual(['CN=AT', 'CN=gw-rs']);
    for (const c of files.clients) expect(new X509Certificate(readFileSync(c.cert)).verify(ca.publicKey)).toBe(true);
    for (const key of [files.caKey, files.broker.key, ...files.clients.map((c) => c.key)]) expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(files.ca).mode & 0o077).not.toBe(0);
    await expect(createTlsMaterial({ node: 'RS', dir, clients: ['AT'], hosts: [], days: 30, force: false })).rejects.toThrow(/already exists/);
  });

  it('refuses an account name a certificate cannot carry', async () => {
    await expect(createTlsMaterial({ node: 'RS', dir: join(dir, 'x'), clients: ['a b'], hosts: [], days: 1, force: false })).rejects.toThrow(
      '--clients: "a b" is not a broker account name',
    );
  });
});

describe('trmctl topology tls-conf', () => {
  const files = { caFile: '/etc/rabbitmq/tls/ca.pem', certFile: '/etc/rabbitmq/tls/broker.pem', keyFile: '/etc/rabbitmq/tls/broker-key.pem' };

  it('asks every client for a certificate from the CA, over TLS 1.3 or 1.2 only', () => {
    expect(tlsListenerConf({ listen: '5671', ...files, external: false })).toEqual([
      'listeners.ssl.default = 5671',
      'ssl_options.cacertfile = /etc/rabbitmq/tls/ca.pem',
      'ssl_options.certfile = /etc/rabbitmq/tls/broker.pem',
      'ssl_options.keyfile = /etc/rabbitmq/tls/broker-key.pem',
      'ssl_options.verify = verify_peer',
      'ssl_options.fail_if_no_peer_cert = true',
      'ssl_options.versions.1 = tlsv1.3',
      'ssl_options.versions.2 = tlsv1.2',
    ]);
  });

  it("with EXTERNAL, takes the certificate's CN as the account", () => {
    expect(tlsListenerConf({ listen: '5671', ...files, external: true }).slice(-3)).toEqual([
      'auth_mechanisms.1 = EXTERNAL',
      'auth_mechanisms.2 = PLAIN',
      'ssl_cert_login_from = common_name',
    ]);
  });
});
