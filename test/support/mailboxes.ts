import { ParsedMail, simpleParser } from 'mailparser';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

/** A mail as the SMTP server received it: envelope recipients and the parsed message. */
export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  messageId: string;
  raw: string;
}

/**
 * A real SMTP server on loopback (no TLS, no auth) that keeps what it receives. It can be stopped and started again on
 * the same port, as a mail server that goes away for a while.
 */
export class SmtpCatcher {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | null = null;

  private constructor(public port: number) {}

  static async start(port = 0): Promise<SmtpCatcher> {
    const catcher = new SmtpCatcher(port);
    await catcher.up();
    return catcher;
  }

  /** Mails whose envelope goes to `mailbox`. */
  to(mailbox: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(mailbox.toLowerCase()));
  }

  async up(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed: ParsedMail) => {
              this.mails.push({
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                messageId: parsed.messageId ?? '',
                raw,
              });
              callback();
            })
            .catch(callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
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

/** A Standard Webhooks secret: whsec_ and 32 random bytes in base64. */
export const webhookSecret = (): string => `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
