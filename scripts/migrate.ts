/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
import { loadConfig } from '../config/env';
import { createDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrator';

async function main() {
  const { databaseUrl } = loadConfig();
  if (!databaseUrl) throw new Error('DATABASE_URL is not set (npm start migrates its embedded database itself).');
  // A migration may build an index over a large table: an hour, not the services' seconds.
  const db = createDatabase(databaseUrl, { statementTimeoutMs: 3_600_000 });
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'Nothing to apply.');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
