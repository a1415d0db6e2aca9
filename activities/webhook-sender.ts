/**
 * Sends one webhook delivery to a partner's endpoint, guarded against server-side request forgery:
 * the partner chooses the URL, so without a guard a delivery could be aimed at our own network
 * (the database, a cloud metadata service, an admin port on loopback).
 *
 * - https only, no `localhost` names, no address literal outside public unicast (domain/webhooks.ts);
 * - the address a name resolves to is checked by request-filtering-agent inside the connection
 *   itself: its agent wraps the DNS lookup that the socket connects with, so the address checked is
 *   the address connected to. A name that resolved to a public address when it was configured and
 *   to a private one now (DNS rebinding) is refused here, before any byte is sent;
 * - a 10-second limit on the whole attempt, until the receiver's status line and headers;
 * - no redirects: a 3xx is an answer like any other non-2xx (Node's http client follows none).
 *
 * WEBHOOK_ALLOW_INSECURE (development and tests only) allows `http` and local and private addresses.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { checkWebhookUrlSyntax, DELIVERY_TIMEOUT_MS } from '../domain/webhooks';

export type SendResult =
  /** A 2xx: delivered. */
  | { kind: 'delivered'; status: number; latencyMs: number }
  /** Any other answer, no answer in time, or no connection: to be tried again later. */
  | { kind: 'retryable'; status: number | null; latencyMs: number | null; error: string }
  /** 410 Gone: the receiver says the endpoint no longer exists; trying again will not help. */
  | { kind: 'gone'; status: 410; latencyMs: number }
  /** Not sent: the URL, or an address its host resolves to, is not one a delivery may go to. */
  | { kind: 'refused'; error: string };

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookSenderOptions {
  allowInsecure: boolean;
  /** Default 10 s (DELIVERY_TIMEOUT_MS). */
  timeoutMs?: number;
  /** A resolver of its own (tests); the guard checks whatever it returns, as it does the system's. */
  lookup?: LookupFunction;
  /** Extra certificate authorities to trust (tests: a receiver with a self-signed certificate). */
  ca?: string | Buffer;
}

export interface WebhookSender {
  send(request: WebhookRequest): Promise<SendResult>;
  close(): void;
}

const USER_AGENT = 'license-request-service-webhooks/1';

/** The guard's own refusal (request-filtering-agent 2.x words it so, for names and literals alike). */
const REFUSED_BY_GUARD = /is not allowed\. Because/;

class AttemptTimeout extends Error {}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  // Unspecified addresses (0.0.0.0, ::) reach this machine on some systems: refused even when
  // insecure deliveries are allowed.
  const guard = { allowPrivateIPAddress: options.allowInsecure, allowMetaIPAddress: false };
  // No keep-alive: each attempt resolves and checks its address anew.
  const httpsAgent = new RequestFilteringHttpsAgent({
    ...guard,
    keepAlive: false,
    ...(options.ca && { ca: options.ca }),
  });
  const httpAgent = new RequestFilteringHttpAgent({ ...guard, keepAlive: false });

  function send(request: WebhookRequest): Promise<SendResult> {
    const checked = checkWebhookUrlSyntax(request.url, { allowInsecure: options.allowInsecure });
    if (!checked.ok) return Promise.resolve({ kind: 'refused', error: checked.problem });
    const { url } = checked;
    const body = Buffer.from(request.body, 'utf8');
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);

    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const settle = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const fail = (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof AttemptTimeout) {
          settle({ kind: 'retryable', status: null, latencyMs: null, error: message });
        } else if (REFUSED_BY_GUARD.test(message)) {
          settle({ kind: 'refused', error: `The address is not allowed: ${message}` });
        } else {
          const code = (error as { code?: unknown })?.code;
          settle({
            kind: 'retryable',
            status: null,
            latencyMs: null,
            error: typeof code === 'string' ? `${code}: ${message}` : message,
          });
        }
      };

      let req: http.ClientRequest;
      const timer = setTimeout(
        () => req?.destroy(new AttemptTimeout(`no answer within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const requestOptions: https.RequestOptions = {
        method: 'POST',
        agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': USER_AGENT,
        },
        ...(options.lookup && { lookup: options.lookup }),
      };
      try {
        req = (url.protocol === 'https:' ? https : http).request(url, requestOptions, (res) => {
          const status = res.statusCode ?? 0;
          const latencyMs = elapsed();
          // The status is the answer; the body is not read (nor waited for).
          res.destroy();
          if (status >= 200 && status < 300) settle({ kind: 'delivered', status, latencyMs });
          else if (status === 410) settle({ kind: 'gone', status: 410, latencyMs });
          else settle({ kind: 'retryable', status, latencyMs, error: `HTTP ${status}` });
        });
      } catch (error) {
        // request-filtering-agent 2.x refuses an address literal by throwing from createConnection.
        fail(error);
        return;
      }
      req.on('error', fail);
      req.end(body);
    });
  }

  return {
    send,
    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
}
