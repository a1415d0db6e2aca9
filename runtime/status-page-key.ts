/**
 * The key that signs the organisations' status-page links (STATUS_PAGE_KEY): the workers put a
 * link signed with it in every mail to a request's contacts, the API checks it. `npm start` without
 * it makes a development key once under DATA_DIR, so the links in mail already sent keep working
 * after a restart. In production every process must be given the same key.
 */
import path from 'node:path';
import { devSecretKey } from './dev-secret-key';

export const STATUS_PAGE_KEY_MISSING =
  'STATUS_PAGE_KEY must be set: 32 random bytes in base64 (`openssl rand -base64 32`), the same for the API and every worker.';

export const devStatusPageKeyFile = (dataDir: string) => path.join(dataDir, 'dev-status-page-key');

export function devStatusPageKey(dataDir: string): Buffer {
  return devSecretKey(devStatusPageKeyFile(dataDir), 'status page key');
}
