// Frozen once landed. People in the partner portal: a partner's users, their one-time sign-in links
// (only hashes stored) and sessions that belong to a user, no longer to an API key.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('partner_user')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partner.id').onDelete('cascade'))
    // Kept in lower case: an address is one person whatever its spelling. One address may belong
    // to several partners (a consultant); its sign-in mail then holds a link for each.
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'member')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('partner_user_pkey', ['partner_id', 'email'])
    .execute();
  // Sign-in looks a person up by address alone.
  await db.schema.createIndex('partner_user_email').on('partner_user').column('email').execute();

  // Every partner's notification address becomes its first admin (named by the address until the
  // person is renamed), so the people who got the mail so far can sign in the new way.
  await sql`
    insert into partner_user (partner_id, email, name, role)
    select id, lower(notification_email), lower(notification_email), 'admin' from partner
    on conflict do nothing`.execute(db);

  await db.schema
    .createTable('portal_sign_in_link')
    // sha256 of the link's token; the token itself is only in the mail.
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    // Set when the link signs someone in: a second use finds it set.
    .addColumn('used_at', 'timestamptz')
    // A removed user's links die with the user.
    .addForeignKeyConstraint(
      'portal_sign_in_link_user',
      ['partner_id', 'email'],
      'partner_user',
      ['partner_id', 'email'],
      (c) => c.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('portal_sign_in_link_expires').on('portal_sign_in_link').column('expires_at').execute();

  // Sessions signed in with an API key end: keys no longer open the portal.
  await sql`delete from portal_session`.execute(db);
  await db.schema
    .alterTable('portal_session')
    .addColumn('user_email', 'text', (c) => c.notNull())
    .execute();
  // Removing a user ends their sessions at once, in the same statement.
  await db.schema
    .alterTable('portal_session')
    .addForeignKeyConstraint('portal_session_user', ['partner_id', 'user_email'], 'partner_user', [
      'partner_id',
      'email',
    ])
    .onDelete('cascade')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('portal_session').dropConstraint('portal_session_user').execute();
  await db.schema.alterTable('portal_session').dropColumn('user_email').execute();
  await db.schema.dropTable('portal_sign_in_link').execute();
  await db.schema.dropTable('partner_user').execute();
}
