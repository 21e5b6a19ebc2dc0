import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validity, createCa, issueCertificate } from '../../apps/trmctl/src/tls';

export interface ServerCertificate {
  /** PEM of the CA a client trusts. */
  ca: string;
  /** Paths of the server's PEM certificate and its private key (mode 0600), as `http.tls` takes them. */
  cert: string;
  key: string;
}

/** A small CA of a test's own and a server certificate it signed for `ip` (subject alternative name), written to `dir`; `validity` for an expired one. */
export async function serverCertificate(dir: string, ip = '127.0.0.1', validity: Validity = {}): Promise<ServerCertificate> {
  const ca = await createCa('TRM test CA', 30);
  const server = await issueCertificate(ca, 'server', ip, { hosts: [ip], days: 30, ...validity });
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server.key');
  writeFileSync(cert, server.cert);
  writeFileSync(key, server.key, { mode: 0o600 });
  return { ca: ca.cert, cert, key };
}
