// Frozen once landed. The YES and NO links in the partner's request and reminder mails: one row
// per mail, with its seed (the tokens are MACs of it under a server key) and only the tokens' hashes.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('answer_link')
    .addColumn('request_id', 'text', (c) => c.notNull().references('license_request.id').onDelete('cascade'))
    // The mail the links are in (sent_mail's key): a retried send finds its links here.
    .addColumn('occasion', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    // The address the mail went to: the history names it when a link answers.
    .addColumn('sent_to', 'text', (c) => c.notNull())
    .addColumn('seed', 'bytea', (c) => c.notNull())
    .addColumn('yes_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('no_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    // How often the request had been reopened when the links were made: a reopening since ends them
    // (an answer in the same round ends them through the request's status).
    .addColumn('reopenings', 'integer', (c) => c.notNull().defaultTo(0))
    // Set when one of the mail's links answers: neither answers again.
    .addColumn('used_at', 'timestamptz')
    .addPrimaryKeyConstraint('answer_link_pkey', ['request_id', 'occasion', 'sequence'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('answer_link').execute();
}
