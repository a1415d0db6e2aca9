/**
 * Signs a webhook delivery the Standard Webhooks way, with the `standardwebhooks` package a
 * partner's receiver verifies with: `webhook-signature` is `v1,<base64 HMAC-SHA256 of
 * "<id>.<timestamp>.<body>">`, one per signing secret, separated by a space (two during the 24 hours
 * after a rotation, so that a receiver holding either secret accepts the delivery).
 */
import { Webhook } from 'standardwebhooks';

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signWebhook(delivery: {
  /** The event's id: the same on every attempt, so that receivers can drop repeats. */
  id: string;
  /** When this attempt is made (receivers refuse timestamps far from their clock). */
  timestamp: Date;
  /** The exact bytes sent. */
  body: string;
  /** `whsec_…` secrets, the current one first. */
  secrets: string[];
}): WebhookHeaders {
  if (delivery.secrets.length === 0) throw new Error('A webhook delivery needs at least one signing secret.');
  return {
    'webhook-id': delivery.id,
    'webhook-timestamp': String(Math.floor(delivery.timestamp.getTime() / 1000)),
    'webhook-signature': delivery.secrets
      .map((secret) => new Webhook(secret).sign(delivery.id, delivery.timestamp, delivery.body))
      .join(' '),
  };
}
