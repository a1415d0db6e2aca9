/**
 * The faults of issue 8, each injected for real into the service running as separate processes
 * (dev/process-stack.ts) while a stream of license requests moves through the HTTP API (each
 * scenario's partner with a webhook at the stack's receiver), and each audited afterwards
 * (chaos/ledger.ts): nothing lost, no mail twice, no webhook event twice.
 */
import { temporal } from '@temporalio/proto';
import type { ProcessStack } from '../dev/process-stack';
import { webhookDeliveryWorkflowId } from '../domain/webhook-events';
import { licenseRequestWorkflowId } from '../workflows/definitions';
import { ApiClient, newCallLog, type ApiAnswer, type CallLog } from './client';
import { audit, owedMessageIds, owedWebhookIds, settle, webhookArrivals, type TrackedRequest } from './ledger';

export interface FaultResult {
  fault: string;
  /** Requests started before the fault was over. */
  requests: number;
  /** Of those, the ones under way (not yet finished with their mail) when the fault struck. */
  inFlight: number;
  completed: number;
  lost: number;
  duplicateMails: number;
  /** Webhook events owed to the partner, those never answered 2xx, and 2xx answers beyond an event's first. */
  webhooksOwed: number;
  lostWebhooks: number;
  duplicateWebhooks: number;
  /** How long the failed part was away. */
  outageMs: number;
  /** From the failed part being back until the last request finished with its mail. */
  recoveryMs: number;
  notes: string[];
  /** Anything that breaks the promise; the run fails when this is not empty. */
  problems: string[];
}

export interface ChaosOptions {
  /** Requests started per scenario (a steady stream across the fault). */
  requests: number;
  /** How long PostgreSQL stays stopped. */
  databaseOutageMs: number;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const SCHOOLS = ['sch-1', 'sch-2'];

/** One partner's stream of requests, each driven create → answer → assign (one school at a time). */
class Load {
  readonly requests: TrackedRequest[] = [];
  readonly client: ApiClient;
  private readonly running: Array<Promise<void>> = [];
  private stream: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly stack: ProcessStack,
    readonly scenario: string,
    readonly partner: { id: string; apiKey: string },
    log: CallLog = newCallLog(),
  ) {
    this.client = new ApiClient(() => stack.apiUrl, log);
  }

  get organisationPrefix(): string {
    return `org-${this.scenario}-`;
  }

  static async forScenario(stack: ProcessStack, scenario: string): Promise<Load> {
    const client = new ApiClient(() => stack.apiUrl);
    const partner = await client.send('POST', '/v1/partners', {
      token: stack.adminToken,
      body: { id: `partner-${scenario}`, name: `Partner ${scenario}`, notificationEmail: `${scenario}@partner.test` },
    });
    const apiKey = partner.body?.apiKey;
    if (partner.status !== 201 || !apiKey)
      throw new Error(`creating the partner: ${partner.status} ${JSON.stringify(partner.body)}`);
    // The partner's system hears of every event at the stack's receiver.
    const webhook = await client.send('PUT', '/v1/partner/webhook', {
      token: apiKey,
      body: { url: `${stack.webhooks.origin}/hooks/${scenario}` },
    });
    if (webhook.status !== 200 || !webhook.body?.secret)
      throw new Error(`setting the partner's webhook: ${webhook.status} ${JSON.stringify(webhook.body)}`);
    return new Load(stack, scenario, { id: `partner-${scenario}`, apiKey });
  }

  /** Creates a request (201), without driving it further. */
  async create(index: number): Promise<TrackedRequest> {
    const request: TrackedRequest = {
      name: `${this.scenario}-${index}`,
      // One in four is declined; the others are answered YES and assigned.
      expected: index % 4 === 3 ? 'DECLINED' : 'COMPLETED',
      startedAt: Date.now(),
    };
    this.requests.push(request);
    const created = await this.client.send('POST', '/v1/license-requests', {
      token: this.stack.adminToken,
      idempotencyKey: `${request.name}-create`,
      body: {
        partnerId: this.partner.id,
        organisation: { skolonId: `${this.organisationPrefix}${index}`, name: `Kommun ${request.name}` },
        schools: SCHOOLS.map((skolonId) => ({ skolonId, name: `Skola ${skolonId}` })),
        contacts: [{ name: 'Anna', email: `anna-${request.name}@kommun.test` }],
      },
    });
    if (created.status !== 201 || !created.body?.id)
      throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    request.id = created.body.id;
    return request;
  }

  answerBody(request: TrackedRequest) {
    return { response: request.expected === 'DECLINED' ? 'NO' : 'YES' };
  }

  /** Answers and assigns a created request, each call retried with its key until it is answered. */
  async finish(request: TrackedRequest): Promise<void> {
    const path = `/v1/license-requests/${request.id}`;
    const expect = async (what: string, call: Promise<ApiAnswer>, status?: string) => {
      const answer = await call;
      if (answer.status !== 200 || (status && answer.body?.status !== status)) {
        throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    };
    const partner = { token: this.partner.apiKey };
    await expect(
      'answer',
      this.client.send('POST', `${path}/answer`, {
        ...partner,
        idempotencyKey: `${request.name}-answer`,
        body: this.answerBody(request),
      }),
    );
    if (request.expected === 'COMPLETED') {
      for (const [i, school] of SCHOOLS.entries()) {
        await expect(
          'assign',
          this.client.send('POST', `${path}/assignments`, {
            ...partner,
            idempotencyKey: `${request.name}-assign-${school}`,
            body: { schools: [school] },
          }),
          i === SCHOOLS.length - 1 ? 'COMPLETED' : undefined,
        );
      }
    }
    request.finishedAt = Date.now();
  }

  /** Milliseconds between two new requests of the stream; may change while it runs. */
  spacingMs = 100;

  /** Starts one request every `spacingMs` until `stop()` is called and at least `count` are started. */
  startStream(count: number, spacingMs: number): void {
    this.spacingMs = spacingMs;
    this.stream = (async () => {
      for (let i = 0; i < count || !this.stopped; i++) {
        const index = this.requests.length;
        this.running.push(
          this.create(index)
            .then((request) => this.finish(request))
            .catch((error: unknown) => {
              const request = this.requests[index];
              if (request) request.error = String(error);
            }),
        );
        await sleep(this.spacingMs);
      }
    })();
  }

  /** Stops starting new requests and waits for the clients of the started ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.stream;
    await Promise.all(this.running);
  }

  /** Requests under way at any of these instants: started, and not yet with their last mail and webhook. */
  inFlightAt(instants: number[]): number {
    const arrived = new Map(this.stack.smtp.mails.map((m) => [m.messageId, m.receivedAt]));
    for (const webhook of this.stack.webhooks.received) {
      if (webhook.answeredWith !== undefined && webhook.answeredWith < 300)
        arrived.set(String(webhook.headers['webhook-id']), webhook.at.getTime());
    }
    return this.requests.filter((r) => {
      const owed = r.id ? [...owedMessageIds(r), ...owedWebhookIds(r)] : [];
      const last = r.id ? Math.max(...owed.map((m) => arrived.get(m) ?? Infinity)) : Infinity;
      return instants.some((at) => r.startedAt <= at && last > at);
    }).length;
  }
}

async function report(
  stack: ProcessStack,
  load: Load,
  fault: string,
  times: { injectedAt: number; backAt: number; faultsAt?: number[] },
  notes: string[],
  problems: string[],
): Promise<FaultResult> {
  const lastDone = await settle(stack, load.requests, 5 * 60_000);
  const result = await audit(stack, load.requests, load.organisationPrefix);
  const log = load.client.log;
  if (log.serverErrors.length > 0) {
    problems.push(
      `${log.serverErrors.length} answer(s) with a 5xx other than 503: ${JSON.stringify(log.serverErrors[0])}`,
    );
  }
  if (log.unavailable > log.unavailableWithRetryAfter) {
    problems.push(`${log.unavailable - log.unavailableWithRetryAfter} 503 answer(s) without Retry-After`);
  }
  notes.push(
    `client: ${log.retries} call(s) retried (${log.unavailable} × 503 with Retry-After, ${log.networkErrors} × connection refused or dropped)`,
  );
  notes.push(
    `webhooks: ${result.webhooksOwed} event(s) owed, ${result.webhooksOwed - result.lostWebhooks} answered 2xx, ` +
      `${result.duplicateWebhooks} answered 2xx again (a 2xx whose record was lost, sent again with its webhook-id); ` +
      `${result.webhooksCutOff} attempt(s) cut off before the receiver answered, sent again with the same webhook-id`,
  );
  return {
    fault,
    requests: result.requests,
    inFlight: load.inFlightAt(times.faultsAt ?? [times.injectedAt]),
    completed: result.completed,
    lost: result.lost,
    duplicateMails: result.duplicateMails,
    webhooksOwed: result.webhooksOwed,
    lostWebhooks: result.lostWebhooks,
    duplicateWebhooks: result.duplicateWebhooks,
    outageMs: Math.max(0, times.backAt - times.injectedAt),
    recoveryMs: Math.max(0, lastDone - times.backAt),
    notes,
    problems: [...problems, ...result.problems],
  };
}

/** The pid part of a worker identity ("<pid>@<host>", the SDK's default). */
const pidOf = (identity: string | null | undefined) => Number.parseInt((identity ?? '').split('@')[0] ?? '', 10);

/** The live worker (its index) running the started attempt of `activityType` in the workflow, if any. */
async function workerRunning(
  stack: ProcessStack,
  workflowId: string,
  activityType: string,
): Promise<number | undefined> {
  const description = await stack.client.workflow
    .getHandle(workflowId)
    .describe()
    .catch(() => undefined);
  for (const activity of description?.raw.pendingActivities ?? []) {
    if (
      activity.activityType?.name !== activityType ||
      activity.state !== temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
    ) {
      continue;
    }
    const index = stack.workers.findIndex((w) => w?.alive() && w.pid === pidOf(activity.lastWorkerIdentity));
    if (index >= 0) return index;
  }
  return undefined;
}

/**
 * The workers in the middle of sending a mail now: the SMTP listener has the message's data since a
 * moment ago and will not answer it for a while yet, and the request's workflow shows the mail
 * activity started by that worker.
 */
async function workersSendingMail(stack: ProcessStack, load: Load): Promise<Set<number>> {
  const workers = new Set<number>();
  for (const message of stack.smtp.inFlightMessages().filter((m) => Date.now() - m.since < 300)) {
    const request = load.requests.find((r) => r.id && message.messageId.includes(`-${r.id}-`));
    if (!request) continue;
    const index = await workerRunning(stack, licenseRequestWorkflowId(request.id!), 'sendRequestMail');
    if (index !== undefined && stack.smtp.inFlightMessages().includes(message)) workers.add(index);
  }
  return workers;
}

/**
 * The workers in the middle of delivering a webhook now: the receiver has the request since a
 * moment ago and will not answer it for a while yet, and the event's delivery workflow shows the
 * attempt started by that worker.
 */
async function workersDeliveringWebhooks(stack: ProcessStack, load: Load): Promise<Set<number>> {
  const workers = new Set<number>();
  for (const webhook of stack.webhooks.unanswered().filter((w) => Date.now() - w.at.getTime() < 500)) {
    const id = String(webhook.headers['webhook-id']);
    if (!load.requests.some((r) => r.id && owedWebhookIds(r).includes(id))) continue;
    const index = await workerRunning(stack, webhookDeliveryWorkflowId(id), 'deliverWebhook');
    if (index !== undefined && stack.webhooks.unanswered().includes(webhook)) workers.add(index);
  }
  return workers;
}

/**
 * Waits until a worker (never one of `skip`) is in the middle of sending a mail and of delivering
 * a webhook at once, so that one kill cuts into both. Returns the worker's index.
 */
async function workerMidMailAndWebhook(
  stack: ProcessStack,
  load: Load,
  skip: ReadonlySet<number>,
  // A slow machine may take minutes to put one worker mid-mail and mid-webhook at once.
  timeoutMs = 180_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const mailing = await workersSendingMail(stack, load);
    if ([...mailing].some((i) => !skip.has(i))) {
      const delivering = await workersDeliveringWebhooks(stack, load);
      const both = [...mailing].find((i) => !skip.has(i) && delivering.has(i));
      if (both !== undefined) return both;
    }
    await sleep(25);
  }
  throw new Error('no worker was caught sending a mail and delivering a webhook at once');
}

/**
 * How long after the SMTP server's 250 a mail is recorded as sent: the window in which a worker
 * that dies leaves a mail that its retry sends again (same Message-ID). Measured over this load.
 */
async function recordWindow(stack: ProcessStack, load: Load): Promise<string> {
  await settle(stack, load.requests, 60_000);
  const rows = await stack.db
    .selectFrom('sent_mail')
    .select(['message_id', 'sent_at'])
    .where('status', '=', 'SENT')
    .execute();
  const sentAt = new Map(rows.map((r) => [r.message_id, r.sent_at?.getTime()]));
  const ids = new Set(load.requests.flatMap((r) => (r.id ? owedMessageIds(r) : [])));
  const gaps = stack.smtp.mails
    .filter((m) => ids.has(m.messageId) && sentAt.get(m.messageId) !== undefined)
    .map((m) => Math.max(0, sentAt.get(m.messageId)! - m.receivedAt))
    .sort((a, b) => a - b);
  const at = (q: number) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] ?? NaN;
  return (
    `from the SMTP server's 250 to the mail's record (${gaps.length} mails): ` +
    `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${gaps[gaps.length - 1] ?? NaN} ms`
  );
}

/** Waits until every mail the SMTP server has accepted is recorded as sent (at most 10 s). */
async function acceptedMailRecorded(stack: ProcessStack): Promise<void> {
  const accepted = new Set(stack.smtp.mails.map((m) => m.messageId));
  await until(
    'accepted mail recorded',
    async () => {
      const unrecorded = await stack.db
        .selectFrom('sent_mail')
        .select('message_id')
        .where('status', '=', 'SENDING')
        .execute();
      return !unrecorded.some((row) => accepted.has(row.message_id));
    },
    10_000,
  );
}

/** Waits until every webhook event the receiver answered 2xx is recorded as delivered (at most 10 s). */
async function answeredWebhooksRecorded(stack: ProcessStack): Promise<void> {
  const answered = [...webhookArrivals(stack)].filter(([, seen]) => seen.delivered > 0).map(([id]) => id);
  await until(
    'answered webhooks recorded',
    async () => {
      if (answered.length === 0) return true;
      const unrecorded = await stack.db
        .selectFrom('webhook_delivery')
        .select('id')
        .where('id', 'in', answered)
        .where('status', '<>', 'DELIVERED')
        .execute();
      return unrecorded.length === 0;
    },
    10_000,
  );
}

/**
 * SIGKILL a worker in the middle of sending a mail and delivering a webhook; restart it; then the
 * same for the other one.
 */
export async function killWorkers(stack: ProcessStack, options: ChaosOptions): Promise<FaultResult> {
  const load = await Load.forScenario(stack, 'kill-worker');
  const notes: string[] = [];
  const problems: string[] = [];
  load.startStream(options.requests, 300);
  await until('requests under way', () => load.requests.length >= options.requests / 3);
  const faultsAt: number[] = [];
  let injectedAt = 0;
  let backAt = 0;
  const abandonedBefore = stack.smtp.abandoned();
  const cutOffBefore = stack.webhooks.received.filter((w) => w.cutOff).length;
  const killed = new Set<number>();
  for (let round = 0; round < 2; round++) {
    // First whichever worker is caught sending, then the other one.
    const index = await workerMidMailAndWebhook(stack, load, killed);
    const worker = stack.workers[index]!;
    killed.add(index);
    // Mid-send means before the server's (or the receiver's) answer. Neither answers anything for a
    // moment, and what they accepted just before is recorded by then: what is killed is only ever
    // mid-send, never in the milliseconds between the answer and its record (see docs/performance.md).
    stack.smtp.hold();
    stack.webhooks.hold();
    await Promise.all([acceptedMailRecorded(stack), answeredWebhooksRecorded(stack)]);
    worker.child.kill('SIGKILL');
    await worker.exited;
    faultsAt.push(Date.now());
    injectedAt ||= Date.now();
    // The listener and the receiver must see the dead worker's connections close before they
    // answer anything: what was on them was cut off mid-send, and is not answered.
    await sleep(500);
    stack.smtp.release();
    stack.webhooks.release();
    options.log?.(`  killed ${worker.name} (pid ${worker.pid}) while it was sending a mail and a webhook`);
    notes.push(`${worker.name} (pid ${worker.pid}) killed at ${new Date().toISOString().slice(11, 23)}`);
    // Work on: the other worker carries on while this one comes back.
    await sleep(500);
    await stack.startWorker(index);
    backAt = Date.now();
  }
  await load.stop();
  notes.push(await recordWindow(stack, load));
  notes.push(
    `${killed.size} worker(s) killed mid-mail and mid-webhook; ` +
      `${stack.smtp.abandoned() - abandonedBefore} mail(s) cut off before the SMTP server accepted them, ` +
      `${stack.webhooks.received.filter((w) => w.cutOff).length - cutOffBefore} webhook(s) before the receiver answered`,
  );
  return report(
    stack,
    load,
    'SIGKILL a worker mid-mail and mid-webhook (twice, one each)',
    { injectedAt, backAt, faultsAt },
    notes,
    problems,
  );
}

/** SIGKILL the Temporal dev server with requests in flight; start it again on the same state. */
export async function restartTemporal(stack: ProcessStack, options: ChaosOptions): Promise<FaultResult> {
  const load = await Load.forScenario(stack, 'restart-temporal');
  load.startStream(options.requests, 150);
  await until('mail in flight', () => stack.smtp.inFlight() > 0 && load.requests.length >= options.requests / 2);
  const pids = stack.workers.map((w) => w?.pid);
  const injectedAt = Date.now();
  await stack.stopTemporal('SIGKILL');
  options.log?.('  Temporal dev server killed');
  await sleep(2000);
  await stack.startTemporal();
  const backAt = Date.now();
  options.log?.(`  Temporal dev server back after ${backAt - injectedAt} ms`);
  await load.stop();
  const problems: string[] = [];
  const notes: string[] = [];
  const alive = [stack.api, ...stack.workers].filter(
    (p) => p && p.alive() && [stack.api?.pid, ...pids].includes(p.pid),
  );
  if (alive.length !== stack.workers.length + 1) problems.push('a service process died with the Temporal server');
  else notes.push('API and workers rode it out (same processes)');
  return report(stack, load, 'Restart (SIGKILL) the Temporal dev server', { injectedAt, backAt }, notes, problems);
}

/** Stops PostgreSQL with requests in flight; meanwhile the API must answer 503 with Retry-After. */
export async function stopDatabase(stack: ProcessStack, options: ChaosOptions): Promise<FaultResult> {
  const load = await Load.forScenario(stack, 'stop-postgres');
  const notes: string[] = [];
  const problems: string[] = [];
  // Half the requests quickly, so that many are under way when the database stops; the rest spread
  // over the outage, arriving while it is away.
  load.startStream(options.requests, 100);
  await until('requests in flight', () => stack.smtp.inFlight() > 0 && load.requests.length >= options.requests / 2);
  load.spacingMs = Math.max(100, (2 * options.databaseOutageMs) / options.requests);
  const processes = [stack.api, ...stack.workers].map((p) => p?.pid);
  const injectedAt = Date.now();
  await stack.stopDatabase();
  options.log?.(`  PostgreSQL stopped for ${options.databaseOutageMs / 1000} s`);
  // What callers see meanwhile: a prompt 503 with Retry-After, from every kind of call.
  const probe = new ApiClient(() => stack.apiUrl);
  let probes = 0;
  const slowest = { ms: 0 };
  while (Date.now() - injectedAt < options.databaseOutageMs - 3000) {
    for (const [method, path, token, body] of [
      ['GET', '/v1/license-requests', stack.adminToken, undefined],
      ['GET', '/v1/partner/settings', load.partner.apiKey, undefined],
      ['POST', '/v1/partners', stack.adminToken, { id: `p-${probes}`, name: 'x', notificationEmail: 'x@x.test' }],
    ] as const) {
      const t0 = Date.now();
      const answer = await probe.send(method, path, { token, body, once: true });
      slowest.ms = Math.max(slowest.ms, Date.now() - t0);
      probes++;
      if (answer.status !== 503) problems.push(`${method} ${path} during the outage: ${answer.status}, not 503`);
    }
    const health = await fetch(`${stack.apiUrl}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (health !== 503) problems.push(`/health during the outage: ${health || 'no answer'}`);
    if (!stack.api?.alive()) {
      problems.push(`the API died while PostgreSQL was away:\n${stack.api?.output().slice(-3000)}`);
      break;
    }
    await sleep(1000);
  }
  if (probe.log.unavailableWithRetryAfter !== probes) problems.push('a 503 without Retry-After during the outage');
  notes.push(
    `${probes} probe calls during the outage: ${probe.log.unavailableWithRetryAfter} answered 503 with Retry-After ` +
      `(slowest ${slowest.ms} ms)`,
  );
  await sleep(Math.max(0, options.databaseOutageMs - (Date.now() - injectedAt)));
  await stack.startDatabase();
  const backAt = Date.now();
  options.log?.(`  PostgreSQL back after ${backAt - injectedAt} ms`);
  await load.stop();
  const survivors = [stack.api, ...stack.workers].filter((p) => p?.alive() && processes.includes(p.pid));
  if (survivors.length !== processes.length) problems.push('a service process crashed while PostgreSQL was away');
  else notes.push('API and workers rode it out (same processes, pool errors handled)');
  return report(
    stack,
    load,
    `Stop PostgreSQL for ${options.databaseOutageMs / 1000} s`,
    { injectedAt, backAt },
    notes,
    problems,
  );
}

/**
 * SIGKILL the API in the middle of a burst of answers and creates (each with an Idempotency-Key);
 * start it again and retry every call with its key: each retry gets the first accepted outcome.
 */
export async function killApi(stack: ProcessStack, options: ChaosOptions): Promise<FaultResult> {
  const load = await Load.forScenario(stack, 'kill-api');
  const notes: string[] = [];
  const problems: string[] = [];
  const half = Math.ceil(options.requests / 2);
  // Half the requests exist already and wait for an answer; the other half are created in the burst.
  const waiting = await Promise.all(Array.from({ length: half }, (_, i) => load.create(i)));
  await until('partners notified', () =>
    waiting.every((r) => stack.smtp.mails.some((m) => m.messageId.includes(`-${r.id}-created`))),
  );
  const once = new ApiClient(() => stack.apiUrl);
  const burst = [
    ...waiting.map((request) => ({
      kind: 'answer' as const,
      request,
      path: `/v1/license-requests/${request.id}/answer`,
      key: `${request.name}-answer`,
      body: load.answerBody(request),
    })),
    ...Array.from({ length: options.requests - half }, (_, j) => {
      const index = half + j;
      const request: TrackedRequest = {
        name: `kill-api-${index}`,
        expected: index % 4 === 3 ? 'DECLINED' : 'COMPLETED',
        startedAt: Date.now(),
      };
      load.requests.push(request);
      return {
        kind: 'create' as const,
        request,
        path: '/v1/license-requests',
        key: `${request.name}-create`,
        body: {
          partnerId: `partner-kill-api`,
          organisation: { skolonId: `${load.organisationPrefix}${index}`, name: `Kommun ${request.name}` },
          schools: SCHOOLS.map((skolonId) => ({ skolonId, name: `Skola ${skolonId}` })),
          contacts: [{ name: 'Anna', email: `anna-${request.name}@kommun.test` }],
        },
      };
    }),
  ];
  const tokenOf = (kind: 'answer' | 'create') => (kind === 'answer' ? load.partner.apiKey : stack.adminToken);
  // The burst: every call once, at the same time; the API dies as soon as the first answers are back.
  let answered = 0;
  const first = burst.map((call) =>
    once
      .send('POST', call.path, { token: tokenOf(call.kind), body: call.body, idempotencyKey: call.key, once: true })
      .then((answer) => {
        answered++;
        return answer;
      }),
  );
  await until('first answers of the burst', () => answered >= 1, 30_000);
  const api = stack.api!;
  api.child.kill('SIGKILL');
  await api.exited;
  const injectedAt = Date.now();
  const firstAnswers = await Promise.all(first);
  const cut = firstAnswers.filter((a) => a.status === 0).length;
  options.log?.(
    `  API killed mid-burst: ${burst.length - cut} of ${burst.length} calls answered before, ${cut} cut off`,
  );
  await stack.startApi();
  const backAt = Date.now();
  // Every call again with its key; a call cut off gets its outcome now, then once more to compare.
  const retry = (call: (typeof burst)[number]) =>
    load.client.send('POST', call.path, { token: tokenOf(call.kind), body: call.body, idempotencyKey: call.key });
  const outcome = (a: ApiAnswer) =>
    JSON.stringify({
      status: a.status,
      id: a.body?.id,
      state: a.body?.status,
      response: a.body?.response,
      answeredAt: a.body?.answeredAt,
    });
  let consistent = 0;
  for (const [i, call] of burst.entries()) {
    const firstAnswer = firstAnswers[i]!;
    const reference = firstAnswer.status === 0 || firstAnswer.status >= 500 ? await retry(call) : firstAnswer;
    const again = await retry(call);
    if (reference.status !== (call.kind === 'create' ? 201 : 200)) {
      problems.push(`${call.request.name} ${call.kind}: ${reference.status} ${JSON.stringify(reference.body)}`);
    }
    if (outcome(reference) !== outcome(again)) {
      problems.push(`${call.request.name} ${call.kind}: retry got ${outcome(again)}, first ${outcome(reference)}`);
    } else consistent++;
    if (call.kind === 'create') call.request.id ??= reference.body?.id;
  }
  notes.push(`${consistent} of ${burst.length} retried calls got the same outcome as the first accepted one`);
  // The read model and the workflows agree, and the requests go on to their end.
  await Promise.all(
    load.requests.map((request) =>
      // The answer once more (same key: same outcome), then the assignments.
      load.finish(request).catch((error: unknown) => (request.error = String(error))),
    ),
  );
  return report(
    stack,
    load,
    'SIGKILL the API mid-burst of answers and creates',
    { injectedAt, backAt },
    notes,
    problems,
  );
}
