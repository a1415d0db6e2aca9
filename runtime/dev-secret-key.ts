/**
 * A server key that `npm start` makes once when its variable is unset, kept in a file under
 * DATA_DIR (mode 600) so that whatever it sealed or signed still works after a restart. Never in
 * production: there every process is given the same key by its variable.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ConfigError, parseSecretKey } from '../config/env';

/** The key in `file` (32 bytes, base64), made first if there is none; `what` names it in an error. */
export function devSecretKey(file: string, what: string): Buffer {
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
  const key = parseSecretKey(fs.readFileSync(file, 'utf8'));
  if (!key) throw new ConfigError(`${file} does not hold a ${what} (32 bytes, base64); remove it to make a new one.`);
  return key;
}
