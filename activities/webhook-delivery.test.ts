/**
 * Recording and delivering webhook events on a real PostgreSQL to real receivers on loopback. The
 * signatures are checked as a partner's receiver checks them, with the `standardwebhooks` package,
 * and once more with a plain HMAC from node:crypto (an implementation that shares nothing with
 * the package the service signs with).
 */
import crypto from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createWebhookService } from '../services/webhooks';
import type { Partner } from '../services/partners';
import { findWebhookDelivery } from '../db/repositories/webhooks';
import { createSecretBox } from '../db/secret-box';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../dev/webhook-receiver';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database';
import {
  createWebhookDeliverer,
  recordWebhookEvent,
  type DeliveredAnswer,
  type WebhookEvent,
} from './webhook-delivery';
import { createWebhookSender, type WebhookSender } from './webhook-sender';

const key = crypto.randomBytes(32);
let database: TestDatabase;
let receiver: WebhookReceiver;
const senders: WebhookSender[] = [];
let seq = 0;

beforeAll(async () => {
  [database, receiver] = await Promise.all([createTestDatabase(), startWebhookReceiver()]);
});

afterAll(async () => {
  for (const sender of senders) sender.close();
  await Promise.all([database?.drop(), receiver?.close()]);
});

beforeEach(() => {
  receiver.received.length = 0;
  receiver.fallback = 204;
});

function deliverer(
  options: { allowInsecure?: boolean; timeoutMs?: number; lookup?: LookupFunction; now?: () => Date } = {},
) {
  const sender = createWebhookSender({
    allowInsecure: options.allowInsecure ?? true,
    ...(options.timeoutMs && { timeoutMs: options.timeoutMs }),
    ...(options.lookup && { lookup: options.lookup }),
  });
  senders.push(sender);
  return createWebhookDeliverer({
    db: database.db,
    secrets: createSecretBox(key),
    sender,
    ...(options.now && { now: options.now }),
  });
}

/** A partner with an endpoint at the receiver; its secret as the API showed it, once. */
async function partnerWithEndpoint(events?: string[]): Promise<{ partner: Partner; secret: string }> {
  const id = `partner-${++seq}`;
  const partner: Partner = { id, name: id, notificationEmail: `${id}@p.test`, locale: 'en' };
  await database.db
    .insertInto('partner')
    .values({ id, name: id, notification_email: partner.notificationEmail, locale: 'en', api_key_hash: id })
    .execute();
  const service = createWebhookService(database.db, { secretKey: key, allowInsecure: true });
  const set = await service.put(partner, { url: `${receiver.origin}/hooks/${id}`, ...(events && { events }) });
  return { partner, secret: set.secret! };
}

// Events happen now: the run date, not a fixed day.
const OCCURRED_AT = new Date();

function event(partnerId: string, overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    id: `msg_${crypto.randomUUID()}`,
    partnerId,
    requestId: null,
    type: 'license_request.created',
    occurredAt: OCCURRED_AT,
    data: { id: 'req-1', status: 'AWAITING_ANSWER', organisation: { skolonId: 'org-1', name: 'Skolonkommunen' } },
    ...overrides,
  };
}

/** What a partner's receiver does: standardwebhooks' verify, which throws on a bad signature. */
const verify = (secret: string, request: ReceivedWebhook) =>
  new Webhook(secret).verify(request.body, request.headers as Record<string, string>);

/** The same check without the package: HMAC-SHA256 over "<id>.<timestamp>.<body>" with the decoded secret. */
function plainHmacMatches(secret: string, request: ReceivedWebhook): boolean {
  const keyBytes = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${String(request.headers['webhook-id'])}.${String(request.headers['webhook-timestamp'])}.${request.body}`;
  const expected = crypto.createHmac('sha256', keyBytes).update(signed).digest('base64');
  return String(request.headers['webhook-signature'])
    .split(' ')
    .some((s) => s === `v1,${expected}`);
}

test("a delivery is verified by the receiver's standardwebhooks with the secret the API showed, and by a plain HMAC", async () => {
  const { partner, secret } = await partnerWithEndpoint();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const recorded = await recordWebhookEvent(database.db, event(partner.id));
  const result = await deliverer().deliver(recorded!.id);
  expect(result).toEqual({ kind: 'delivered', status: 204, latencyMs: expect.any(Number), attempts: 1 });

  const [request] = await receiver.waitFor(1);
  expect(request!.path).toBe(`/hooks/${partner.id}`);
  expect(request!.headers['webhook-id']).toBe(recorded!.id);
  expect(Math.abs(Number(request!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
  expect(verify(secret, request!)).toEqual({
    type: 'license_request.created',
    timestamp: OCCURRED_AT.toISOString(),
    data: { id: 'req-1', status: 'AWAITING_ANSWER', organisation: { skolonId: 'org-1', name: 'Skolonkommunen' } },
  });
  expect(plainHmacMatches(secret, request!)).toBe(true);
  // Another secret does not verify it.
  expect(() => verify(`whsec_${crypto.randomBytes(32).toString('base64')}`, request!)).toThrow(/No matching signature/);
  // A changed body does not either.
  expect(() => verify(secret, { ...request!, body: request!.body.replace('req-1', 'req-2') })).toThrow();
});

test('delivered once is delivered: asking again sends nothing', async () => {
  const { partner } = await partnerWithEndpoint();
  const recorded = await recordWebhookEvent(database.db, event(partner.id));
  const deliver = deliverer();
  expect((await deliver.deliver(recorded!.id)).kind).toBe('delivered');
  expect(await deliver.deliver(recorded!.id)).toEqual({ kind: 'already_delivered' });
  expect(receiver.received).toHaveLength(1);
  expect(await deliver.deliver('msg_unknown')).toEqual({ kind: 'not_found' });
});

test('a 2xx whose record could not be written is not sent again: the next attempt records the answer it is handed', async () => {
  const { partner } = await partnerWithEndpoint();
  const recorded = await recordWebhookEvent(database.db, event(partner.id));
  const deliver = deliverer();
  // The database goes away between the 2xx and its record; the attempt has told its caller first.
  let handedOn: DeliveredAnswer | undefined;
  const databaseAway = () => Promise.reject(new Error('the database is away'));
  await expect(
    deliver.deliver(recorded!.id, { delivered: (answer) => (handedOn = answer), persistently: databaseAway }),
  ).rejects.toThrow('the database is away');
  expect(handedOn).toEqual({ status: 204, latencyMs: expect.any(Number) });
  expect(await findWebhookDelivery(database.db, recorded!.id)).toMatchObject({ status: 'PENDING', attempts: 0 });

  // The retry (handed the answer through Temporal) records it and sends nothing.
  expect(await deliver.deliver(recorded!.id, { deliveredBefore: handedOn })).toEqual({
    kind: 'delivered',
    status: 204,
    latencyMs: handedOn!.latencyMs,
    attempts: 1,
  });
  // A retry of that one finds it recorded, and still sends nothing.
  expect(await deliver.deliver(recorded!.id, { deliveredBefore: handedOn })).toEqual({ kind: 'already_delivered' });
  expect(receiver.received).toHaveLength(1);
  expect(await findWebhookDelivery(database.db, recorded!.id)).toMatchObject({ status: 'DELIVERED', attempts: 1 });
});

test('a receiver answering 500 then 200: every attempt carries the same webhook-id and body, each freshly signed', async () => {
  const { partner, secret } = await partnerWithEndpoint();
  const recorded = await recordWebhookEvent(database.db, event(partner.id));
  let clock = Date.now();
  const deliver = deliverer({ now: () => new Date((clock += 61_000)) });
  receiver.answer(500, 503, 200);
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await deliver.deliver(recorded!.id));
  expect(
    results.map((r) => [r.kind, 'status' in r ? r.status : undefined, 'attempts' in r ? r.attempts : undefined]),
  ).toEqual([
    ['retryable', 500, 1],
    ['retryable', 503, 2],
    ['delivered', 200, 3],
  ]);
  const requests = await receiver.waitFor(3);
  expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([recorded!.id]));
  expect(new Set(requests.map((r) => r.body)).size).toBe(1);
  expect(new Set(requests.map((r) => r.headers['webhook-timestamp'])).size).toBe(3);
  for (const request of requests) expect(plainHmacMatches(secret, request)).toBe(true);
  expect(await findWebhookDelivery(database.db, recorded!.id)).toMatchObject({
    status: 'DELIVERED',
    attempts: 3,
    last_status: 200,
    last_error: null,
  });
});

test('during a rotation both secrets sign, so a receiver holding either verifies; after the 24 hours only the new one', async () => {
  const { partner, secret: oldSecret } = await partnerWithEndpoint();
  const service = createWebhookService(database.db, { secretKey: key, allowInsecure: true });
  const { secret: newSecret, previousSecretExpiresAt } = await service.rotateSecret(partner, {});
  expect(newSecret).not.toBe(oldSecret);
  const overlap = new Date(previousSecretExpiresAt).getTime() - Date.now();
  expect(overlap).toBeGreaterThan(24 * 3_600_000 - 60_000);
  expect(overlap).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);

  const deliver = deliverer();
  const during = await recordWebhookEvent(database.db, event(partner.id));
  await deliver.deliver(during!.id);
  const [request] = await receiver.waitFor(1);
  expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
  expect(verify(oldSecret, request!)).toBeDefined();
  expect(verify(newSecret, request!)).toBeDefined();
  expect(plainHmacMatches(oldSecret, request!) && plainHmacMatches(newSecret, request!)).toBe(true);

  // The overlap ends (moved into the past here rather than waiting a day).
  await database.db
    .updateTable('webhook_endpoint')
    .set({ previous_secret_expires_at: new Date(Date.now() - 1000) })
    .where('partner_id', '=', partner.id)
    .execute();
  const after = await recordWebhookEvent(database.db, event(partner.id));
  await deliver.deliver(after!.id);
  const [, later] = await receiver.waitFor(2);
  expect(String(later!.headers['webhook-signature']).split(' ')).toHaveLength(1);
  expect(verify(newSecret, later!)).toBeDefined();
  expect(() => verify(oldSecret, later!)).toThrow(/No matching signature/);
});

test('410 Gone is reported as gone, with the attempt recorded', async () => {
  const { partner } = await partnerWithEndpoint();
  const recorded = await recordWebhookEvent(database.db, event(partner.id));
  receiver.answer(410);
  expect(await deliverer().deliver(recorded!.id)).toEqual({
    kind: 'gone',
    status: 410,
    latencyMs: expect.any(Number),
    attempts: 1,
  });
  expect(await findWebhookDelivery(database.db, recorded!.id)).toMatchObject({
    status: 'PENDING',
    last_status: 410,
    last_error: 'HTTP 410 Gone',
  });
});

test('two attempts at one event at once: one sends, the other is told it is busy and sends nothing', async () => {
  const { partner } = await partnerWithEndpoint();
  const recorded = await recordWebhookEvent(database.db, event(partner.id));
  receiver.answer('hang');
  const deliver = deliverer({ timeoutMs: 500 });
  const results = await Promise.all([deliver.deliver(recorded!.id), deliver.deliver(recorded!.id)]);
  expect(results.map((r) => r.kind).sort()).toEqual(['busy', 'retryable']);
  expect(receiver.received).toHaveLength(1);
  // The claim is released after the attempt: the next one goes ahead.
  expect((await deliver.deliver(recorded!.id)).kind).toBe('delivered');
});

test('the endpoint removed after the event was recorded: nothing is sent, and the delivery is left for later', async () => {
  const { partner } = await partnerWithEndpoint();
  const recorded = await recordWebhookEvent(database.db, event(partner.id));
  await createWebhookService(database.db, { secretKey: key, allowInsecure: true }).remove(partner);
  expect(await deliverer().deliver(recorded!.id)).toEqual({
    kind: 'no_endpoint',
    reason: 'the partner has no webhook endpoint',
  });
  expect(receiver.received).toHaveLength(0);
  expect(await findWebhookDelivery(database.db, recorded!.id)).toMatchObject({
    status: 'PENDING',
    attempts: 0,
    claimed_until: null,
  });
});

test('an event is recorded only for an endpoint that takes its type, and once per id', async () => {
  const { partner } = await partnerWithEndpoint(['license_request.withdrawn']);
  expect(await recordWebhookEvent(database.db, event(partner.id))).toBeUndefined();
  const withdrawn = event(partner.id, { type: 'license_request.withdrawn' });
  expect(await recordWebhookEvent(database.db, withdrawn)).toBeDefined();
  expect(await recordWebhookEvent(database.db, { ...withdrawn, data: { changed: true } })).toBeUndefined();
  expect(JSON.parse((await findWebhookDelivery(database.db, withdrawn.id))!.payload).data).toEqual(
    event(partner.id).data,
  );
  expect(await recordWebhookEvent(database.db, event('no-such-partner'))).toBeUndefined();
});

test('at delivery the address is checked again: a name that resolved to a public address when configured and to loopback now is refused', async () => {
  const id = `partner-${++seq}`;
  const partner: Partner = { id, name: id, notificationEmail: `${id}@p.test`, locale: 'en' };
  await database.db
    .insertInto('partner')
    .values({ id, name: id, notification_email: partner.notificationEmail, locale: 'en', api_key_hash: id })
    .execute();
  // Configured in production mode: the name resolved (the test's resolver; nothing is contacted) to
  // a public address.
  const service = createWebhookService(database.db, {
    secretKey: key,
    allowInsecure: false,
    resolve: async () => [{ address: '93.184.215.14', family: 4 }],
  });
  await service.put(partner, { url: `https://hooks.partner.test:${receiver.port}/in` });
  const recorded = await recordWebhookEvent(database.db, event(partner.id));

  // At delivery the same name resolves to this machine (DNS rebinding).
  const rebound = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
    options?.all
      ? callback(null, [{ address: '127.0.0.1', family: 4 }])
      : callback(null, '127.0.0.1', 4)) as unknown as LookupFunction;
  const result = await deliverer({ allowInsecure: false, lookup: rebound }).deliver(recorded!.id);
  expect(result).toEqual({ kind: 'refused', error: expect.stringMatching(/127\.0\.0\.1.*not allowed/), attempts: 1 });
  expect(receiver.received).toHaveLength(0);
  expect(await findWebhookDelivery(database.db, recorded!.id)).toMatchObject({
    status: 'PENDING',
    last_status: null,
    last_error: expect.stringMatching(/not allowed/),
  });
});

test('after WEBHOOK_SECRET_KEY was replaced and the partner rotated, the old secret that no longer opens is left out, not fatal', async () => {
  const { partner } = await partnerWithEndpoint();
  const newKey = crypto.randomBytes(32);
  const rotated = await createWebhookService(database.db, { secretKey: newKey, allowInsecure: true }).rotateSecret(
    partner,
    {},
  );
  const recorded = await recordWebhookEvent(database.db, event(partner.id));
  const sender = createWebhookSender({ allowInsecure: true });
  senders.push(sender);
  const deliver = createWebhookDeliverer({ db: database.db, secrets: createSecretBox(newKey), sender });
  expect((await deliver.deliver(recorded!.id)).kind).toBe('delivered');
  const [request] = await receiver.waitFor(1);
  expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(1);
  expect(verify(rotated.secret, request!)).toBeDefined();
});
