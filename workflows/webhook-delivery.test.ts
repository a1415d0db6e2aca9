/**
 * Webhook events from the request's workflow to a real HTTP receiver on loopback, on the
 * time-skipping test server with the real activities over a real PostgreSQL and a real SMTP
 * listener (WEBHOOK_ALLOW_INSECURE, as in development: the receiver is plain http on 127.0.0.1).
 * Signatures are checked with `standardwebhooks`, the package a partner's receiver uses, not with
 * the service's own code. The request's dates come from the test server's clock.
 */
import crypto from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { Webhook } from 'standardwebhooks';
import { createActivities } from '../activities';
import { createSmtpMailer, type Mailer } from '../activities/mailer';
import { insertPartner } from '../db/repositories/partners';
import { findWebhookEndpoint } from '../db/repositories/webhooks';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../dev/webhook-receiver';
import type { LicenseRequestInput } from '../domain/license-request';
import { DEFAULT_REMINDER_POLICY } from '../domain/reminders';
import { webhookEventId } from '../domain/webhook-events';
import type { Partner } from '../services/partners';
import { createWebhookService, type WebhookService } from '../services/webhooks';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database';
import { startSmtpServer, type TestSmtpServer } from '../test/helpers/smtp';
import { testWebhookDeps } from '../test/helpers/webhooks';
import {
  createByUpdateWithStart,
  freshWorkflowTestEnvPerTest,
  newInput,
  type WorkflowTestEnv,
} from '../test/helpers/workflow-env';
import { answerUpdate, statusQuery, withdrawUpdate } from './definitions';

const key = crypto.randomBytes(32);
const MINUTE = 60_000;
const admin = { role: 'admin' as const };

let database: TestDatabase;
let smtp: TestSmtpServer;
let mailer: Mailer;
let testEnv: WorkflowTestEnv;
const closers: Array<() => Promise<void> | void> = [];
freshWorkflowTestEnvPerTest((env) => (testEnv = env));

beforeAll(async () => {
  [database, smtp] = await Promise.all([createTestDatabase(), startSmtpServer()]);
  mailer = createSmtpMailer(smtp.url);
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

afterAll(async () => {
  mailer?.close();
  await Promise.all([database?.drop(), smtp?.close()]);
});

interface Scene {
  partner: Partner;
  secret: string;
  webhooks: WebhookService;
  taskQueue: string;
  input: LicenseRequestInput;
}

/** A partner whose webhook is the receiver's URL, and a worker with the real activities. */
async function scene(receiver: WebhookReceiver, options: { timeoutMs?: number } = {}): Promise<Scene> {
  const id = `partner-${crypto.randomUUID()}`;
  const partner: Partner = { id, name: 'Acme Learning', notificationEmail: `${id}@acme.test`, locale: 'en' };
  await insertPartner(database.db, { ...partner, apiKeyHash: id });
  const taskQueue = `webhooks-${id}`;
  const webhooks = createWebhookService(database.db, {
    secretKey: key,
    allowInsecure: true,
    temporal: { client: testEnv.env.client, taskQueue },
  });
  const set = await webhooks.put(partner, { url: `${receiver.origin}/hooks` });
  const deps = testWebhookDeps(database.db, { secretKey: key, ...options });
  const worker = await Worker.create({
    connection: testEnv.env.nativeConnection,
    taskQueue,
    workflowBundle: testEnv.bundle,
    activities: createActivities({
      db: database.db,
      mailer,
      config: {
        from: 'lr@skolon.test',
        supportEmail: 'support@skolon.test',
        publicUrl: 'https://lr.test',
        statusPageKey: Buffer.alloc(32, 'webhook-test-status-page-key'),
      },
      reminders: DEFAULT_REMINDER_POLICY,
      webhooks: deps.webhooks,
    }),
  });
  const running = worker.run();
  closers.push(async () => {
    worker.shutdown();
    await running;
    deps.close();
  });
  return { partner, secret: set.secret!, webhooks, taskQueue, input: { ...newInput(), partnerId: id } };
}

async function receiverAt(port?: number): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver(port === undefined ? {} : { port });
  closers.push(() => receiver.close());
  return receiver;
}

async function create(s: Scene) {
  const { created, handle } = createByUpdateWithStart(testEnv, s.input, s.taskQueue);
  await created;
  return handle();
}

const deliveriesOf = (partnerId: string) =>
  database.db
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('created_at')
    .execute();

/** Waits (in real time) until the partner's deliveries satisfy `done`. */
async function until(partnerId: string, done: (rows: Awaited<ReturnType<typeof deliveriesOf>>) => boolean) {
  for (let i = 0; i < 300; i++) {
    const rows = await deliveriesOf(partnerId);
    if (done(rows)) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`deliveries never got there: ${JSON.stringify(await deliveriesOf(partnerId))}`);
}

/** What a partner's receiver does: throws unless the signature (and timestamp) are right. */
const verify = (secret: string, request: ReceivedWebhook) =>
  new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as {
    type: string;
    timestamp: string;
    data: { id: string; status: string; organisation: { name: string } };
  };

test('created and withdrawn: each event reaches the receiver once, verified by standardwebhooks; after a rotation either secret verifies', async () => {
  const receiver = await receiverAt();
  const s = await scene(receiver);
  const handle = await create(s);
  const [created] = await receiver.waitFor(1);
  expect(created!.headers['webhook-id']).toBe(webhookEventId(s.input.requestId, 'CREATED', 0));
  const event = verify(s.secret, created!);
  expect(event.type).toBe('license_request.created');
  expect(event.data).toMatchObject({ id: s.input.requestId, status: 'AWAITING_ANSWER' });
  expect(event.data.organisation.name).toBe('Skolonkommunen');

  const { secret: rotated } = await s.webhooks.rotateSecret(s.partner, {});
  await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
  // The request's workflow ends at once: it does not wait for its deliveries.
  expect((await handle.result()).status).toBe('WITHDRAWN');
  const [, withdrawn] = await receiver.waitFor(2);
  expect(withdrawn!.headers['webhook-id']).toBe(webhookEventId(s.input.requestId, 'WITHDRAWN', 0));
  // During the rotation both secrets sign: a receiver holding either one accepts the delivery.
  expect(verify(s.secret, withdrawn!).data.status).toBe('WITHDRAWN');
  expect(verify(rotated, withdrawn!).type).toBe('license_request.withdrawn');
  expect(() => verify(`whsec_${crypto.randomBytes(32).toString('base64')}`, withdrawn!)).toThrow();

  const rows = await until(s.partner.id, (r) => r.length === 2 && r.every((d) => d.status === 'DELIVERED'));
  expect(rows.map((r) => r.attempts)).toEqual([1, 1]);
  expect(receiver.received).toHaveLength(2);
});

test('a receiver down for 10 minutes gets every event afterwards, each exactly once', async () => {
  const first = await receiverAt();
  const s = await scene(first);
  await first.close();

  // Two requests, each with its event; both stay open (the test server skips time only to timers).
  const other = { ...newInput(), partnerId: s.partner.id };
  await create(s);
  await create({ ...s, input: other });
  await until(s.partner.id, (r) => r.length === 2 && r.every((d) => d.attempts >= 1));

  await testEnv.env.sleep(10 * MINUTE);
  const back = await receiverAt(first.port);
  expect(back.received).toHaveLength(0);
  await testEnv.env.sleep(20 * MINUTE);
  const rows = await until(s.partner.id, (r) => r.length === 2 && r.every((d) => d.status === 'DELIVERED'));
  expect(rows.every((d) => d.attempts > 1)).toBe(true);
  // Hours later, nothing more came.
  await testEnv.env.sleep(3 * 60 * MINUTE);
  expect(back.received.map((r) => r.headers['webhook-id']).sort()).toEqual(
    [webhookEventId(s.input.requestId, 'CREATED', 0), webhookEventId(other.requestId, 'CREATED', 0)].sort(),
  );
});

test('a receiver answering 500 for an hour ends with one delivered event, the same webhook-id on every attempt', async () => {
  const receiver = await receiverAt();
  receiver.fallback = 500;
  const s = await scene(receiver);
  await create(s);
  await until(s.partner.id, (r) => r.length === 1 && r[0]!.attempts >= 1);
  await testEnv.env.sleep(60 * MINUTE);
  receiver.fallback = 200;
  await testEnv.env.sleep(70 * MINUTE);
  const [delivery] = await until(s.partner.id, (r) => r[0]?.status === 'DELIVERED');
  await testEnv.env.sleep(3 * 60 * MINUTE);

  const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
  expect(ids).toEqual(new Set([webhookEventId(s.input.requestId, 'CREATED', 0)]));
  // Backing off from 30 s: several attempts in the hour, and one more that was delivered.
  expect(receiver.received.length).toBeGreaterThanOrEqual(6);
  expect(delivery!.attempts).toBe(receiver.received.length);
  expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
  for (const request of receiver.received) expect(verify(s.secret, request).type).toBe('license_request.created');
});

test('a receiver that never answers does not hold up the OVERDUE timer', async () => {
  const receiver = await receiverAt();
  receiver.fallback = 'hang';
  // The attempts give up sooner than the real 10 s, so that the test's skipped days pass quickly.
  const s = await scene(receiver, { timeoutMs: 300 });
  const handle = await create(s);
  await handle.executeUpdate(answerUpdate, {
    args: [{ response: 'YES', by: { role: 'partner', partnerId: s.partner.id } }],
  });
  const { deadline } = await handle.query(statusQuery);
  const now = await testEnv.env.currentTimeMs();
  await testEnv.env.sleep(Date.parse(deadline!) - now + MINUTE);

  expect((await handle.query(statusQuery)).status).toBe('OVERDUE');
  const overdue = await database.db
    .selectFrom('history_event')
    .select('at')
    .where('request_id', '=', s.input.requestId)
    .where('event', '=', 'OVERDUE')
    .executeTakeFirstOrThrow();
  // On time: the moment the deadline passed (by the workflow's clock), not after any delivery.
  expect(overdue.at.getTime() - Date.parse(deadline!)).toBeGreaterThanOrEqual(0);
  expect(overdue.at.getTime() - Date.parse(deadline!)).toBeLessThan(5_000);
  const created = (await deliveriesOf(s.partner.id)).find((d) => d.type === 'license_request.created');
  expect(created!.status).not.toBe('DELIVERED');
  expect(created!.last_error).toMatch(/no answer/);
}, 180_000);

test('410 Gone disables the endpoint, mails the partner once, and stops every further attempt', async () => {
  const first = await receiverAt();
  const s = await scene(first);
  await first.close();
  // Two events wait for the receiver, which comes back saying the endpoint is gone.
  await create(s);
  await create({ ...s, input: { ...newInput(), partnerId: s.partner.id } });
  await until(s.partner.id, (r) => r.length === 2 && r.every((d) => d.attempts >= 1));
  const gone = await receiverAt(first.port);
  gone.fallback = 410;
  await testEnv.env.sleep(5 * MINUTE);
  await until(s.partner.id, (r) => r.every((d) => d.status === 'FAILED'));
  const mails = await smtp.waitFor((m) => m.to.includes(s.partner.notificationEmail) && /webhook/i.test(m.subject));
  const endpoint = await findWebhookEndpoint(database.db, s.partner.id);
  expect(endpoint!.disabled_at).not.toBeNull();
  expect(endpoint!.disabled_reason).toMatch(/410 Gone/);
  const attemptsThen = gone.received.length;
  expect(attemptsThen).toBeGreaterThanOrEqual(1);

  // A new occasion records no event for a disabled endpoint.
  await create({ ...s, input: { ...newInput(), partnerId: s.partner.id } });
  await testEnv.env.sleep(3 * 60 * MINUTE);
  // Nothing more: no attempt, no new event, and no second mail.
  expect(gone.received).toHaveLength(attemptsThen);
  expect(await deliveriesOf(s.partner.id)).toHaveLength(2);
  await new Promise((r) => setTimeout(r, 500));
  expect(
    smtp.mails.filter((m) => m.to.includes(s.partner.notificationEmail) && /webhook/i.test(m.subject)),
  ).toHaveLength(1);
  expect(mails[0]!.subject).toContain('Skolonkommunen');
});

test('a given-up delivery can be redelivered: the same webhook-id and body, delivered', async () => {
  const receiver = await receiverAt();
  receiver.fallback = 503;
  const s = await scene(receiver);
  await create(s);
  await until(s.partner.id, (r) => r.length === 1 && r[0]!.attempts >= 1);
  await testEnv.env.sleep(25 * 60 * MINUTE);
  const [failed] = await until(s.partner.id, (r) => r[0]?.status === 'FAILED');
  expect(failed!.last_error).toMatch(/24 hours/);
  const attemptsBefore = receiver.received.length;
  expect(attemptsBefore).toBeGreaterThan(20);

  receiver.fallback = 204;
  const view = await s.webhooks.redeliver(s.partner, failed!.id);
  expect(view.status).toBe('PENDING');
  const [delivered] = await until(s.partner.id, (r) => r[0]?.status === 'DELIVERED');
  expect(delivered!.attempts).toBe(attemptsBefore + 1);
  const last = receiver.received.at(-1)!;
  expect(last.headers['webhook-id']).toBe(failed!.id);
  expect(last.body).toBe(receiver.received[0]!.body);
  expect(verify(s.secret, last).data.id).toBe(s.input.requestId);
});
