// Frozen once landed: a change to the schema is a new, later-dated migration.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('partner')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('notification_email', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('sv'))
    .addColumn('api_key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('license_request')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partner.id'))
    .addColumn('organisation_skolon_id', 'text', (c) => c.notNull())
    .addColumn('organisation_name', 'text', (c) => c.notNull())
    .addColumn('desired_availability', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('number_of_schools', 'integer', (c) => c.notNull())
    .addColumn('answered_at', 'timestamptz')
    .addColumn('deadline', 'timestamptz')
    .addColumn('deadline_date', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('state_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The list: one partner's (or everyone's) requests, newest first, optionally by status.
  await db.schema
    .createIndex('license_request_partner_created')
    .on('license_request')
    .columns(['partner_id', 'created_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('license_request_status_created')
    .on('license_request')
    .columns(['status', 'created_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('license_request_created')
    .on('license_request')
    .columns(['created_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('school')
    .addColumn('request_id', 'text', (c) => c.notNull().references('license_request.id').onDelete('cascade'))
    .addColumn('skolon_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('assignment', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('school_pk', ['request_id', 'skolon_id'])
    .execute();

  await db.schema
    .createTable('contact')
    .addColumn('request_id', 'text', (c) => c.notNull().references('license_request.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_pk', ['request_id', 'position'])
    .execute();

  await db.schema
    .createTable('history_event')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('license_request.id').onDelete('cascade'))
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addUniqueConstraint('history_event_key', ['request_id', 'event_key'])
    .execute();

  await db.schema
    .createTable('idempotency_key')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('request_fingerprint', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().references('license_request.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sent_mail')
    .addColumn('request_id', 'text', (c) => c.notNull().references('license_request.id').onDelete('cascade'))
    .addColumn('occasion', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('sent_mail_pk', ['request_id', 'occasion', 'sequence'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'sent_mail',
    'idempotency_key',
    'history_event',
    'contact',
    'school',
    'license_request',
    'partner',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
