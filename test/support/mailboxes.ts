import { INestApplication } from '@nestjs/common';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { SmtpConfig } from '../../apps/gateway/src/config/node-config';
import { MailSender } from '../../apps/gateway/src/notifications/mail-sender';
import { WebhookSender } from '../../apps/gateway/src/notifications/webhook-sender';

// The SMTP server is trmctl's, which the demo runs as its mail catcher; so is the secret generator (trmctl webhook-secret).
export { SmtpCatcher, webhookSecret } from '../../apps/trmctl/src/local';
export type { ReceivedMail } from '../../apps/trmctl/src/local';

/** `notifications.smtp` for a catcher on this machine: no TLS, no credentials. */
export const catcherSmtp = (port: number, maxPerMailboxPerHour = 30, from = 'TRM <trm@example.org>'): SmtpConfig => ({
  host: '127.0.0.1',
  port,
  security: 'none',
  user: null,
  password: null,
  from,
  maxPerMailboxPerHour,
});

/** Sends what is due on each gateway — mails, then webhook calls — and waits until it is sent. */
export async function sendDueNotices(apps: Array<INestApplication | null>): Promise<void> {
  for (const app of apps) {
    await app?.get(MailSender).sendDue();
    await app?.get(WebhookSender).sendDue();
  }
}

/** A webhook call as received, its signature checked with the endpoint's secret. */
export interface ReceivedCall {
  id: string;
  timestamp: string;
  body: string;
  payload: { type: string; timestamp: string; data: Record<string, any> };
  verified: boolean;
}

/** A real HTTP receiver of webhook calls; it answers `status()` (200 unless a test says otherwise). */
export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  status: () => number = () => 200;
  private server!: Server;
  url = '';

  constructor(private readonly secret: string) {}

  static async start(secret: string): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret);
    receiver.server = createServer((req, res) => {
      void read(req).then((body) => {
        const headers = {
          'webhook-id': header(req, 'webhook-id'),
          'webhook-timestamp': header(req, 'webhook-timestamp'),
          'webhook-signature': header(req, 'webhook-signature'),
        };
        let verified = true;
        try {
          new Webhook(receiver.secret).verify(body, headers);
        } catch {
          verified = false;
        }
        receiver.calls.push({ id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], body, payload: JSON.parse(body), verified });
        res.writeHead(receiver.status()).end();
      });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/trm-events`;
    return receiver;
  }

  /** Distinct deliveries: calls by webhook-id (a retry repeats the id). */
  byId(): Map<string, ReceivedCall[]> {
    const out = new Map<string, ReceivedCall[]>();
    for (const c of this.calls) out.set(c.id, [...(out.get(c.id) ?? []), c]);
    return out;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const header = (req: IncomingMessage, name: string): string => String(req.headers[name] ?? '');

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
