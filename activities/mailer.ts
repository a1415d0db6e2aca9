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

/** The recipients of a sent mail that did not get it; every other recipient did. */
export interface SendResult {
  /** Refused for good (a 5xx reply to RCPT TO): sending again would not help. */
  refused: string[];
  /** Refused for now (a 4xx reply, e.g. greylisting): to be tried again later. */
  deferred: string[];
}

export interface Mailer {
  /**
   * Sends; resolves once the server accepted the mail for at least one recipient, with those it
   * refused. Rejects when it accepted it for none (see isPermanentMailFailure).
   */
  send(mail: OutgoingMail): Promise<SendResult>;
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

/**
 * `smtps://` is TLS from the first byte; `smtp://` must upgrade with STARTTLS (requireTLS), so a
 * server that does not offer it, or someone in between who strips it, gets no mail in clear: the
 * send fails and is retried. Only `?ignoreTLS=true` (a relay on this host, a test listener) opts out.
 */
export function smtpTlsOptions(url: URL): { requireTLS: true } | { ignoreTLS: true } | Record<string, never> {
  if (url.protocol === 'smtps:') return {};
  return url.searchParams.get('ignoreTLS') === 'true' ? { ignoreTLS: true } : { requireTLS: true };
}

export function createSmtpMailer(smtpUrl: string): Mailer {
  const url = new URL(smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...smtpTlsOptions(url),
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
      return refusedRecipients(info);
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
      return { refused: [], deferred: [] };
    },
    close: () => transport.close(),
  };
}

/**
 * Sorts the recipients nodemailer lists as rejected by the server's reply to each: `rejectedErrors`
 * holds one error per rejected recipient (`recipient`, `responseCode`), from the RCPT TO reply.
 * A 5xx is final (as in isPermanentMailFailure); anything else, or no reply code at all, is tried
 * again: a recipient wrongly deferred costs a retry, one wrongly refused loses the mail.
 */
export function refusedRecipients(info: {
  rejected?: Array<string | { address: string }>;
  rejectedErrors?: Array<{ recipient?: string; responseCode?: number }>;
}): SendResult {
  // nodemailer lists rejected recipients as strings or { address } objects depending on version.
  const rejected = (info.rejected ?? []).map((r) => (typeof r === 'string' ? r : r.address));
  const codes = new Map((info.rejectedErrors ?? []).map((e) => [e.recipient, e.responseCode]));
  return {
    refused: rejected.filter((r) => isPermanentReplyCode(codes.get(r))),
    deferred: rejected.filter((r) => !isPermanentReplyCode(codes.get(r))),
  };
}

/**
 * True when the server refused this mail for good: a 5xx reply to the recipients (EENVELOPE) or to
 * the message (EMESSAGE). Everything else (connection, timeouts, 4xx, authentication, TLS, a
 * 5xx greeting) is the server's or our configuration's trouble and is retried until it is fixed.
 */
export function isPermanentMailFailure(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  return (code === 'EENVELOPE' || code === 'EMESSAGE') && isPermanentReplyCode(responseCode);
}

/** A 5xx reply, but for 503 ("bad sequence of commands": a protocol hiccup, not a verdict on the mail). */
function isPermanentReplyCode(responseCode: unknown): boolean {
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && responseCode !== 503;
}
