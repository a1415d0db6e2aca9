/**
 * Webhook events, from recording one to delivering it: `recordWebhookEvent` stores the event for a
 * partner whose endpoint wants it (once, however often it is called with the same id), and
 * `deliver(id)` makes one attempt. Both are written to be called from Temporal activities, which
 * are retried: `deliver` sends the same body with the same webhook-id on every attempt (a fresh
 * webhook-timestamp and signature each time, as receivers expect), never sends a delivered event
 * again, and never lets two attempts at one event run at once.
 *
 * What to do after a failed attempt (when to try again, for at least 24 hours; disabling an
 * endpoint that answered 410) is the caller's decision: the result says what happened.
 *
 * A 2xx whose record cannot be written at once (the database away) is not sent again: the attempt
 * tells its caller of the answer before recording it (Temporal keeps it in the activity's heartbeat
 * details), keeps trying to record it, and an attempt that is handed such an answer records it
 * instead of sending. Only a worker that dies in the moment between the 2xx and that report leaves
 * an event that is sent again, with the same webhook-id, which the receiver can tell.
 */
import type { Db } from '../db/database';
import {
  claimWebhookDelivery,
  findWebhookDelivery,
  findWebhookEndpoint,
  insertWebhookDelivery,
  recordWebhookAttempt,
  releaseWebhookDelivery,
  webhookSecretContext,
} from '../db/repositories/webhooks';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../db/schema';
import { SecretBoxError, type SecretBox } from '../db/secret-box';
import { DELIVERY_TIMEOUT_MS, type WebhookEventType } from '../domain/webhooks';
import type { SendResult, WebhookSender } from './webhook-sender';
import { signWebhook } from './webhook-signing';

/** How long an attempt holds its delivery: well past the HTTP timeout, so it never runs out mid-attempt. */
const CLAIM_MS = DELIVERY_TIMEOUT_MS + 20_000;

export type DeliverResult =
  | (SendResult & { attempts: number })
  /** Delivered before: nothing was sent. */
  | { kind: 'already_delivered' }
  /** Given up on before: nothing was sent. */
  | { kind: 'given_up' }
  /** Another attempt at this event is in progress: nothing was sent; try again after it. */
  | { kind: 'busy' }
  /** The partner has no endpoint for it now (removed, disabled, or the event type unsubscribed). */
  | { kind: 'no_endpoint'; reason: string }
  | { kind: 'not_found' };

/** A 2xx answer, as one attempt hands it to the next when it could not record it. */
export interface DeliveredAnswer {
  status: number;
  latencyMs: number;
}

/** How the caller (an activity) carries a 2xx over to the next attempt, and retries the record. */
export interface DeliveryAttempt {
  /** An earlier attempt's 2xx that it could not record: recorded now, and nothing sent. */
  deliveredBefore?: DeliveredAnswer;
  /** Told of a 2xx as soon as it came, before it is recorded. */
  delivered?: (answer: DeliveredAnswer) => void;
  /** Runs the record's write, retrying it while the attempt has time (default: once). */
  persistently?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface WebhookDeliveryDeps {
  db: Db;
  secrets: SecretBox;
  sender: WebhookSender;
  /** The clock for webhook-timestamp and the end of a rotation's overlap (tests move it). */
  now?: () => Date;
}

export interface WebhookEvent {
  /** The event's stable id (webhook-id): the same whenever this occasion is recorded again. */
  id: string;
  partnerId: string;
  requestId: string | null;
  type: WebhookEventType;
  occurredAt: Date;
  /** The request's representation, as the API shows it. */
  data: unknown;
}

/** Why the endpoint does not take events of this type now; undefined when it does. */
export function whyUnwanted(endpoint: WebhookEndpointRow | undefined, type: string): string | undefined {
  if (!endpoint) return 'the partner has no webhook endpoint';
  if (endpoint.disabled_at) return `the endpoint is disabled (${endpoint.disabled_reason ?? 'no reason given'})`;
  if (endpoint.events && !endpoint.events.includes(type)) return `the endpoint does not take ${type} events`;
  return undefined;
}

/**
 * Stores the event for delivery if the partner's endpoint takes it; the stored row, or undefined
 * when there is nothing to deliver (no endpoint, not wanted, or recorded before under this id).
 */
export async function recordWebhookEvent(db: Db, event: WebhookEvent): Promise<WebhookDeliveryRow | undefined> {
  if (whyUnwanted(await findWebhookEndpoint(db, event.partnerId), event.type)) return undefined;
  const payload = JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data });
  return insertWebhookDelivery(db, {
    id: event.id,
    partnerId: event.partnerId,
    requestId: event.requestId,
    type: event.type,
    payload,
  });
}

/** The secrets that sign now: the current one, and the previous one until its overlap ends. */
export function signingSecrets(endpoint: WebhookEndpointRow, secrets: SecretBox, now: Date): string[] {
  const context = webhookSecretContext(endpoint.partner_id);
  const current = secrets.open(endpoint.secret_sealed, context);
  const previousValid =
    endpoint.previous_secret_sealed !== null &&
    endpoint.previous_secret_expires_at !== null &&
    new Date(endpoint.previous_secret_expires_at).getTime() > now.getTime();
  if (!previousValid) return [current];
  try {
    return [current, secrets.open(endpoint.previous_secret_sealed!, context)];
  } catch (error) {
    // The previous secret only eases a rotation; one that no longer opens (sealed under a
    // WEBHOOK_SECRET_KEY since replaced) must not stop deliveries signed with the current one.
    if (error instanceof SecretBoxError) return [current];
    throw error;
  }
}

export function createWebhookDeliverer(deps: WebhookDeliveryDeps) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  /** One attempt at the delivery `id` (see the file's comment for what makes it safe to repeat). */
  async function deliver(id: string, attempt: DeliveryAttempt = {}): Promise<DeliverResult> {
    const persistently = attempt.persistently ?? ((work) => work());
    if (attempt.deliveredBefore) {
      const answer = attempt.deliveredBefore;
      const recorded = await persistently(() =>
        recordWebhookAttempt(db, id, {
          delivered: true,
          status: answer.status,
          latencyMs: answer.latencyMs,
          error: null,
        }),
      );
      // Undefined: that attempt recorded it after all.
      if (recorded) return { kind: 'delivered', ...answer, attempts: recorded.attempts };
    }
    const delivery = await claimWebhookDelivery(db, id, CLAIM_MS);
    if (!delivery) {
      const row = await findWebhookDelivery(db, id);
      if (!row) return { kind: 'not_found' };
      if (row.status === 'DELIVERED') return { kind: 'already_delivered' };
      if (row.status === 'FAILED') return { kind: 'given_up' };
      return { kind: 'busy' };
    }
    let result: SendResult;
    try {
      const endpoint = await findWebhookEndpoint(db, delivery.partner_id);
      const unwanted = whyUnwanted(endpoint, delivery.type);
      if (unwanted || !endpoint) {
        await releaseWebhookDelivery(db, id);
        return { kind: 'no_endpoint', reason: unwanted ?? 'no endpoint' };
      }
      const at = now();
      const headers = signWebhook({
        id: delivery.id,
        timestamp: at,
        body: delivery.payload,
        secrets: signingSecrets(endpoint, deps.secrets, at),
      });
      result = await deps.sender.send({ url: endpoint.url, headers: { ...headers }, body: delivery.payload });
    } catch (error) {
      // Nothing was sent, or nothing is known of it: the next attempt may take the event at once.
      await releaseWebhookDelivery(db, id);
      throw error;
    }
    if (result.kind === 'delivered') attempt.delivered?.({ status: result.status, latencyMs: result.latencyMs });
    const recorded = await persistently(() =>
      recordWebhookAttempt(db, id, {
        delivered: result.kind === 'delivered',
        status: result.kind === 'refused' ? null : result.status,
        latencyMs: result.kind === 'refused' ? null : result.latencyMs,
        error: result.kind === 'delivered' ? null : result.kind === 'gone' ? 'HTTP 410 Gone' : result.error,
      }),
    );
    // Undefined: no longer pending (given up meanwhile), so this attempt counts for nothing.
    return { ...result, attempts: recorded?.attempts ?? delivery.attempts + 1 };
  }

  return { deliver };
}

export type WebhookDeliverer = ReturnType<typeof createWebhookDeliverer>;
