// Frozen once landed. The partner list by status, and its summary, answered from indexes.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One partner's requests of one status, newest first: a keyset page reads 50 index entries, not
  // every request of the partner until 50 of that status turn up.
  await db.schema
    .createIndex('license_request_partner_status_created')
    .on('license_request')
    .columns(['partner_id', 'status', 'created_at desc', 'id desc'])
    .execute();
  // The list's "answered / not answered" summary counts a partner's requests by response and status:
  // an index-only scan instead of a pass over the table.
  await db.schema
    .createIndex('license_request_partner_summary')
    .on('license_request')
    .columns(['partner_id', 'response', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('license_request_partner_summary').execute();
  await db.schema.dropIndex('license_request_partner_status_created').execute();
}
