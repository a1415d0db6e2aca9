// Frozen once landed. Rate-limit counters every API replica shares (api/rate-limit.ts): one fixed
// window per key, so a client cannot multiply its allowance by spreading calls over replicas.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limit')
    // "<limiter>:<client>"; the client part is an address or a hash of a token, never a token.
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Ended windows are swept now and then.
  await db.schema.createIndex('rate_limit_reset_at').on('rate_limit').column('reset_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limit').execute();
}
