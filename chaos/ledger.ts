/**
 * What the chaos scenarios promise, checked against what actually happened: every request that a
 * client started reaches its end state, in the read model and in Temporal (where a DECLINED one may
 * still wait for a reopening, see workflowDone), and every mail it is owed arrived at the SMTP
 * listener exactly once (counted by the mail's deterministic Message-ID).
 */
import type { ProcessStack } from '../dev/process-stack';
import type { MailOccasion, Status } from '../domain/license-request';
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

export interface Audit {
  requests: number;
  completed: number;
  /** Requests that did not reach their end state, or that miss a mail they are owed. */
  lost: number;
  /** Mails received more than once (each extra copy counts one). */
  duplicateMails: number;
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

/** Whether one request is done: end state in the read model and in Temporal, every mail arrived. */
async function isDone(stack: ProcessStack, request: TrackedRequest, received: Map<string, number>): Promise<boolean> {
  if (!request.id) return false;
  if (!owedMessageIds(request).every((m) => (received.get(m) ?? 0) > 0)) return false;
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
    for (const request of [...pending]) {
      if (await isDone(stack, request, received)) {
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
  const result: Audit = { requests: requests.length, completed: 0, lost: 0, duplicateMails: 0, problems: [] };
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
