/**
 * The worker's webhook parts for tests: the real deliverer over the test's database, a sender that
 * allows the loopback receivers (WEBHOOK_ALLOW_INSECURE), and the request's representation as the
 * API builds it.
 */
import crypto from 'node:crypto';
import type { WebhookActivityDeps } from '../../activities/webhooks';
import { createWebhookDeliverer } from '../../activities/webhook-delivery';
import { createWebhookSender } from '../../activities/webhook-sender';
import type { Db } from '../../db/database';
import { getLicenseRequest } from '../../db/repositories/license-requests';
import { createSecretBox } from '../../db/secret-box';
import { toLicenseRequestView } from '../../services/license-request-view';

export function testWebhookDeps(
  db: Db,
  options: { secretKey?: Buffer; timeoutMs?: number; now?: () => Date } = {},
): { webhooks: Omit<WebhookActivityDeps, 'db'>; close: () => void } {
  const sender = createWebhookSender({
    allowInsecure: true,
    ...(options.timeoutMs && { timeoutMs: options.timeoutMs }),
  });
  const deliverer = createWebhookDeliverer({
    db,
    secrets: createSecretBox(options.secretKey ?? crypto.randomBytes(32)),
    sender,
    ...(options.now && { now: options.now }),
  });
  return {
    webhooks: {
      deliverer,
      represent: async (requestId) => {
        const row = await getLicenseRequest(db, requestId);
        return row && toLicenseRequestView(row);
      },
    },
    close: () => sender.close(),
  };
}
