/**
 * The partner's webhook endpoints through the real API (createApp, as the API process builds it)
 * on a real PostgreSQL. Host names are resolved by the test's own resolver (the service's hook for
 * the system's), so that nothing here depends on, or reaches, the network.
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { createWebhookDeliverer, recordWebhookEvent } from '../../activities/webhook-delivery';
import { createWebhookSender } from '../../activities/webhook-sender';
import { createSecretBox } from '../../db/secret-box';
import { startWebhookReceiver, type WebhookReceiver } from '../../dev/webhook-receiver';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database';
import { api } from '../../test/helpers/stack';
import { createApp, type AppDeps } from '../app';
import type { ResolveHost } from '../../services/webhooks';

const ADMIN = 'webhooks-admin-token-at-least-32-characters';
const key = crypto.randomBytes(32);

/** The test's DNS: public names resolve to a public address; others as named. */
const resolve: ResolveHost = async (host) => {
  const table: Record<string, string[]> = {
    'hooks.partner.example': ['93.184.215.14'],
    'hooks-v2.partner.example': ['2606:4700::1111', '93.184.215.14'],
    'internal.partner.example': ['10.20.30.40'],
    'metadata.partner.example': ['169.254.169.254'],
    'mixed.partner.example': ['93.184.215.14', '192.168.0.10'],
    'loopback.partner.example': ['::1'],
  };
  if (host === 'flaky.partner.example') throw Object.assign(new Error('try again'), { code: 'EAI_AGAIN' });
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

let database: TestDatabase;
let receiver: WebhookReceiver;
let temporal: Client;
const servers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [database, receiver] = await Promise.all([createTestDatabase(), startWebhookReceiver()]);
  // The webhook routes never call Temporal; a connection that is never opened will do.
  temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
});

afterAll(async () => {
  for (const close of servers) await close();
  await Promise.all([database?.drop(), receiver?.close()]);
});

async function startApp(webhooks: AppDeps['webhooks']) {
  const app = createApp({ db: database.db, temporal, taskQueue: 'x', adminToken: ADMIN, webhooks });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  return api({ apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

let production: Awaited<ReturnType<typeof startApp>>;
beforeAll(async () => {
  production = await startApp({ secretKey: key, allowInsecure: false, resolve });
});

async function newPartner(call = production): Promise<{ id: string; token: string }> {
  const id = `partner-${crypto.randomBytes(4).toString('hex')}`;
  const created = await call('POST', '/v1/partners', {
    token: ADMIN,
    body: { id, name: 'Acme', notificationEmail: `${id}@partner.test` },
  });
  expect(created.status).toBe(201);
  return { id, token: created.body.apiKey };
}

test('PUT creates the webhook and shows its secret this once; GET shows URL and events, never the secret', async () => {
  const { id, token } = await newPartner();
  const put = await production('PUT', '/v1/partner/webhook', {
    token,
    body: { url: 'https://hooks.partner.example/license-requests' },
  });
  expect(put.status).toBe(200);
  expect(put.body).toEqual({
    url: 'https://hooks.partner.example/license-requests',
    events: [...WEBHOOK_EVENT_TYPES],
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
    disabled: null,
    previousSecretExpiresAt: null,
    deliveries: [],
    secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
  });
  const secret = put.body.secret as string;
  // A secret the receivers' library takes.
  expect(() => new Webhook(secret)).not.toThrow();

  const get = await production('GET', '/v1/partner/webhook', { token });
  expect(get.status).toBe(200);
  expect(get.body).not.toHaveProperty('secret');
  expect(JSON.stringify(get.body)).not.toContain(secret.slice(6));

  // Stored sealed: the database does not hold the secret in any readable form.
  const row = await database.db
    .selectFrom('webhook_endpoint')
    .selectAll()
    .where('partner_id', '=', id)
    .executeTakeFirstOrThrow();
  expect(JSON.stringify(row)).not.toContain(secret.slice(6));
  expect(JSON.stringify(row)).not.toContain(Buffer.from(secret.slice(6), 'base64').toString('hex'));

  // A later PUT changes URL and events and keeps the secret: no new one is shown.
  const changed = await production('PUT', '/v1/partner/webhook', {
    token,
    body: {
      url: 'https://hooks-v2.partner.example/in',
      events: ['license_request.withdrawn', 'license_request.created'],
    },
  });
  expect(changed.status).toBe(200);
  expect(changed.body).not.toHaveProperty('secret');
  expect(changed.body).toMatchObject({
    url: 'https://hooks-v2.partner.example/in',
    events: ['license_request.created', 'license_request.withdrawn'],
  });
});

test('a URL that is not https, or whose host is or resolves to a local address, is refused with 400 invalid_webhook_url', async () => {
  const { token } = await newPartner();
  await production('PUT', '/v1/partner/webhook', { token, body: { url: 'https://hooks.partner.example/ok' } });
  const refused: Array<[string, RegExp]> = [
    ['http://hooks.partner.example/in', /https:\/\//],
    ['https://localhost/in', /this machine/],
    ['https://10.0.0.8/in', /private address/],
    ['https://169.254.169.254/latest/meta-data/', /link-local/],
    ['https://[::1]/in', /loopback/],
    ['https://[fd00::5]/in', /unique-local/],
    ['https://internal.partner.example/in', /resolves to 10\.20\.30\.40, a private address/],
    ['https://metadata.partner.example/in', /resolves to 169\.254\.169\.254, a link-local address/],
    ['https://loopback.partner.example/in', /resolves to ::1, a loopback address/],
    ['https://mixed.partner.example/in', /resolves to 192\.168\.0\.10, a private address/],
    ['https://nowhere.partner.example/in', /does not resolve.*ENOTFOUND/],
    ['https://user:secret@hooks.partner.example/in', /user name or password/],
    ['not a url', /not an absolute URL/],
  ];
  for (const [url, reason] of refused) {
    const answer = await production('PUT', '/v1/partner/webhook', { token, body: { url } });
    expect([url, answer.status, answer.body.error.code]).toEqual([url, 400, 'invalid_webhook_url']);
    expect(answer.body.error.message).toMatch(/^This webhook URL cannot be used: /);
    expect(answer.body.error.details).toEqual([{ field: 'url', message: expect.stringMatching(reason) }]);
  }
  // A resolver that cannot answer for now is our trouble, not the URL's: 503, to be tried again.
  const flaky = await production('PUT', '/v1/partner/webhook', {
    token,
    body: { url: 'https://flaky.partner.example/' },
  });
  expect([flaky.status, flaky.body.error.code, flaky.headers.get('retry-after')]).toEqual([
    503,
    'service_unavailable',
    '5',
  ]);
  // Nothing changed.
  expect((await production('GET', '/v1/partner/webhook', { token })).body.url).toBe('https://hooks.partner.example/ok');
});

test('bad bodies are 400 invalid_request naming the field', async () => {
  const { token } = await newPartner();
  const bad: Array<[unknown, string]> = [
    [{}, 'url'],
    [{ url: '' }, 'url'],
    [{ url: 'https://hooks.partner.example/', events: [] }, 'events'],
    [{ url: 'https://hooks.partner.example/', events: ['license_request.assigned'] }, 'events.0'],
    [
      { url: 'https://hooks.partner.example/', events: ['license_request.created', 'license_request.created'] },
      'events',
    ],
    [{ url: 'https://hooks.partner.example/', secret: 'whsec_mine' }, 'body'],
    [{ url: 42 }, 'url'],
  ];
  for (const [body, field] of bad) {
    const answer = await production('PUT', '/v1/partner/webhook', { token, body });
    expect([JSON.stringify(body), answer.status, answer.body.error.code]).toEqual([
      JSON.stringify(body),
      400,
      'invalid_request',
    ]);
    expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  }
  expect((await production('PUT', '/v1/partner/webhook', { token })).status).toBe(400);
  expect((await production('GET', '/v1/partner/webhook', { token })).status).toBe(404);
});

test('rotating makes a new secret and the previous one signs beside it for 24 hours; DELETE removes the webhook', async () => {
  const { token } = await newPartner();
  expect((await production('POST', '/v1/partner/webhook/secret', { token, body: {} })).body.error.code).toBe(
    'not_found',
  );
  const first = await production('PUT', '/v1/partner/webhook', {
    token,
    body: { url: 'https://hooks.partner.example/' },
  });

  const rotated = await production('POST', '/v1/partner/webhook/secret', { token });
  expect(rotated.status).toBe(200);
  expect(rotated.body).toEqual({
    secret: expect.stringMatching(/^whsec_/),
    previousSecretExpiresAt: expect.any(String),
  });
  expect(rotated.body.secret).not.toBe(first.body.secret);
  const overlapMs = new Date(rotated.body.previousSecretExpiresAt).getTime() - Date.now();
  expect(Math.abs(overlapMs - 24 * 3_600_000)).toBeLessThan(60_000);
  const get = await production('GET', '/v1/partner/webhook', { token });
  expect(get.body.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
  expect(JSON.stringify(get.body)).not.toContain(rotated.body.secret.slice(6));
  expect((await production('POST', '/v1/partner/webhook/secret', { token, body: { keep: true } })).status).toBe(400);

  expect((await production('DELETE', '/v1/partner/webhook', { token })).status).toBe(204);
  expect((await production('GET', '/v1/partner/webhook', { token })).status).toBe(404);
  // Removing none is not an error (a retried DELETE).
  expect((await production('DELETE', '/v1/partner/webhook', { token })).status).toBe(204);
});

test('only a partner key: no token is 401, the admin token 403', async () => {
  for (const [method, path] of [
    ['GET', '/v1/partner/webhook'],
    ['PUT', '/v1/partner/webhook'],
    ['DELETE', '/v1/partner/webhook'],
    ['POST', '/v1/partner/webhook/secret'],
  ] as const) {
    const body = method === 'GET' ? undefined : { url: 'https://hooks.partner.example/' };
    expect([method, (await production(method, path, { body })).status]).toEqual([method, 401]);
    expect([method, (await production(method, path, { token: ADMIN, body })).status]).toEqual([method, 403]);
  }
});

test('GET shows the latest deliveries: event, time, HTTP status, latency and attempts', async () => {
  // Development mode, so that the endpoint can be this machine's receiver.
  const dev = await startApp({ secretKey: key, allowInsecure: true });
  const { id, token } = await newPartner(dev);
  const put = await dev('PUT', '/v1/partner/webhook', { token, body: { url: `${receiver.origin}/in` } });
  expect(put.status).toBe(200);

  const sender = createWebhookSender({ allowInsecure: true });
  const deliverer = createWebhookDeliverer({ db: database.db, secrets: createSecretBox(key), sender });
  receiver.answer(500, 200);
  const recorded = await recordWebhookEvent(database.db, {
    id: `msg_${crypto.randomUUID()}`,
    partnerId: id,
    requestId: null,
    type: 'license_request.overdue',
    occurredAt: new Date(),
    data: {},
  });
  await deliverer.deliver(recorded!.id);
  await deliverer.deliver(recorded!.id);
  sender.close();

  const get = await dev('GET', '/v1/partner/webhook', { token });
  expect(get.body.deliveries).toEqual([
    {
      id: recorded!.id,
      event: 'license_request.overdue',
      requestId: null,
      createdAt: expect.any(String),
      status: 'DELIVERED',
      attempts: 2,
      lastAttemptAt: expect.any(String),
      httpStatus: 200,
      latencyMs: expect.any(Number),
      error: null,
      deliveredAt: expect.any(String),
    },
  ]);
  // The receiver verifies it with the secret the PUT showed.
  const [, delivered] = await receiver.waitFor(2);
  expect(
    new Webhook(put.body.secret).verify(delivered!.body, delivered!.headers as Record<string, string>),
  ).toMatchObject({
    type: 'license_request.overdue',
  });
});

test('without WEBHOOK_SECRET_KEY no secret can be made: setting a webhook answers 503', async () => {
  const keyless = await startApp(undefined);
  const { token } = await newPartner(keyless);
  const put = await keyless('PUT', '/v1/partner/webhook', { token, body: { url: 'https://hooks.partner.example/' } });
  expect([put.status, put.body.error.code]).toEqual([503, 'service_unavailable']);
  expect((await keyless('GET', '/v1/partner/webhook', { token })).status).toBe(404);
});
