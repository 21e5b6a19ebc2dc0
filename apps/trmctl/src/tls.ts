import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import * as x509 from '@peculiar/x509';
import { X509Certificate, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './errors';

x509.cryptoProvider.set(webcrypto as never); // its Crypto is the DOM type, which Node's webcrypto implements

/** ECDSA P-256: what RabbitMQ 3.10 on Erlang 25 and Node's TLS both take. */
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

/** A certificate and its private key, PEM. */
export interface Issued {
  cert: string;
  key: string;
}

/** A CA that signs the certificates below. */
export interface TestCa extends Issued {
  name: string;
  keys: webcrypto.CryptoKeyPair;
}

export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
}

const pemKey = async (key: webcrypto.CryptoKey): Promise<string> =>
  x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY') + '\n';

const newKeys = () => webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);

/** A self-signed CA named `CN=<cn>`, valid for `days` from a minute ago. */
export async function createCa(cn: string, days = 365): Promise<TestCa> {
  const keys = await newKeys();
  const name = `CN=${cn}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + days * DAY_MS),
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { name, keys, cert: cert.toString('pem') + '\n', key: await pemKey(keys.privateKey) };
}

/**
 * A certificate signed by `ca`: for a broker (`server`, its host names and addresses as subject alternative names) or
 * for a client (`client`, CN = the broker account it logs in as). Valid for `days` unless `validity` says otherwise
 * (an expired one for tests: notAfter in the past).
 */
export async function issueCertificate(
  ca: TestCa,
  use: 'server' | 'client',
  cn: string,
  options: { hosts?: string[]; days?: number } & Validity = {},
): Promise<Issued> {
  const keys = await newKeys();
  const hosts = options.hosts ?? [];
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${cn}`,
    issuer: ca.name,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: options.notAfter ?? new Date(Date.now() + (options.days ?? 365) * DAY_MS),
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([use === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      ...(hosts.length
        ? [new x509.SubjectAlternativeNameExtension(hosts.map((h) => ({ type: /^[\d.]+$|:/.test(h) ? ('ip' as const) : ('dns' as const), value: h })))]
        : []),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await pemKey(keys.privateKey) };
}

export interface TlsMaterialOptions {
  /** The node whose broker this is: names the CA and the folder. */
  node: string;
  dir: string;
  /** The broker accounts that get a client certificate (partners publishing to this broker, the gateway itself). */
  clients: string[];
  /** Names and addresses of the broker in its server certificate. */
  hosts: string[];
  days: number;
  force: boolean;
}

export interface TlsMaterialFiles {
  dir: string;
  ca: string;
  caKey: string;
  broker: { cert: string; key: string };
  clients: Array<{ account: string; cert: string; key: string; notAfter: string }>;
}

/**
 * `trmctl tls create`: a node's TLS material for tests and demos — a small CA, the broker's server certificate, a
 * client certificate per broker account — written to `dir` as PEM, private keys mode 0600. Production certificates
 * come from the country's PKI instead.
 */
export async function createTlsMaterial(options: TlsMaterialOptions): Promise<TlsMaterialFiles> {
  const { dir, node } = options;
  const caFile = join(dir, 'ca.pem');
  if (existsSync(caFile) && !options.force) {
    throw new CliError(`${caFile} already exists; keep it, or replace all of ${dir} with --force (partners then need the new CA)`);
  }
  if (!options.clients.length) throw new CliError('name the broker accounts that get a client certificate with --clients, e.g. --clients AT,RS-gateway');
  const bad = options.clients.find((c) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(c));
  if (bad !== undefined) throw new CliError(`--clients: "${bad}" is not a broker account name (letters, digits, . _ -)`);
  // <account>.pem sits next to ca.pem and broker.pem.
  const taken = options.clients.find((c) => ['ca', 'broker'].includes(c) || c.endsWith('-key'));
  if (taken !== undefined) throw new CliError(`--clients: "${taken}" would overwrite the file of the CA or the broker; name the account otherwise`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await createCa(`TRM test CA ${node}`, options.days);
  const write = (name: string, pem: string, secret = false): string => {
    const path = join(dir, name);
    writeFileSync(path, pem, { mode: secret ? 0o600 : 0o644 });
    if (secret) chmodSync(path, 0o600); // an existing file keeps its mode otherwise
    return path;
  };
  const broker = await issueCertificate(ca, 'server', `broker ${node}`, { hosts: options.hosts, days: options.days });
  const files: TlsMaterialFiles = {
    dir,
    ca: write('ca.pem', ca.cert),
    caKey: write('ca-key.pem', ca.key, true),
    broker: { cert: write('broker.pem', broker.cert), key: write('broker-key.pem', broker.key, true) },
    clients: [],
  };
  for (const account of options.clients) {
    const client = await issueCertificate(ca, 'client', account, { days: options.days });
    files.clients.push({
      account,
      cert: write(`${account}.pem`, client.cert),
      key: write(`${account}-key.pem`, client.key, true),
      notAfter: new X509Certificate(client.cert).validTo,
    });
  }
  return files;
}
