// Frozen once landed. Lets /health count failed and waiting mail without scanning the table.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('sent_mail_status_claimed').on('sent_mail').columns(['status', 'claimed_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sent_mail_status_claimed').execute();
}
