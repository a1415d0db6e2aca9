/**
 * An API client that behaves the way the README tells integrations to: every call that changes
 * something carries an Idempotency-Key, and a call that fails on the way (connection refused or
 * reset, 503 with Retry-After, 429) is sent again with the same key until it gets an answer.
 */

/** The fields of the API's answers that the scenarios look at. */
export interface ApiBody {
  id?: string;
  status?: string;
  response?: string;
  answeredAt?: string | null;
  apiKey?: string;
  /** A webhook's signing secret, in the answer that created it. */
  secret?: string;
  error?: { code: string; message: string };
}

export interface ApiAnswer {
  status: number;
  body: ApiBody | undefined;
}

export interface CallLog {
  /** Calls sent again after a failure on the way. */
  retries: number;
  /** 503 answers, and how many of them carried Retry-After. */
  unavailable: number;
  unavailableWithRetryAfter: number;
  /** Connections refused or dropped (the API process gone). */
  networkErrors: number;
  /** 5xx answers other than 503: never expected. */
  serverErrors: Array<{ path: string; status: number; body: unknown }>;
}

export function newCallLog(): CallLog {
  return { retries: 0, unavailable: 0, unavailableWithRetryAfter: 0, networkErrors: 0, serverErrors: [] };
}

export interface CallOptions {
  token: string;
  body?: unknown;
  idempotencyKey?: string;
  /** Give up (throw) after this long; default two minutes. */
  timeoutMs?: number;
  /** One attempt only: a network error is returned as status 0 instead of being retried. */
  once?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ApiClient {
  constructor(
    private readonly baseUrl: () => string,
    readonly log: CallLog = newCallLog(),
  ) {}

  async send(method: string, path: string, options: CallOptions): Promise<ApiAnswer> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    let backoff = 200;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.log.retries++;
      let answer: ApiAnswer | undefined;
      let retryAfterMs: number | undefined;
      try {
        const response = await fetch(`${this.baseUrl()}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${options.token}`,
            ...(options.body !== undefined && { 'content-type': 'application/json' }),
            ...(options.idempotencyKey && { 'idempotency-key': options.idempotencyKey }),
          },
          body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
          // Longer than the API's own 20-second wait for an update.
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        answer = { status: response.status, body: text ? (JSON.parse(text) as ApiBody) : undefined };
        const retryAfter = response.headers.get('retry-after');
        if (response.status === 503) {
          this.log.unavailable++;
          if (retryAfter) this.log.unavailableWithRetryAfter++;
        } else if (response.status >= 500) {
          this.log.serverErrors.push({ path, status: response.status, body: answer.body });
        }
        if (retryAfter) retryAfterMs = Number(retryAfter) * 1000;
      } catch (error) {
        this.log.networkErrors++;
        if (options.once) return { status: 0, body: { error: { code: 'network', message: String(error) } } };
      }
      const retry = !answer || answer.status >= 500 || answer.status === 429;
      if (!retry || options.once) return answer!;
      if (Date.now() > deadline) {
        throw new Error(`${method} ${path} got no answer in time (last: ${answer?.status ?? 'network error'})`);
      }
      await sleep(retryAfterMs ?? backoff);
      backoff = Math.min(backoff * 2, 2000);
    }
  }
}
