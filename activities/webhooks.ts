/**
 * The webhook activities the workflows ask for: recording a request occasion's event (the
 * license-request workflow), and one attempt at delivering it, giving up, and disabling an
 * endpoint that answered 410 Gone (the event's own delivery workflow). Each is safe to retry: the
 * event is stored once under its id, `deliver` sends a delivered event never again, and the
 * endpoint is disabled for one delivery only, so one partner mail follows.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../db/database';
import { countSentMail } from '../db/repositories/sent-mail';
import {
  disableWebhookEndpointFor,
  findWebhookDelivery,
  findWebhookEventTarget,
  markWebhookDeliveryFailed,
} from '../db/repositories/webhooks';
import { webhookEventId, webhookEventOf } from '../domain/webhook-events';
import type { WebhookEventType } from '../domain/webhooks';
import { businessMetrics } from '../observability/metrics';
import {
  recordWebhookEvent,
  whyUnwanted,
  type DeliveredAnswer,
  type DeliveryAttempt,
  type WebhookDeliverer,
} from './webhook-delivery';

/**
 * While an attempt runs it heartbeats this often, so that Temporal learns within the heartbeat
 * timeout (workflows/definitions.ts) that its worker died, and hands a retry what it knew.
 */
export const WEBHOOK_HEARTBEAT_EVERY_MS = 3_000;

/** What an attempt tells the next one, through Temporal (its heartbeats' details). */
interface AttemptDetails {
  /** The receiver answered 2xx, and the attempt had not recorded it (yet). */
  delivered?: DeliveredAnswer;
}

/** The occasion's mail that tells a partner its endpoint was disabled (activities/mail.ts). */
export const WEBHOOK_DISABLED_OCCASION = 'WEBHOOK_DISABLED';

export interface WebhookActivityDeps {
  db: Db;
  deliverer: WebhookDeliverer;
  /** The request as the API represents it (the event's `data`); undefined when it is not stored. */
  represent: (requestId: string) => Promise<unknown>;
}

export interface RecordRequestWebhookInput {
  requestId: string;
  partnerId: string;
  occasion: string;
  sequence: number;
  /** When the occasion came, by the workflow's clock: the event's `timestamp`. */
  occurredAt: string;
}

/** What the delivery workflow needs of a recorded event. */
export interface WebhookDeliveryInput {
  deliveryId: string;
  requestId: string;
  type: WebhookEventType;
}

/** One attempt, as the delivery workflow sees it. */
export type WebhookAttemptResult =
  | { kind: 'delivered'; status: number; attempts: number }
  /** Try again later: any other answer, no answer, or another attempt still holds the event. */
  | { kind: 'retry'; status: number | null; error: string }
  | { kind: 'gone' }
  /** Nothing more to do: delivered or given up before, or unknown. */
  | { kind: 'finished' }
  /** Not to be tried again: the endpoint is gone, unwanted, or the address is refused. */
  | { kind: 'stop'; error: string };

export function createWebhookActivities({ db, deliverer, represent }: WebhookActivityDeps) {
  return {
    /**
     * Stores the occasion's event for the partner's endpoint, if it has one that wants it; the
     * event's id then (also when an earlier attempt stored it), else null. A partner without an
     * endpoint costs one lookup.
     */
    async recordRequestWebhookEvent(input: RecordRequestWebhookInput): Promise<WebhookDeliveryInput | null> {
      const type = webhookEventOf(input.occasion);
      if (!type) return null;
      const id = webhookEventId(input.requestId, input.occasion, input.sequence);
      // Stored already (by an earlier attempt), or no endpoint that wants it: one statement either way.
      const { endpoint, recorded } = await findWebhookEventTarget(db, input.partnerId, id);
      if (recorded) return { deliveryId: id, requestId: input.requestId, type };
      if (whyUnwanted(endpoint, type)) return null;
      const data = await represent(input.requestId);
      if (data === undefined) {
        throw ApplicationFailure.nonRetryable(`license request ${input.requestId} is not in the database`);
      }
      const stored = await recordWebhookEvent(db, {
        id,
        partnerId: input.partnerId,
        requestId: input.requestId,
        type,
        occurredAt: new Date(input.occurredAt),
        data,
      });
      // Undefined: no endpoint wants it, or (a race with another attempt) it was stored meanwhile.
      if (stored || (await findWebhookDelivery(db, id))) return { deliveryId: id, requestId: input.requestId, type };
      return null;
    },

    /** One attempt at delivering the event; what happened, for the delivery workflow to decide on. */
    async deliverWebhook(input: WebhookDeliveryInput): Promise<WebhookAttemptResult> {
      const context = Context.current();
      const endsAt = Date.now() + (context.info.startToCloseTimeoutMs || 60_000);
      let details = (context.info.heartbeatDetails as AttemptDetails | undefined) ?? {};
      const heartbeat = () => context.heartbeat(details);
      const attempt: DeliveryAttempt = {
        deliveredBefore: details.delivered,
        // Should the record fail, the next heartbeat hands the 2xx to Temporal, and so to a retry.
        delivered(answer) {
          details = { delivered: answer };
        },
        // The database away for a while does not make a delivered event go out again.
        async persistently(work) {
          for (let wait = 500; ; wait = Math.min(wait * 2, 4000)) {
            try {
              return await work();
            } catch (error) {
              if (Date.now() + wait > endsAt - 5000) throw error;
              heartbeat();
              await new Promise((r) => setTimeout(r, wait));
            }
          }
        },
      };
      const alive = setInterval(heartbeat, WEBHOOK_HEARTBEAT_EVERY_MS);
      let result: Awaited<ReturnType<WebhookDeliverer['deliver']>>;
      try {
        result = await deliverer.deliver(input.deliveryId, attempt);
      } finally {
        clearInterval(alive);
      }
      switch (result.kind) {
        case 'delivered':
          businessMetrics.webhookAttempt(input.type, result.latencyMs);
          businessMetrics.webhookDelivered(input.type);
          return { kind: 'delivered', status: result.status, attempts: result.attempts };
        case 'retryable':
          if (result.latencyMs !== null) businessMetrics.webhookAttempt(input.type, result.latencyMs);
          return { kind: 'retry', status: result.status, error: result.error };
        case 'gone':
          businessMetrics.webhookAttempt(input.type, result.latencyMs);
          return { kind: 'gone' };
        case 'busy':
          return { kind: 'retry', status: null, error: 'another attempt at this event is in progress' };
        case 'refused':
          return { kind: 'stop', error: result.error };
        case 'no_endpoint':
          return { kind: 'stop', error: `Not sent: ${result.reason}.` };
        case 'already_delivered':
        case 'given_up':
        case 'not_found':
          return { kind: 'finished' };
      }
    },

    /** Gives up on the event (it stays visible, and the partner may redeliver it). */
    async giveUpWebhookDelivery(input: WebhookDeliveryInput & { reason: string }): Promise<void> {
      if (await markWebhookDeliveryFailed(db, input.deliveryId, input.reason)) {
        businessMetrics.webhookFailed(input.type);
      }
    },

    /**
     * Disables the partner's endpoint after this event's receiver answered 410 Gone. The sequence
     * of the partner's mail about it when this delivery disabled the endpoint (also on a retry),
     * null when it was disabled already (by another delivery, which mails).
     */
    async disableWebhookEndpointAfterGone(input: WebhookDeliveryInput): Promise<number | null> {
      const delivery = await findWebhookDelivery(db, input.deliveryId);
      if (!delivery) return null;
      const reason = `The receiver answered 410 Gone to event ${delivery.id} (${delivery.type}).`;
      if (!(await disableWebhookEndpointFor(db, delivery.partner_id, reason))) return null;
      // Mail about an earlier disabling of this request's events keeps its own sequence.
      return countSentMail(db, input.requestId, WEBHOOK_DISABLED_OCCASION);
    },
  };
}
