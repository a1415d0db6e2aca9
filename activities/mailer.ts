/**
 * The mail transport: SMTP through nodemailer, or, with no SMTP_URL, a local mailbox of .eml files
 * a person can open (list them with `npm run mailbox`).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Deterministic, so that a re-send after a crash is recognisably the same message. */
  messageId: string;
  /** A file-system-safe name for the local mailbox; the same mail overwrites its own file. */
  fileName: string;
}

export interface Mailer {
  /** Sends; resolves with the recipients the server refused while accepting the others. */
  send(mail: OutgoingMail): Promise<{ refused: string[] }>;
  close(): void;
  /** Where mail goes, for the start-up banner. */
  readonly description: string;
}

export const SMTP_TIMEOUTS = {
  // Shorter than the mail activity's 2-minute start-to-close timeout.
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
};

export function createSmtpMailer(smtpUrl: string): Mailer {
  const url = new URL(smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    ...SMTP_TIMEOUTS,
    // No pool: a pooled transport queues sends without a time limit, so a burst could wait past
    // the activity's timeout and be sent twice. One connection per mail keeps every send bounded.
  });
  const { host, port } = url;
  return {
    description: `SMTP ${host}:${port || 25}`,
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      });
      // nodemailer lists refused recipients as strings or { address } objects depending on version.
      const rejected = (info.rejected ?? []) as Array<string | { address: string }>;
      return { refused: rejected.map((r) => (typeof r === 'string' ? r : r.address)) };
    },
    close: () => transport.close(),
  };
}

export function createMailboxMailer(dir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `local mailbox ${dir} (list with: npm run mailbox)`,
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      });
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(dir, `${mail.fileName}.eml`);
      // Write then rename: a reader never sees half a mail.
      await fs.writeFile(`${file}.tmp`, info.message as Buffer);
      await fs.rename(`${file}.tmp`, file);
      return { refused: [] };
    },
    close: () => transport.close(),
  };
}

/**
 * True when the server refused this mail for good: a 5xx reply to the recipients (EENVELOPE) or to
 * the message (EMESSAGE). Everything else (connection, timeouts, 4xx, authentication, TLS, a
 * 5xx greeting) is the server's or our configuration's trouble and is retried until it is fixed.
 */
export function isPermanentMailFailure(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  return (
    (code === 'EENVELOPE' || code === 'EMESSAGE') &&
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600 &&
    responseCode !== 503 // "bad sequence of commands": a protocol hiccup, not a verdict on the mail
  );
}
