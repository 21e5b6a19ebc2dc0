import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkReason } from '../apps/gateway/src/amqp/broker-connection';
import { loadNodeConfig } from '../apps/gateway/src/config/load-config';
import { TlsConfig } from '../apps/gateway/src/config/node-config';
import { startGateway } from '../apps/gateway/src/gateway';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { brokerTlsFiles, tlsListenerConf } from '../apps/trmctl/src/topology/tls-conf';
import { Issued, TestCa, createCa, issueCertificate } from '../apps/trmctl/src/tls';
import { call, eventually } from './support/http';
import { TestNetwork } from './support/network';
import { RabbitNode } from './support/rabbitmq-node';

const PLAIN_PORT = 5681;
const TLS_PORT = 5682;
const MANAGEMENT_PORT = 15681;

jest.setTimeout(240_000);

/**
 * Profile section 2: links between nodes over AMQPS with mutual TLS and the partner broker's CA pinned. One broker of
 * the test's own (plain listener for the nodes' own traffic, a TLS listener requiring client certificates, EXTERNAL
 * login by the certificate's CN) serves both nodes. AT reaches its own broker and RS's over TLS; RS answers over TLS
 * logging in with its certificate alone. Each broken piece of AT's material for RS stops the link with a log line
 * saying what is wrong and the reason in GET /v1/partners; what AT accepted meanwhile goes out once it is fixed.
 */
describe('mutual TLS on partner links', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trm-tls-'));
  let broker: RabbitNode;
  let net: TestNetwork;
  let ca: TestCa;
  let foreignCa: TestCa;
  let atClient: Issued;
  /** AT's account on RS's broker: the CN of AT's client certificates. */
  let atAccount: string;
  /** Every warning and error the gateways logged, with its logger's context. */
  const lines: string[] = [];

  const tlsOf = (trusted: TestCa, client: Issued | null, externalAuth = false): TlsConfig => ({
    ca: trusted.cert,
    cert: client?.cert ?? null,
    key: client?.key ?? null,
    serverName: null,
    externalAuth,
  });
  const amqps = (url: string, host = '127.0.0.1') => url.replace('amqp://', 'amqps://').replace(`127.0.0.1:${PLAIN_PORT}`, `${host}:${TLS_PORT}`);

  beforeAll(async () => {
    for (const level of ['warn', 'error'] as const) {
      const original = Logger.prototype[level];
      jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, message: unknown, ...rest: unknown[]) {
        lines.push(`${(this as unknown as { context?: string }).context}: ${String(message)}`);
        return original.call(this, message, ...rest);
      });
    }
    [ca, foreignCa] = await Promise.all([createCa('trm-tls test CA'), createCa('another CA')]);
    const server = await issueCertificate(ca, 'server', 'trm-tls broker', { hosts: ['127.0.0.1', 'localhost'] });
    const files = brokerTlsFiles(dir);
    writeFileSync(files.caFile, ca.cert);
    writeFileSync(files.certFile, server.cert);
    writeFileSync(files.keyFile, server.key, { mode: 0o600 });
    broker = new RabbitNode({
      name: 'trm-tls',
      port: PLAIN_PORT,
      plugins: ['rabbitmq_management', 'rabbitmq_auth_mechanism_ssl'],
      conf: [`management.tcp.port = ${MANAGEMENT_PORT}`, ...tlsListenerConf({ listen: `127.0.0.1:${TLS_PORT}`, ...files, external: true })],
    });
    await broker.start();
    net = await TestNetwork.create(['AT', 'RS'], {
      amqpHost: `127.0.0.1:${PLAIN_PORT}`,
      managementUrl: `http://guest:guest@127.0.0.1:${MANAGEMENT_PORT}`,
      // RS logs in on AT's broker with its client certificate: its account there has no password.
      tune: (c) => {
        if (c.node === 'AT') Object.assign(c.partners[0].inbound, { password: '', externalAuth: true });
      },
    });
    const at = net.node('AT').config;
    const rs = net.node('RS').config;
    atAccount = new URL(at.partners[0].endpoints[0]).username;
    atClient = await issueCertificate(ca, 'client', atAccount);
    const rsAccount = at.partners[0].inbound.username;
    const rsClient = await issueCertificate(ca, 'client', rsAccount);
    // AT's own broker over TLS too, by name (the certificate's DNS entry), with the gateway's password and a certificate.
    at.broker.urls = [amqps(at.broker.urls[0], 'localhost')];
    at.broker.tls = tlsOf(ca, await issueCertificate(ca, 'client', 'AT gateway'));
    at.partners[0].endpoints = [amqps(at.partners[0].endpoints[0])];
    at.partners[0].tls = tlsOf(ca, atClient);
    rs.partners[0].endpoints = [amqps(rs.partners[0].endpoints[0]).replace(/\/\/[^@]*@/, '//')];
    rs.partners[0].tls = tlsOf(ca, rsClient, true);
    await net.start('RS');
    await net.start('AT');
    await net.converged();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await net?.close();
    broker?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const handover = async (): Promise<string> => {
    const r = await call(net.node('AT').url, 'POST', '/v1/handovers', sampleReturnHandover());
    expect(r.status).toBe(202);
    return r.body.id as string;
  };
  const states = (ids: string[]) => net.sql<{ id: string; state: string }>('AT', 'SELECT id, state FROM outbound_message WHERE id = ANY($1::uuid[])', [ids]);
  const linkToRs = async () => {
    const r = await call(net.node('AT').url, 'GET', '/v1/partners');
    return (r.body.items as Array<{ node: string; link: { state: string; reason: string | null } }>).find((p) => p.node === 'RS')!.link;
  };
  const restartAt = async (tls: TlsConfig) => {
    await net.stop('AT');
    net.node('AT').config.partners[0].tls = tls;
    await net.start('AT');
  };

  it('delivers a handover over a link with the right certificates, and RS receipts it over TLS with EXTERNAL', async () => {
    const id = await handover();
    await eventually(async () => ((await states([id]))[0]?.state === 'delivered' ? true : undefined), 20_000, 'the handover receipted');
    expect(await linkToRs()).toEqual(expect.objectContaining({ state: 'up', reason: null }));
  });

  it("writes the material as the files of the node's YAML, which reads them back as they were", () => {
    const at = net.node('AT').config;
    const read = loadNodeConfig(net.writeNodeFiles('AT', join(dir, 'AT'), 0), {});
    expect([read.broker.tls, read.partners[0].tls, read.partners[0].inbound]).toEqual([at.broker.tls, at.partners[0].tls, at.partners[0].inbound]);
  });

  it('refuses the node to start when its own broker is not verified by the pinned CA', async () => {
    const config = { ...net.node('AT').config, broker: { ...net.node('AT').config.broker, tls: tlsOf(foreignCa, null) } };
    await expect(startGateway(config, { logger: false })).rejects.toThrow(/cannot connect to the node's broker: TLS: .*pinned CA.*unknown CA/);
  });

  describe('a broken link stops with the reason said, and what waited goes once it is fixed', () => {
    const waiting: string[] = [];
    let expired: Issued;
    let foreign: Issued;
    /** CN = RS's account on AT's vhost: the broker knows it, but it may not use RS's vhost. */
    let otherAccount: Issued;

    beforeAll(async () => {
      [expired, foreign, otherAccount] = await Promise.all([
        issueCertificate(ca, 'client', atAccount, { notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) }),
        issueCertificate(foreignCa, 'client', atAccount),
        issueCertificate(ca, 'client', net.node('AT').config.partners[0].inbound.username),
      ]);
    });

    it.each<[string, () => TlsConfig, LinkReason, RegExp]>([
      ['a CA that did not issue the broker certificate', () => tlsOf(foreignCa, atClient), 'tls-unknown-ca', /not issued by the pinned CA .*unknown CA/],
      ['no client certificate', () => tlsOf(ca, null), 'tls-client-certificate-missing', /requires a client certificate and none was sent/],
      [
        'a client certificate of another CA',
        () => tlsOf(ca, foreign),
        'tls-client-certificate-refused',
        /does not accept our client certificate: it is not issued by a CA the broker trusts/,
      ],
      [
        'a broker certificate that does not name the host',
        () => ({ ...tlsOf(ca, atClient), serverName: 'broker.elsewhere.example' }),
        'tls-hostname-mismatch',
        /does not name the host connected to: hostname mismatch/,
      ],
      ['an expired client certificate', () => tlsOf(ca, expired), 'tls-client-certificate-expired', /does not accept our client certificate: it has expired/],
      [
        'EXTERNAL with a certificate whose CN is another account',
        () => tlsOf(ca, otherAccount, true),
        'login-refused',
        /refused the virtual host of the URL to the client certificate's subject \(SASL EXTERNAL: is its CN our account\?\)/,
      ],
    ])('%s', async (_, tls, reason, said) => {
      const from = lines.length;
      await restartAt(tls());
      waiting.push(await handover());
      await eventually(async () => ((await linkToRs()).state === 'down' ? true : undefined), 20_000, 'the link down');
      expect(await linkToRs()).toEqual(expect.objectContaining({ state: 'down', reason }));
      await eventually(
        async () => (lines.slice(from).some((l) => l.startsWith('PartnerLink AT->RS') && said.test(l)) ? true : undefined),
        10_000,
        'the log line',
      );
      expect((await states(waiting)).every((r) => r.state !== 'delivered')).toBe(true);
    });

    it('once fixed, delivers everything that waited', async () => {
      await restartAt(tlsOf(ca, atClient));
      await eventually(async () => ((await states(waiting)).every((r) => r.state === 'delivered') ? true : undefined), 30_000, 'all delivered');
      const stored = await net.sql<{ id: string }>('RS', 'SELECT id FROM inbound_message WHERE id = ANY($1::uuid[])', [waiting]);
      expect(stored.map((r) => r.id).sort()).toEqual([...waiting].sort());
      expect(await linkToRs()).toEqual(expect.objectContaining({ state: 'up', reason: null }));
      // And no line said a private key or a password.
      const keyBody = atClient.key.split('\n')[1];
      const password = decodeURIComponent(new URL(net.node('AT').config.partners[0].endpoints[0]).password);
      expect(lines.filter((l) => l.includes(keyBody) || l.includes(password))).toEqual([]);
    });
  });
});
