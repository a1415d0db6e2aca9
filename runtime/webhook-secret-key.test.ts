import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { devWebhookSecretKey, devWebhookSecretKeyFile } from './webhook-secret-key';

test('npm start makes a dev webhook key once under DATA_DIR and keeps it across restarts', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-webhook-key-'));
  try {
    const first = devWebhookSecretKey(dataDir);
    expect(first).toHaveLength(32);
    expect(devWebhookSecretKey(dataDir)).toEqual(first);
    const file = devWebhookSecretKeyFile(dataDir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // Nothing else is left behind (the draft it was written to is gone).
    expect(fs.readdirSync(dataDir)).toEqual([path.basename(file)]);
    fs.writeFileSync(file, 'short\n');
    expect(() => devWebhookSecretKey(dataDir)).toThrow(/does not hold a webhook secret key/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
