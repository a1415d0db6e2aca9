/**
 * The key that seals partners' webhook signing secrets (WEBHOOK_SECRET_KEY). `npm start` without it
 * makes a development key once and keeps it under DATA_DIR, like the dev admin token, so that the
 * secrets sealed with it still open after a restart. Never in production: there every process
 * (the API seals, the workers open) must be given the same key.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseWebhookSecretKey } from '../config/env';

export const devWebhookSecretKeyFile = (dataDir: string) => path.join(dataDir, 'dev-webhook-secret-key');

export function devWebhookSecretKey(dataDir: string): Buffer {
  const file = devWebhookSecretKeyFile(dataDir);
  if (!fs.existsSync(file)) {
    // Written aside and linked into place: a process starting at the same moment never reads half a
    // key, and if it made one first, that one is kept (link fails) and read below.
    const draft = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(draft, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  const key = parseWebhookSecretKey(fs.readFileSync(file, 'utf8'));
  if (!key)
    throw new ConfigError(
      `${file} does not hold a webhook secret key (32 bytes, base64); remove it to make a new one.`,
    );
  return key;
}
