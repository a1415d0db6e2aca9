// Frozen once landed. Partner webhooks: one endpoint per partner with its signing secrets, and one
// row per event to deliver (README, "Webhooks").
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoint')
    .addColumn('partner_id', 'text', (c) => c.primaryKey().references('partner.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    // The event types the partner chose; null: every type, including types added later.
    .addColumn('events', sql`text[]`)
    // The signing secrets, sealed (db/secret-box.ts): the current one, and after a rotation the one
    // before it, which signs alongside until previous_secret_expires_at. Two columns rather than a
    // table of secrets: never more than two sign, and a rotation swaps them in one UPDATE.
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('previous_secret_sealed', 'text')
    .addColumn('previous_secret_expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Set when deliveries stop on their own (e.g. the receiver answered 410 Gone); a PUT clears it.
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('disabled_reason', 'text')
    .addCheckConstraint(
      'webhook_endpoint_previous_secret',
      sql`(previous_secret_sealed is null) = (previous_secret_expires_at is null)`,
    )
    .execute();

  await db.schema
    .createTable('webhook_delivery')
    // The event's stable id, sent as webhook-id on every attempt (receivers deduplicate on it); made
    // by whoever records the event, from the occasion, so recording it twice stores it once.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partner.id').onDelete('cascade'))
    .addColumn('request_id', 'text', (c) => c.references('license_request.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    // The exact body (`{"type","timestamp","data"}`), fixed when the event is recorded: every attempt
    // sends the same bytes, whatever happens to the request meanwhile.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('PENDING')
        .check(sql`status in ('PENDING', 'DELIVERED', 'FAILED')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // An attempt in progress holds the row until then, so that two workers never send it at once.
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    // The receiver's HTTP status on the last attempt; null when it did not answer (or was not asked).
    .addColumn('last_status', 'integer')
    .addColumn('last_latency_ms', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    // When the next attempt is due, for a PENDING delivery that has failed before.
    .addColumn('next_attempt_at', 'timestamptz')
    .execute();
  // The partner's recent deliveries, newest first (GET /v1/partner/webhook, the portal).
  await db.schema
    .createIndex('webhook_delivery_partner_created')
    .on('webhook_delivery')
    .columns(['partner_id', 'created_at desc', 'id desc'])
    .execute();
  // Deliveries still to make, by when they are due.
  await db.schema
    .createIndex('webhook_delivery_pending')
    .on('webhook_delivery')
    .column('next_attempt_at')
    .where(sql.ref('status'), '=', 'PENDING')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_delivery').execute();
  await db.schema.dropTable('webhook_endpoint').execute();
}
