import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { devStatusPageKey, devStatusPageKeyFile } from './status-page-key';
import { devWebhookSecretKey } from './webhook-secret-key';

test('npm start makes a dev status-page key once under DATA_DIR, keeps it across restarts, apart from the webhook key', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-status-key-'));
  try {
    const first = devStatusPageKey(dataDir);
    expect(first).toHaveLength(32);
    // The links in mail already sent keep working after a restart.
    expect(devStatusPageKey(dataDir)).toEqual(first);
    const file = devStatusPageKeyFile(dataDir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(devWebhookSecretKey(dataDir)).not.toEqual(first);
    fs.writeFileSync(file, 'short\n');
    expect(() => devStatusPageKey(dataDir)).toThrow(/does not hold a status page key/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
