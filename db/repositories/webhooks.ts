/**
 * Partner webhooks in PostgreSQL: the endpoint with its sealed secrets, and the deliveries. Rows
 * come back as stored; the services map them (and never show a secret, sealed or not).
 */
import { sql } from 'kysely';
import type { Db } from '../database';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../schema';

/** What sealed webhook secrets are bound to (db/secret-box.ts): the partner whose endpoint holds them. */
export const webhookSecretContext = (partnerId: string) => `webhook_endpoint:${partnerId}`;

export async function findWebhookEndpoint(db: Db, partnerId: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoint').selectAll().where('partner_id', '=', partnerId).executeTakeFirst();
}

/**
 * In one round trip, what recording a request's event needs to know first: the partner's endpoint
 * (if any) and whether the event is stored already under its id.
 */
export async function findWebhookEventTarget(
  db: Db,
  partnerId: string,
  deliveryId: string,
): Promise<{ endpoint: WebhookEndpointRow | undefined; recorded: boolean }> {
  const result = await sql<Nullable<WebhookEndpointRow> & { event_recorded: boolean }>`
    select e.*, exists (select 1 from webhook_delivery d where d.id = ${deliveryId}) as event_recorded
    from (select ${partnerId}::text as partner_id) p
    left join webhook_endpoint e on e.partner_id = p.partner_id`.execute(db);
  const { event_recorded: recorded, ...endpoint } = result.rows[0]!;
  return { endpoint: endpoint.partner_id === null ? undefined : (endpoint as WebhookEndpointRow), recorded };
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

/**
 * Creates the partner's endpoint, or changes its URL and events (and enables it again). The sealed
 * secret is stored only when the endpoint is created: `created` says whether it was, so that the
 * caller shows the secret only then. Two concurrent first calls create it once.
 */
export async function upsertWebhookEndpoint(
  db: Db,
  endpoint: { partnerId: string; url: string; events: string[] | null; secretSealed: string },
): Promise<{ row: WebhookEndpointRow; created: boolean }> {
  const row = await db
    .insertInto('webhook_endpoint')
    .values({
      partner_id: endpoint.partnerId,
      url: endpoint.url,
      events: endpoint.events,
      secret_sealed: endpoint.secretSealed,
    })
    .onConflict((oc) =>
      oc.column('partner_id').doUpdateSet({
        url: endpoint.url,
        events: endpoint.events,
        updated_at: sql`now()`,
        disabled_at: null,
        disabled_reason: null,
      }),
    )
    .returningAll()
    // PostgreSQL's own answer to "inserted or updated": a freshly inserted row version has no xmax.
    .returning(sql<boolean>`xmax = 0`.as('created'))
    .executeTakeFirstOrThrow();
  const { created, ...stored } = row;
  return { row: stored, created };
}

/** Removes the partner's endpoint; false when there was none. Its deliveries stay, as history. */
export async function deleteWebhookEndpoint(db: Db, partnerId: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoint').where('partner_id', '=', partnerId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * A new current secret; the one it replaces keeps signing for `overlapMs` (by the database's clock).
 * A secret that was still in its overlap from an earlier rotation stops signing at once: at most two
 * secrets sign. Undefined when the partner has no endpoint.
 */
export async function rotateWebhookSecret(
  db: Db,
  partnerId: string,
  secretSealed: string,
  overlapMs: number,
): Promise<WebhookEndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoint')
    .set((eb) => ({
      previous_secret_sealed: eb.ref('secret_sealed'),
      previous_secret_expires_at: sql<Date>`now() + ${overlapMs} * interval '1 millisecond'`,
      secret_sealed: secretSealed,
      updated_at: sql<Date>`now()`,
    }))
    .where('partner_id', '=', partnerId)
    .returningAll()
    .executeTakeFirst();
}

/** Stops deliveries to the endpoint (e.g. it answered 410 Gone) until the partner configures it again. */
export async function disableWebhookEndpoint(db: Db, partnerId: string, reason: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoint')
    .set({ disabled_at: sql<Date>`now()`, disabled_reason: reason })
    .where('partner_id', '=', partnerId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records an event to deliver; undefined when one with this id was recorded before (a retried activity). */
export async function insertWebhookDelivery(
  db: Db,
  delivery: { id: string; partnerId: string; requestId: string | null; type: string; payload: string },
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .insertInto('webhook_delivery')
    .values({
      id: delivery.id,
      partner_id: delivery.partnerId,
      request_id: delivery.requestId,
      type: delivery.type,
      payload: delivery.payload,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findWebhookDelivery(db: Db, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db.selectFrom('webhook_delivery').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Takes a PENDING delivery for one attempt, for `claimMs` (longer than an attempt can take): no
 * other caller can take it meanwhile. Undefined when it is unknown, no longer pending, or held by
 * an attempt in progress.
 */
export async function claimWebhookDelivery(
  db: Db,
  id: string,
  claimMs: number,
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .updateTable('webhook_delivery')
    .set({ claimed_until: sql<Date>`now() + ${claimMs} * interval '1 millisecond'` })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', sql<Date>`now()`)]))
    .returningAll()
    .executeTakeFirst();
}

/** Lets go of a claim without an attempt (nothing was sent). */
export async function releaseWebhookDelivery(db: Db, id: string): Promise<void> {
  await db.updateTable('webhook_delivery').set({ claimed_until: null }).where('id', '=', id).execute();
}

export interface WebhookAttempt {
  /** The receiver's HTTP status; null when it did not answer or was not asked. */
  status: number | null;
  latencyMs: number | null;
  error: string | null;
  delivered: boolean;
  /** When to try again, if it is to be tried again. */
  nextAttemptAt?: Date | null;
}

/**
 * Records an attempt (and, on delivery, the delivery) and releases the claim; only while the
 * delivery is pending, so an attempt recorded once (a retried record) is not recorded again.
 * Undefined when it was not pending.
 */
export async function recordWebhookAttempt(
  db: Db,
  id: string,
  attempt: WebhookAttempt,
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .updateTable('webhook_delivery')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_attempt_at: sql<Date>`now()`,
      last_status: attempt.status,
      last_latency_ms: attempt.latencyMs === null ? null : Math.round(attempt.latencyMs),
      last_error: attempt.error,
      claimed_until: null,
      next_attempt_at: attempt.delivered ? null : (attempt.nextAttemptAt ?? null),
      ...(attempt.delivered && { status: 'DELIVERED' as const, delivered_at: sql<Date>`now()` }),
    }))
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .returningAll()
    .executeTakeFirst();
}

/** Gives up on a delivery that is still pending (it will not be tried again); false if it was not pending. */
export async function markWebhookDeliveryFailed(db: Db, id: string, error: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_delivery')
    .set({ status: 'FAILED', last_error: error, claimed_until: null, next_attempt_at: null })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The partner's latest deliveries, newest first. */
export async function recentWebhookDeliveries(db: Db, partnerId: string, limit: number): Promise<WebhookDeliveryRow[]> {
  return db
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Disables the endpoint because of one delivery (e.g. it answered that delivery 410 Gone): true for
 * the call that disabled it, and again for a retry of that call (the reason names the delivery),
 * so that exactly one delivery goes on to tell the partner.
 */
export async function disableWebhookEndpointFor(db: Db, partnerId: string, reason: string): Promise<boolean> {
  if (await disableWebhookEndpoint(db, partnerId, reason)) return true;
  const endpoint = await findWebhookEndpoint(db, partnerId);
  return endpoint?.disabled_at != null && endpoint.disabled_reason === reason;
}

/**
 * Makes a delivery pending again for a redelivery the partner asked for (the same event, the same
 * webhook-id): undefined when the partner has no such delivery.
 */
export async function reopenWebhookDelivery(
  db: Db,
  partnerId: string,
  id: string,
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .updateTable('webhook_delivery')
    .set({ status: 'PENDING', next_attempt_at: null })
    .where('id', '=', id)
    .where('partner_id', '=', partnerId)
    .returningAll()
    .executeTakeFirst();
}
