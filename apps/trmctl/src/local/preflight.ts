import { AddressInfo, createConnection, createServer } from 'node:net';
import { DEFAULT_AMQP_HOST, DEFAULT_DATABASE_URL } from './scratch-network';

export interface Service {
  name: string;
  host: string;
  port: number;
  /** What to run when it is not reachable. */
  start: string;
}

/** What the demo nodes (config/nodes/*.yaml) and the bench use: the local broker and database. */
export function localServices(env: NodeJS.ProcessEnv): Service[] {
  const database = new URL(env.TRM_DATABASE_URL || DEFAULT_DATABASE_URL);
  const broker = new URL(`amqp://${DEFAULT_AMQP_HOST}`);
  return [
    { name: 'RabbitMQ', host: broker.hostname, port: Number(broker.port || 5672), start: 'rabbitmq-server -detached' },
    {
      name: 'PostgreSQL',
      host: database.hostname,
      port: Number(database.port || 5432),
      start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    },
  ];
}

/** Whether something accepts TCP connections at host:port within `timeoutMs`. */
export function isReachable(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function unreachable(services: Service[]): Promise<Service[]> {
  const reachable = await Promise.all(services.map((s) => isReachable(s.host, s.port)));
  return services.filter((_, i) => !reachable[i]);
}

/** Whether a process already listens on host:port (a gateway left running, another program). */
export function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

/** A TCP port nothing listens on right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
