// Frozen once landed. Partner-portal sign-ins: only a hash of each session token is stored.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portal_session')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partner.id').onDelete('cascade'))
    // Synchronizer token for the session's forms (not a credential on its own: it needs the cookie).
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    // The language chosen with the portal's switch; null follows the partner's settings.
    .addColumn('locale', 'text')
    // A message for the next page shown (post-redirect-get), read once.
    .addColumn('flash', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Rotating a partner's key ends its sessions; expired sessions are swept.
  await db.schema.createIndex('portal_session_partner').on('portal_session').column('partner_id').execute();
  await db.schema.createIndex('portal_session_expires').on('portal_session').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('portal_session').execute();
}
