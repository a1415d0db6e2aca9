/**
 * What the chaos scenarios promise, checked against what actually happened: every request that a
 * client started reaches its end state, in the read model and in Temporal (where a DECLINED one may
 * still wait for a reopening, see workflowDone), every mail it is owed arrived at the SMTP
 * listener exactly once (counted by the mail's deterministic Message-ID), and every webhook event
 * it is owed was answered 2xx by the partner's receiver exactly once (counted by its webhook-id).
 */
import type { ProcessStack } from '../dev/process-stack';
import type { MailOccasion, Status } from '../domain/license-request';
import { webhookEventId, webhookEventOf } from '../domain/webhook-events';
import { licenseRequestWorkflowId } from '../workflows/definitions';

export interface TrackedRequest {
  /** Our own name for it, also the prefix of its idempotency keys. */
  name: string;
  id?: string;
  expected: Extract<Status, 'COMPLETED' | 'DECLINED'>;
  startedAt: number;
  finishedAt?: number;
  /** Why the client gave up on it, if it did. */
  error?: string;
}

export const MAIL_DOMAIN = 'skolon.test';

const OWED: Record<TrackedRequest['expected'], MailOccasion[]> = {
  COMPLETED: ['CREATED', 'ANSWERED_YES', 'COMPLETED'],
  DECLINED: ['CREATED', 'ANSWERED_NO'],
};

export function owedMessageIds(request: TrackedRequest): string[] {
  return OWED[request.expected].map(
    (occasion) => `<license-request-${request.id}-${occasion.toLowerCase()}-0@${MAIL_DOMAIN}>`,
  );
}

/**
 * The webhook events a request is owed: those of its mail occasions that tell the partner's
 * system too (domain/webhook-events.ts), each the first of its occasion.
 */
export function owedWebhookIds(request: TrackedRequest): string[] {
  return OWED[request.expected]
    .filter((occasion) => webhookEventOf(occasion))
    .map((occasion) => webhookEventId(request.id!, occasion, 0));
}

/** The webhook-ids of this request's events start so (domain/webhook-events.ts). */
const webhookIdPrefix = (requestId: string) => webhookEventId(requestId, '', 0).replace(/_0$/, '');

export interface Audit {
  requests: number;
  completed: number;
  /** Requests that did not reach their end state, or that miss a mail they are owed. */
  lost: number;
  /** Mails received more than once (each extra copy counts one). */
  duplicateMails: number;
  /** Webhook events owed to the requests' partner. */
  webhooksOwed: number;
  /** Owed events the receiver never answered 2xx. */
  lostWebhooks: number;
  /** 2xx answers to an event beyond its first (each extra one counts one). */
  duplicateWebhooks: number;
  /** Arrivals whose sender was gone before the answer (a worker killed mid-delivery), sent again later. */
  webhooksCutOff: number;
  problems: string[];
}

/**
 * Whether the request's workflow is done with it: closed, or, for a DECLINED request, still running
 * but only waiting out its reopen window (support may reopen a NO for REOPEN_WINDOW_DAYS), with no
 * activity pending: its NO is recorded and its mail sent, and nothing else is due.
 */
async function workflowDone(stack: ProcessStack, id: string, expected: TrackedRequest['expected']): Promise<boolean> {
  try {
    const description = await stack.client.workflow.getHandle(licenseRequestWorkflowId(id)).describe();
    if (description.status.name === 'COMPLETED') return true;
    return (
      expected === 'DECLINED' &&
      description.status.name === 'RUNNING' &&
      (description.raw.pendingActivities ?? []).length === 0
    );
  } catch {
    return false;
  }
}

/**
 * Whether one request is done: end state in the read model and in Temporal, every mail arrived,
 * every webhook event answered 2xx.
 */
async function isDone(
  stack: ProcessStack,
  request: TrackedRequest,
  received: Map<string, number>,
  webhooks: Map<string, WebhookArrivals>,
): Promise<boolean> {
  if (!request.id) return false;
  if (!owedMessageIds(request).every((m) => (received.get(m) ?? 0) > 0)) return false;
  if (!owedWebhookIds(request).every((id) => (webhooks.get(id)?.delivered ?? 0) > 0)) return false;
  // ...and recorded so: the audit reads the records too.
  const unrecorded = await stack.db
    .selectFrom('webhook_delivery')
    .select('id')
    .where('request_id', '=', request.id)
    .where('status', '<>', 'DELIVERED')
    .execute()
    .catch(() => [undefined]);
  if (unrecorded.length > 0) return false;
  const row = await stack.db
    .selectFrom('license_request')
    .select('status')
    .where('id', '=', request.id)
    .executeTakeFirst()
    .catch(() => undefined);
  return row?.status === request.expected && (await workflowDone(stack, request.id, request.expected));
}

function receivedCounts(stack: ProcessStack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of stack.smtp.mails) counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1);
  return counts;
}

export interface WebhookArrivals {
  arrived: number;
  /** Answered 2xx. */
  delivered: number;
  /** The sender was gone before the answer. */
  cutOff: number;
}

/** What the partners' receiver saw, by webhook-id. */
export function webhookArrivals(stack: ProcessStack): Map<string, WebhookArrivals> {
  const byId = new Map<string, WebhookArrivals>();
  for (const request of stack.webhooks.received) {
    const id = String(request.headers['webhook-id']);
    const seen = byId.get(id) ?? { arrived: 0, delivered: 0, cutOff: 0 };
    seen.arrived++;
    if (request.answeredWith !== undefined && request.answeredWith >= 200 && request.answeredWith < 300)
      seen.delivered++;
    if (request.cutOff) seen.cutOff++;
    byId.set(id, seen);
  }
  return byId;
}

/**
 * Waits until every request is done (or `timeoutMs` passes) and returns when the last one was:
 * the end of the scenario's recovery.
 */
export async function settle(stack: ProcessStack, requests: TrackedRequest[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(requests.filter((r) => r.id));
  let last = Date.now();
  while (pending.size > 0 && Date.now() < deadline) {
    const received = receivedCounts(stack);
    const webhooks = webhookArrivals(stack);
    for (const request of [...pending]) {
      if (await isDone(stack, request, received, webhooks)) {
        pending.delete(request);
        last = Date.now();
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

export async function audit(stack: ProcessStack, requests: TrackedRequest[], organisationPrefix: string) {
  const received = receivedCounts(stack);
  const webhooks = webhookArrivals(stack);
  const result: Audit = {
    requests: requests.length,
    completed: 0,
    lost: 0,
    duplicateMails: 0,
    webhooksOwed: 0,
    lostWebhooks: 0,
    duplicateWebhooks: 0,
    webhooksCutOff: 0,
    problems: [],
  };
  for (const request of requests) {
    if (!request.id) {
      result.lost++;
      result.problems.push(`${request.name}: never created (${request.error ?? 'no answer'})`);
      continue;
    }
    const row = await stack.db
      .selectFrom('license_request')
      .select('status')
      .where('id', '=', request.id)
      .executeTakeFirst();
    const done = await workflowDone(stack, request.id, request.expected);
    const missing = owedMessageIds(request).filter((m) => !received.has(m));
    const notSent = await stack.db
      .selectFrom('sent_mail')
      .select(['occasion', 'status'])
      .where('request_id', '=', request.id)
      .where('status', '<>', 'SENT')
      .execute();
    const ok = row?.status === request.expected && done && missing.length === 0 && notSent.length === 0;
    if (ok) result.completed++;
    else {
      result.lost++;
      result.problems.push(
        `${request.name} (${request.id}): status ${row?.status ?? 'missing'}, workflow ${done ? 'done' : 'not done'}, ` +
          `missing mail ${missing.join(' ') || '-'}, unsent ${notSent.map((n) => `${n.occasion}:${n.status}`).join(' ') || '-'}` +
          (request.error ? `, client: ${request.error}` : ''),
      );
    }
    for (const [messageId, count] of received) {
      if (count > 1 && messageId.includes(`-${request.id}-`)) {
        result.duplicateMails += count - 1;
        const at = stack.smtp.mails
          .filter((m) => m.messageId === messageId)
          .map((m) => new Date(m.receivedAt).toISOString().slice(11, 23));
        result.problems.push(`${request.name}: ${messageId} arrived ${count} times (at ${at.join(', ')})`);
      }
    }
    // Every event owed answered 2xx once; none that is not owed.
    const owedWebhooks = owedWebhookIds(request);
    result.webhooksOwed += owedWebhooks.length;
    for (const id of owedWebhooks) {
      const seen = webhooks.get(id);
      if (!seen?.delivered) {
        result.lostWebhooks++;
        result.problems.push(`${request.name}: webhook ${id} never answered 2xx (arrived ${seen?.arrived ?? 0} times)`);
      }
    }
    for (const [id, seen] of webhooks) {
      if (!id.startsWith(webhookIdPrefix(request.id))) continue;
      result.webhooksCutOff += seen.cutOff;
      if (!owedWebhooks.includes(id)) result.problems.push(`${request.name}: webhook ${id} was not owed`);
      if (seen.delivered > 1) {
        result.duplicateWebhooks += seen.delivered - 1;
        result.problems.push(`${request.name}: webhook ${id} answered 2xx ${seen.delivered} times`);
      }
    }
    const undelivered = await stack.db
      .selectFrom('webhook_delivery')
      .select(['id', 'status'])
      .where('request_id', '=', request.id)
      .where('status', '<>', 'DELIVERED')
      .execute();
    for (const row of undelivered) result.problems.push(`${request.name}: webhook ${row.id} recorded ${row.status}`);
    // Exactly one answer in the history, however often the call was retried.
    const answers = await stack.db
      .selectFrom('history_event')
      .select('id')
      .where('request_id', '=', request.id)
      .where('event', '=', 'ANSWERED')
      .execute();
    if (answers.length !== 1) result.problems.push(`${request.name}: ${answers.length} ANSWERED events`);
  }
  // A create retried with its Idempotency-Key must not leave a second request behind.
  const stored = await stack.db
    .selectFrom('license_request')
    .select('id')
    .where('organisation_skolon_id', 'like', `${organisationPrefix}%`)
    .execute();
  const known = new Set(requests.map((r) => r.id));
  const strays = stored.filter((s) => !known.has(s.id));
  if (strays.length > 0) {
    result.problems.push(
      `${strays.length} stored request(s) no client knows of: ${strays.map((s) => s.id).join(', ')}`,
    );
  }
  return { ...result, strays: strays.length };
}
