// Frozen once landed. The recipients a mail server deferred (4xx, e.g. greylisting) while it
// accepted the mail for the others: a retry sends to these alone (see activities/mail.ts).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sent_mail')
    .addColumn('pending_recipients', sql`text[]`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sent_mail').dropColumn('pending_recipients').execute();
}
