/**
 * webhookDeliveryWorkflow: one webhook event on its way to the partner's receiver, as a workflow of
 * its own (id from the event's id), so that its retries survive restarts of workers and servers and
 * never hold up the request's workflow, which starts it and does not wait for it.
 *
 * Each attempt is an activity (`deliverWebhook`, which sends the same webhook-id and body every
 * time); between failed attempts the workflow sleeps with backoff (domain/webhook-events.ts) until
 * 24 hours after the first, then gives up. A redeliver signal (the partner's button) cuts the sleep
 * short. A 410 Gone disables the endpoint and, once, mails the partner.
 */
import { condition, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities, WebhookDeliveryInput } from '../activities';
import { WEBHOOK_RETRY_WINDOW_MS, webhookRetryDelayMs } from '../domain/webhook-events';
import {
  ACTIVITY_TIMEOUTS,
  redeliverSignal,
  WEBHOOK_ATTEMPT_HEARTBEAT_TIMEOUT_MS,
  WEBHOOK_ATTEMPT_TIMEOUT_MS,
} from './definitions';

/** The attempt's own retries cover only our side failing (the database away); the receiver's answers come back as results. */
const ATTEMPT_RETRY = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' };
const { giveUpWebhookDelivery, disableWebhookEndpointAfterGone } = proxyActivities<Activities>({
  startToCloseTimeout: WEBHOOK_ATTEMPT_TIMEOUT_MS,
  retry: ATTEMPT_RETRY,
});
/** An attempt heartbeats: a worker that dies mid-delivery is noticed within seconds, not at the timeout. */
const { deliverWebhook } = proxyActivities<Activities>({
  startToCloseTimeout: WEBHOOK_ATTEMPT_TIMEOUT_MS,
  heartbeatTimeout: WEBHOOK_ATTEMPT_HEARTBEAT_TIMEOUT_MS,
  retry: ATTEMPT_RETRY,
});

/** The partner's mail about a disabled endpoint, with the request mail's retries. */
const { sendRequestMail } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_TIMEOUTS.mail.startToCloseMs,
  heartbeatTimeout: ACTIVITY_TIMEOUTS.mail.heartbeatMs,
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['PermanentMailFailure'],
  },
});

export type WebhookDeliveryOutcome = 'DELIVERED' | 'ALREADY_FINISHED' | 'ENDPOINT_GONE' | 'GIVEN_UP';

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryOutcome> {
  let redeliverAsked = false;
  setHandler(redeliverSignal, () => {
    redeliverAsked = true;
  });
  const giveUpFrom = Date.now() + WEBHOOK_RETRY_WINDOW_MS;

  for (let attempt = 1; ; attempt++) {
    redeliverAsked = false;
    const result = await deliverWebhook(input);
    switch (result.kind) {
      case 'delivered':
        return 'DELIVERED';
      case 'finished':
        return 'ALREADY_FINISHED';
      case 'gone': {
        const mailSequence = await disableWebhookEndpointAfterGone(input);
        await giveUpWebhookDelivery({ ...input, reason: 'HTTP 410 Gone: the endpoint was disabled.' });
        // Only the delivery that disabled the endpoint tells the partner.
        if (mailSequence !== null) {
          await sendRequestMail({
            requestId: input.requestId,
            occasion: 'WEBHOOK_DISABLED',
            sequence: mailSequence,
          }).catch((error: unknown) => log.error('Mail about the disabled webhook not sent', { error: String(error) }));
        }
        return 'ENDPOINT_GONE';
      }
      case 'stop':
        await giveUpWebhookDelivery({ ...input, reason: result.error });
        return 'GIVEN_UP';
      case 'retry':
        if (Date.now() >= giveUpFrom) {
          await giveUpWebhookDelivery({
            ...input,
            reason: `Not delivered in 24 hours (${attempt} attempts); the last: ${result.error}`,
          });
          return 'GIVEN_UP';
        }
        await condition(() => redeliverAsked, webhookRetryDelayMs(attempt));
    }
  }
}
