/**
 * A real SMTP listener (smtp-server) that keeps every mail it accepts: for the tests to read, and
 * for the chaos and bench scripts to count. Like a real mail server, it keeps a message only once
 * it has answered 250 to it: a client that disconnects before that has not sent it.
 */
import { SMTPServer } from 'smtp-server';
import { headerOf } from '../activities/mail-headers';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  messageId: string;
  /** The text/plain part, decoded. */
  text: string;
  /** When the listener accepted it (ms since the epoch). */
  receivedAt: number;
}

export interface TestSmtpServer {
  url: string;
  mails: ReceivedMail[];
  /** Messages whose data has arrived but that are not answered yet (see `acceptDelayMs`). */
  inFlight(): number;
  /** Those messages: Message-ID, and when their data arrived (ms since the epoch). */
  inFlightMessages(): Array<{ messageId: string; since: number }>;
  /** Messages dropped because the client went away before the listener answered. */
  abandoned(): number;
  /** Answers no message until `release()` (each waits, as on a stalled server). */
  hold(): void;
  release(): void;
  /** Resolves once `count` mails matching `filter` have arrived (or rejects after `timeoutMs`). */
  waitFor(filter: (mail: ReceivedMail) => boolean, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** The decoded text/plain part of a message (nodemailer sends it quoted-printable or 7bit). */
function plainText(raw: string): string {
  const match = /Content-Type: text\/plain[^\n]*\r?\n((?:[^\r\n]+\r?\n)*)\r?\n([\s\S]*?)(?:\r?\n--|$)/i.exec(raw);
  if (!match) return '';
  const [, headers = '', body = ''] = match;
  if (!/quoted-printable/i.test(headers)) return body;
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export interface SmtpServerOptions {
  /** Answer 550 to RCPT TO for the addresses this returns true for (a permanent refusal). */
  rejectRecipients?: (address: string) => boolean;
  /**
   * Answer 450 4.2.0 (greylisted: try again later) to RCPT TO for the addresses this returns true
   * for; `attempt` counts this listener's RCPT TOs for the address, from 1.
   */
  deferRecipients?: (address: string, attempt: number) => boolean;
  /** Listen on this port instead of a free one (e.g. to come back on the port of a closed listener). */
  port?: number;
  /** Wait this long before answering a message's data (a slow mail server: keeps sends in flight). */
  acceptDelayMs?: number;
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const closed = new Set<string>();
  const inFlight = new Set<{ messageId: string; since: number }>();
  let abandoned = 0;
  let held: Array<() => void> | undefined;
  const rcptCounts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.(address.address)) {
        const error = Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 });
        callback(error);
        return;
      }
      const attempt = (rcptCounts.get(address.address) ?? 0) + 1;
      rcptCounts.set(address.address, attempt);
      if (options.deferRecipients?.(address.address, attempt)) {
        const error = Object.assign(new Error(`4.2.0 <${address.address}>: greylisted, try again later`), {
          responseCode: 450,
        });
        callback(error);
        return;
      }
      callback();
    },
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: headerOf(raw, 'Subject'),
          messageId: headerOf(raw, 'Message-ID'),
          text: plainText(raw),
          receivedAt: 0,
        };
        const pending = { messageId: mail.messageId, since: Date.now() };
        const accept = () => {
          inFlight.delete(pending);
          if (closed.has(session.id)) {
            // The client is gone before hearing 250: the message was not sent.
            abandoned++;
            callback(new Error('connection closed'));
            return;
          }
          mail.receivedAt = Date.now();
          mails.push(mail);
          for (const w of waiters) w();
          callback();
        };
        inFlight.add(pending);
        const answer = () => (held ? held.push(accept) : accept());
        if (options.acceptDelayMs) setTimeout(answer, options.acceptDelayMs);
        else answer();
      });
    },
  });
  // A client that dies mid-conversation (a SIGKILLed worker) resets its connection; smtp-server
  // reports that as an 'error' event, which would take the whole process down without a listener.
  // The mail it was sending is simply not kept, as with a real server.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    // The listener offers no STARTTLS: clients must opt out of requiring it (activities/mailer.ts).
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    mails,
    inFlight: () => inFlight.size,
    inFlightMessages: () => [...inFlight],
    abandoned: () => abandoned,
    hold: () => {
      held ??= [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const accept of waiting) accept();
    },
    waitFor(filter, count = 1, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = mails.filter(filter);
          if (found.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`only ${mails.filter(filter).length} of ${count} expected mails arrived in ${timeoutMs} ms`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
