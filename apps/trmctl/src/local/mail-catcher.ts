import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail as the SMTP server received it: envelope recipients and the parsed message. */
export interface ReceivedMail {
  to: string[];
  /** The From header as written (else the envelope's sender). */
  from: string;
  subject: string;
  text: string;
  messageId: string;
  raw: string;
  receivedAt: Date;
}

/**
 * A real SMTP server on loopback (no TLS, no auth) that keeps what it receives: the demo's mail catcher, and the
 * tests' mail server. It can be stopped and started again on the same port, as a mail server that goes away for a
 * while.
 */
export class SmtpCatcher {
  readonly mails: ReceivedMail[] = [];
  /** Told of each mail as it is kept. */
  onMail: ((mail: ReceivedMail) => void) | null = null;
  private server: SMTPServer | null = null;

  private constructor(public port: number) {}

  /** On `port` of 127.0.0.1; 0 for a free one (then `port` says which). */
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
              const mail: ReceivedMail = {
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                from: parsed.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                messageId: parsed.messageId ?? '',
                raw,
                receivedAt: new Date(),
              };
              this.mails.push(mail);
              callback();
              this.onMail?.(mail);
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
