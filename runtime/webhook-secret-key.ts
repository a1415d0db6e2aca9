/**
 * The key that seals partners' webhook signing secrets (WEBHOOK_SECRET_KEY). `npm start` without it
 * makes a development key once and keeps it under DATA_DIR, like the dev admin token, so that the
 * secrets sealed with it still open after a restart. Never in production: there every process
 * (the API seals, the workers open) must be given the same key.
 */
import path from 'node:path';
import { devSecretKey } from './dev-secret-key';

export const devWebhookSecretKeyFile = (dataDir: string) => path.join(dataDir, 'dev-webhook-secret-key');

export function devWebhookSecretKey(dataDir: string): Buffer {
  return devSecretKey(devWebhookSecretKeyFile(dataDir), 'webhook secret key');
}
