/**
 * `npm run temporal:setup`: registers the search attributes on TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE.
 * Idempotent; the local dev server started by `npm start` registers them itself.
 */
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { registerSearchAttributes } from '../runtime/search-attributes';

async function main() {
  const { temporal } = loadConfig();
  const address = temporal.address ?? `127.0.0.1:${temporal.devPort}`;
  const connection = await Connection.connect({ address });
  try {
    const added = await registerSearchAttributes(connection, temporal.namespace);
    console.log(
      added.length > 0
        ? `Registered on ${temporal.namespace}: ${added.join(', ')}`
        : 'All search attributes already registered.',
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
