/**
 * The workflow's first step as one local activity: store the new request, plan the first round's
 * reminders, and record the CREATED webhook event. The three always ran back to back in the
 * workflow's first task, which the create waits for; as one activity they are one marker in the
 * history and one activation of the workflow instead of three. Each part is safe to repeat, so a
 * retry of the whole is too.
 */
import { ApplicationFailure, log } from '@temporalio/activity';
import type { LicenseRequestInput } from '../domain/license-request';
import type { PlannedReminder } from '../domain/reminders';
import type { RecordRequestWebhookInput, WebhookDeliveryInput } from './webhooks';

export interface OpenRequestInput {
  request: LicenseRequestInput;
  /** When the request came, by the workflow's clock: the CREATED event's `timestamp`. */
  occurredAt: string;
}

export interface OpenedRequest {
  /** False for a create without a key that came after its `storeBy` (see recordRequest): then nothing else is done. */
  stored: boolean;
  /** The first round's reminders to a partner who stays silent, and the escalation to support. */
  reminders: PlannedReminder[];
  /** The CREATED event for the partner's endpoint; null when it has none that wants it. */
  createdEvent: WebhookDeliveryInput | null;
}

/** The activities the first step is made of: the worker's own, or a test's stand-ins. */
export interface OpeningParts {
  recordRequest(input: LicenseRequestInput): Promise<boolean>;
  planUnansweredReminders(input: { createdAt: string }): Promise<PlannedReminder[]>;
  recordRequestWebhookEvent(input: RecordRequestWebhookInput): Promise<WebhookDeliveryInput | null>;
}

/** The request's CREATED mail and event are its first: sequence 0 (the workflow numbers the rest). */
export const CREATED_SEQUENCE = 0;

export async function openRequest(
  parts: OpeningParts,
  { request, occurredAt }: OpenRequestInput,
): Promise<OpenedRequest> {
  if (!(await parts.recordRequest(request))) return { stored: false, reminders: [], createdEvent: null };
  const reminders = await parts.planUnansweredReminders({ createdAt: request.createdAt });
  // After the store: the event carries the request as the read model has it. A failure for good
  // costs the event, never the request (as for any later occasion's event); others are retried.
  const createdEvent = await parts
    .recordRequestWebhookEvent({
      requestId: request.requestId,
      partnerId: request.partnerId,
      occasion: 'CREATED',
      sequence: CREATED_SEQUENCE,
      occurredAt,
    })
    .catch((error: unknown) => {
      if (!(error instanceof ApplicationFailure && error.nonRetryable)) throw error;
      log.error('Webhook event not recorded', {
        requestId: request.requestId,
        occasion: 'CREATED',
        error: String(error),
      });
      return null;
    });
  return { stored: true, reminders, createdEvent };
}
