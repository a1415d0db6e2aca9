/**
 * A partner's webhook receiver for tests and the chaos runs: a real HTTP or HTTPS server on
 * loopback that records every request it gets and answers as it is told to, one answer after
 * another (a status, or no answer at all). HTTPS uses a self-signed certificate for 127.0.0.1 and
 * localhost made with openssl; senders trust it through `ca`.
 *
 * For the chaos runs it can answer each request after a delay (so that deliveries are in flight to
 * cut into) and hold every answer for a while; it records which requests it answered, and with
 * what, and which ones lost their sender before the answer (nothing is answered on a closed connection).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: Date;
  /** The status it was answered with, once the answer is written. */
  answeredWith?: number;
  /** The sender was gone before the answer (a worker killed mid-delivery): nothing was answered. */
  cutOff?: boolean;
}

/** How to answer one request: an HTTP status (with headers), or no answer at all. */
export type ReceiverAnswer = number | { status: number; headers?: Record<string, string> } | 'hang';

export interface WebhookReceiver {
  /** `http(s)://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** The certificate to trust (HTTPS only). */
  readonly ca: string | undefined;
  readonly received: ReceivedWebhook[];
  /** Answers for the next requests, in order; after them, `fallback` (default 204). */
  answer(...answers: ReceiverAnswer[]): void;
  fallback: ReceiverAnswer;
  /** Requests that arrived and are not answered yet (held, delayed or hanging). */
  unanswered(): ReceivedWebhook[];
  /** Answers nothing from now until `release()` (answers fall due meanwhile are kept back). */
  hold(): void;
  /** Gives every kept-back answer, to the senders still there. */
  release(): void;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, ::1, localhost and `names`, valid for a day. */
export function selfSignedCertificate(names: string[] = []): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-receiver-'));
  try {
    const [keyFile, certFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    const run = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        `subjectAltName=${['IP:127.0.0.1', 'IP:::1', 'DNS:localhost', ...names.map((n) => `DNS:${n}`)].join(',')}`,
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) {
      throw new Error(`openssl could not make a test certificate: ${run.error?.message ?? run.stderr}`);
    }
    return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startWebhookReceiver(
  options: {
    https?: boolean;
    /** Host names the certificate names besides localhost (for a test's own resolver). */
    names?: string[];
    host?: string;
    /** A fixed port (a receiver that comes back where it was); default any free one. */
    port?: number;
    /** Each answer is given this long after the request arrived (default at once). */
    answerDelayMs?: number;
    /** A certificate of the caller's own (e.g. one the senders' processes trust already). */
    certificate?: { key: string; cert: string };
  } = {},
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queue: ReceiverAnswer[] = [];
  const waiters: Array<() => void> = [];
  const hanging = new Set<http.ServerResponse>();
  const certificate = options.certificate ?? (options.https ? selfSignedCertificate(options.names) : undefined);
  const unanswered = new Set<ReceivedWebhook>();
  let held: Array<() => void> | undefined;

  const respond = (record: ReceivedWebhook, res: http.ServerResponse, answer: ReceiverAnswer) => {
    if (held) {
      held.push(() => respond(record, res, answer));
      return;
    }
    if (answer === 'hang') {
      hanging.add(res);
      return;
    }
    unanswered.delete(record);
    // A sender that is gone (its process killed) gets nothing: no answer was given.
    if (res.destroyed || res.socket?.destroyed !== false) {
      record.cutOff = true;
      return;
    }
    const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
    res.writeHead(status, headers).end();
    record.answeredWith = status;
  };

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const record: ReceivedWebhook = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: new Date(),
      };
      received.push(record);
      unanswered.add(record);
      for (const wake of waiters.splice(0)) wake();
      const answer = queue.length > 0 ? queue.shift()! : receiver.fallback;
      if (options.answerDelayMs) setTimeout(() => respond(record, res, answer), options.answerDelayMs);
      else respond(record, res, answer);
    });
  };
  const server = certificate ? https.createServer(certificate, handler) : http.createServer(handler);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;

  const receiver: WebhookReceiver = {
    origin: `${certificate ? 'https' : 'http'}://${hostInUrl}:${port}`,
    port,
    ca: certificate?.cert,
    received,
    fallback: 204,
    answer(...answers) {
      queue.push(...answers);
    },
    unanswered: () => [...unanswered],
    hold() {
      held ??= [];
    },
    release() {
      const kept = held ?? [];
      held = undefined;
      for (const answer of kept) answer();
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`the receiver got ${received.length} requests, not ${count}, in ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        held = undefined;
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return receiver;
}
