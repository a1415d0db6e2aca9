/** The webhook tables on a real PostgreSQL: what a retried or concurrent call leaves behind. */
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database';
import {
  claimWebhookDelivery,
  deleteWebhookEndpoint,
  disableWebhookEndpoint,
  findWebhookDelivery,
  findWebhookEndpoint,
  findWebhookEventTarget,
  insertWebhookDelivery,
  markWebhookDeliveryFailed,
  recentWebhookDeliveries,
  recordWebhookAttempt,
  releaseWebhookDelivery,
  rotateWebhookSecret,
  upsertWebhookEndpoint,
} from './webhooks';

let database: TestDatabase;
let partnerSeq = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

async function newPartner(): Promise<string> {
  const id = `p-${++partnerSeq}`;
  await database.db
    .insertInto('partner')
    .values({ id, name: id, notification_email: `${id}@p.test`, locale: 'sv', api_key_hash: id })
    .execute();
  return id;
}

const HOUR = 3_600_000;

test('the first upsert creates the endpoint with its secret; later ones change URL and events and keep the secret', async () => {
  const db = database.db;
  const partnerId = await newPartner();
  const first = await upsertWebhookEndpoint(db, {
    partnerId,
    url: 'https://a.example/',
    events: null,
    secretSealed: 's1',
  });
  expect(first.created).toBe(true);
  expect(first.row).toMatchObject({ url: 'https://a.example/', events: null, secret_sealed: 's1' });
  expect(first.row).not.toHaveProperty('created');

  await disableWebhookEndpoint(db, partnerId, 'HTTP 410 Gone');
  const second = await upsertWebhookEndpoint(db, {
    partnerId,
    url: 'https://b.example/',
    events: ['license_request.created'],
    secretSealed: 's2',
  });
  expect(second.created).toBe(false);
  expect(second.row).toMatchObject({
    url: 'https://b.example/',
    events: ['license_request.created'],
    secret_sealed: 's1',
    // Configuring it again enables it again.
    disabled_at: null,
    disabled_reason: null,
  });
  expect(second.row.updated_at.getTime()).toBeGreaterThanOrEqual(first.row.updated_at.getTime());
});

test('two first calls at once create the endpoint once: exactly one of them is told it created it', async () => {
  const partnerId = await newPartner();
  const results = await Promise.all(
    ['s1', 's2', 's3'].map((secretSealed) =>
      upsertWebhookEndpoint(database.db, { partnerId, url: 'https://a.example/', events: null, secretSealed }),
    ),
  );
  const creators = results.filter((r) => r.created);
  expect(creators).toHaveLength(1);
  expect((await findWebhookEndpoint(database.db, partnerId))?.secret_sealed).toBe(creators[0]!.row.secret_sealed);
});

test('a rotation keeps the previous secret for the overlap; a second rotation drops the oldest: at most two sign', async () => {
  const db = database.db;
  const partnerId = await newPartner();
  expect(await rotateWebhookSecret(db, partnerId, 'none', 24 * HOUR)).toBeUndefined();
  await upsertWebhookEndpoint(db, { partnerId, url: 'https://a.example/', events: null, secretSealed: 's1' });

  const { now } = (await sql<{ now: Date }>`select now()`.execute(db)).rows[0]!;
  const rotated = await rotateWebhookSecret(db, partnerId, 's2', 24 * HOUR);
  expect(rotated).toMatchObject({ secret_sealed: 's2', previous_secret_sealed: 's1' });
  const overlap = rotated!.previous_secret_expires_at!.getTime() - now.getTime();
  expect(overlap).toBeGreaterThanOrEqual(24 * HOUR - 1000);
  expect(overlap).toBeLessThanOrEqual(24 * HOUR + 5000);

  const again = await rotateWebhookSecret(db, partnerId, 's3', 24 * HOUR);
  expect(again).toMatchObject({ secret_sealed: 's3', previous_secret_sealed: 's2' });
});

test('removing the endpoint says whether there was one; its deliveries stay as history', async () => {
  const db = database.db;
  const partnerId = await newPartner();
  await upsertWebhookEndpoint(db, { partnerId, url: 'https://a.example/', events: null, secretSealed: 's1' });
  await insertWebhookDelivery(db, { id: `${partnerId}-e1`, partnerId, requestId: null, type: 't', payload: '{}' });
  expect(await deleteWebhookEndpoint(db, partnerId)).toBe(true);
  expect(await deleteWebhookEndpoint(db, partnerId)).toBe(false);
  expect(await findWebhookEndpoint(db, partnerId)).toBeUndefined();
  expect(await recentWebhookDeliveries(db, partnerId, 10)).toHaveLength(1);
});

test('an event recorded twice under one id is stored once, with the first payload', async () => {
  const db = database.db;
  const partnerId = await newPartner();
  const event = { id: `${partnerId}-created`, partnerId, requestId: null, type: 'license_request.created' };
  const first = await insertWebhookDelivery(db, { ...event, payload: '{"n":1}' });
  expect(first).toMatchObject({ status: 'PENDING', attempts: 0, payload: '{"n":1}' });
  expect(await insertWebhookDelivery(db, { ...event, payload: '{"n":2}' })).toBeUndefined();
  expect((await findWebhookDelivery(db, event.id))?.payload).toBe('{"n":1}');
});

test('a claim holds a delivery against a second caller until the attempt is recorded or the claim released', async () => {
  const db = database.db;
  const partnerId = await newPartner();
  const id = `${partnerId}-e`;
  await insertWebhookDelivery(db, { id, partnerId, requestId: null, type: 't', payload: '{}' });

  const claims = await Promise.all([1, 2, 3].map(() => claimWebhookDelivery(db, id, 30_000)));
  expect(claims.filter(Boolean)).toHaveLength(1);
  await releaseWebhookDelivery(db, id);
  expect(await claimWebhookDelivery(db, id, 30_000)).toBeDefined();

  const failed = await recordWebhookAttempt(db, id, {
    delivered: false,
    status: 503,
    latencyMs: 12.4,
    error: 'HTTP 503',
    nextAttemptAt: new Date(Date.now() + 60_000),
  });
  expect(failed).toMatchObject({
    status: 'PENDING',
    attempts: 1,
    last_status: 503,
    last_latency_ms: 12,
    claimed_until: null,
  });
  expect(failed?.next_attempt_at).not.toBeNull();

  // An expired claim (an attempt that died) does not hold the delivery.
  await db
    .updateTable('webhook_delivery')
    .set({ claimed_until: new Date(Date.now() - 1000) })
    .where('id', '=', id)
    .execute();
  expect(await claimWebhookDelivery(db, id, 30_000)).toBeDefined();
  const delivered = await recordWebhookAttempt(db, id, { delivered: true, status: 204, latencyMs: 5, error: null });
  expect(delivered).toMatchObject({ status: 'DELIVERED', attempts: 2, last_status: 204, next_attempt_at: null });
  expect(delivered?.delivered_at).not.toBeNull();

  // Delivered: nobody claims it again, it cannot be given up on any more, and a retried record of
  // the same answer (the first one's acknowledgement lost) counts no second attempt.
  expect(await claimWebhookDelivery(db, id, 30_000)).toBeUndefined();
  expect(await markWebhookDeliveryFailed(db, id, 'gave up')).toBe(false);
  expect(
    await recordWebhookAttempt(db, id, { delivered: true, status: 204, latencyMs: 5, error: null }),
  ).toBeUndefined();
  expect(await findWebhookDelivery(db, id)).toMatchObject({ status: 'DELIVERED', attempts: 2 });
});

test('a delivery given up on is not claimed again', async () => {
  const db = database.db;
  const partnerId = await newPartner();
  const id = `${partnerId}-e`;
  await insertWebhookDelivery(db, { id, partnerId, requestId: null, type: 't', payload: '{}' });
  expect(await markWebhookDeliveryFailed(db, id, 'gave up after 24 hours')).toBe(true);
  expect(await claimWebhookDelivery(db, id, 30_000)).toBeUndefined();
  expect(await findWebhookDelivery(db, id)).toMatchObject({ status: 'FAILED', last_error: 'gave up after 24 hours' });
});

test("the recent deliveries are the partner's own, newest first, at most the limit", async () => {
  const db = database.db;
  const [partnerId, other] = [await newPartner(), await newPartner()];
  for (let i = 0; i < 5; i++) {
    await db
      .insertInto('webhook_delivery')
      .values({
        id: `${partnerId}-${i}`,
        partner_id: partnerId,
        request_id: null,
        type: 't',
        payload: '{}',
        created_at: new Date(Date.UTC(2026, 0, 1, 0, i)),
      })
      .execute();
  }
  await insertWebhookDelivery(db, { id: `${other}-x`, partnerId: other, requestId: null, type: 't', payload: '{}' });
  const recent = await recentWebhookDeliveries(db, partnerId, 3);
  expect(recent.map((r) => r.id)).toEqual([`${partnerId}-4`, `${partnerId}-3`, `${partnerId}-2`]);
});

test('a partner removed takes its endpoint and deliveries with it', async () => {
  const db = database.db;
  const partnerId = await newPartner();
  await upsertWebhookEndpoint(db, { partnerId, url: 'https://a.example/', events: null, secretSealed: 's1' });
  await insertWebhookDelivery(db, { id: `${partnerId}-e`, partnerId, requestId: null, type: 't', payload: '{}' });
  await db.deleteFrom('partner').where('id', '=', partnerId).execute();
  expect(await findWebhookEndpoint(db, partnerId)).toBeUndefined();
  expect(await findWebhookDelivery(db, `${partnerId}-e`)).toBeUndefined();
});

test("recording an event first learns, in one statement, the partner's endpoint and whether the event is stored", async () => {
  const db = database.db;
  const partnerId = await newPartner();
  const id = `${partnerId}-created-0`;
  expect(await findWebhookEventTarget(db, partnerId, id)).toEqual({ endpoint: undefined, recorded: false });

  await upsertWebhookEndpoint(db, {
    partnerId,
    url: 'https://a.example/',
    events: ['license_request.created'],
    secretSealed: 's1',
  });
  const target = await findWebhookEventTarget(db, partnerId, id);
  expect(target.recorded).toBe(false);
  expect(target.endpoint).toEqual(await findWebhookEndpoint(db, partnerId));

  await insertWebhookDelivery(db, { id, partnerId, requestId: null, type: 'license_request.created', payload: '{}' });
  expect((await findWebhookEventTarget(db, partnerId, id)).recorded).toBe(true);
  // Another partner's endpoint is never this one's.
  expect((await findWebhookEventTarget(db, await newPartner(), id)).endpoint).toBeUndefined();
});
