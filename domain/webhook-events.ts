/**
 * Which request occasions become webhook events, the events' ids, and how long and how often a
 * delivery is tried. Pure and free of libraries, so that workflow code may import it.
 */
import type { WebhookEventType } from './webhooks';

/**
 * The webhook event of each mail occasion that tells the partner something, by the occasion's name
 * (a string, so that occasions added later map here before they exist in MAIL_OCCASIONS). The
 * escalation to support tells the partner's system that the request is still unanswered, as a
 * reminder does. Occasions not listed (mail to the organisation's contacts) produce no event.
 */
export const WEBHOOK_EVENT_OF_OCCASION: Readonly<Record<string, WebhookEventType>> = {
  CREATED: 'license_request.created',
  UNANSWERED_REMINDER: 'license_request.reminder',
  UNANSWERED_ESCALATION: 'license_request.reminder',
  DEADLINE_NEAR: 'license_request.deadline_near',
  OVERDUE: 'license_request.overdue',
  DEADLINE_EXTENDED: 'license_request.deadline_extended',
  REOPENED: 'license_request.reopened',
  WITHDRAWN: 'license_request.withdrawn',
};

export function webhookEventOf(occasion: string): WebhookEventType | undefined {
  return Object.hasOwn(WEBHOOK_EVENT_OF_OCCASION, occasion) ? WEBHOOK_EVENT_OF_OCCASION[occasion] : undefined;
}

/**
 * The event's id (its webhook-id), made from the occasion as the mail's key is: recording the same
 * occasion again (a retried activity, a replayed workflow) names the same event.
 */
export function webhookEventId(requestId: string, occasion: string, sequence: number): string {
  return `msg_${requestId}_${occasion.toLowerCase()}_${sequence}`;
}

/** The delivery's own workflow id: one delivery workflow per event. */
export function webhookDeliveryWorkflowId(eventId: string): string {
  return `webhook-delivery-${eventId}`;
}

/** A delivery that has not succeeded is tried again until this long after its first attempt. */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

const FIRST_RETRY_MS = 30_000;
const LONGEST_WAIT_MS = 60 * 60 * 1000;

/**
 * The wait after failed attempt `attempt` (1, 2, …): 30 s, doubling, at most an hour; about 30
 * attempts in the 24 hours. A receiver back after ten minutes has its events within ten more.
 */
export function webhookRetryDelayMs(attempt: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1), LONGEST_WAIT_MS);
}
