/**
 * GET /openapi.json against the app itself: every route the app has is documented (and nothing
 * else), and the responses the API really gives, for success and for each kind of error, have a
 * documented status and match the documented schema.
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { calendarDaysAfter, nthWorkingDayAfterOracle, stockholmDateOf } from '../helpers/calendar-oracle';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
let call: ReturnType<typeof api>;
let doc: any;
const ajv = new Ajv2020({ strict: false, allErrors: true });

beforeAll(async () => {
  // Insecure webhook URLs allowed, so that the one set below is this machine's (nothing is sent off it).
  stack = await startStack({ env: { WEBHOOK_ALLOW_INSECURE: 'true' } });
  call = api(stack);
  doc = (await call('GET', '/openapi.json')).body;
  ajv.addSchema(doc, 'openapi');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name?: string;
  handle: { stack?: Layer[] };
  match(path: string): boolean;
}

/**
 * The routes of the JSON API an Express 5 app really has: walks its router and the routers mounted
 * in it. The partner portal (mounted at /portal) serves HTML pages, not the JSON API, so it is not
 * part of the document and is left out here.
 */
function routesOf(app: Express): string[] {
  const found: string[] = [];
  const walk = (stackOf: Layer[], prefix: string) => {
    for (const layer of stackOf) {
      if (prefix === '' && layer.name === 'router' && layer.match('/portal/x') && !layer.match('/x')) continue;
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          found.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.name === 'router' && layer.handle.stack) {
        walk(layer.handle.stack, layer.match('/v1/x') && !layer.match('/x') ? '/v1' : prefix);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found.map((r) => r.replace(/:(\w+)/g, '{$1}')).sort();
}

test('the document lists exactly the routes the app has', () => {
  const app = createApp({ db: stack.database.db, temporal: stack.services.client, taskQueue: 'x', adminToken: 'x' });
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
  expect(routesOf(app)).toEqual(documented);
  expect(documented.length).toBeGreaterThanOrEqual(12);
  expect(doc.openapi).toBe('3.1.0');
});

/** Checks one real response against the document: its status is documented, its body fits. */
function conforms(method: string, path: string, response: { status: number; body: unknown }) {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  expect(operation).toBeDefined();
  const documented = operation.responses[String(response.status)];
  if (!documented) throw new Error(`${method} ${path} answered ${response.status}, which is not documented`);
  const schema = documented.content?.['application/json']?.schema;
  if (!schema) return;
  const validate = ajv.compile(schema.$ref ? { $ref: `openapi${schema.$ref}` } : schema);
  if (!validate(response.body)) {
    throw new Error(`${method} ${path} ${response.status} does not fit: ${ajv.errorsText(validate.errors)}`);
  }
}

test('real responses, successes and errors alike, have documented statuses and fit their schemas', async () => {
  const id = `partner-${crypto.randomBytes(4).toString('hex')}`;
  const partnerBody = { id, name: 'Acme', notificationEmail: `${id}@partner.test`, locale: 'en' };
  const created = await call('POST', '/v1/partners', { token: ADMIN_TOKEN, body: partnerBody });
  conforms('POST', '/v1/partners', created);
  conforms('POST', '/v1/partners', await call('POST', '/v1/partners', { token: ADMIN_TOKEN, body: partnerBody }));
  conforms('POST', '/v1/partners', await call('POST', '/v1/partners', { token: ADMIN_TOKEN, body: { id: 'X Y' } }));
  conforms('POST', '/v1/partners', await call('POST', '/v1/partners', { body: partnerBody }));
  conforms(
    'POST',
    '/v1/partners',
    await call('POST', '/v1/partners', { token: created.body.apiKey, body: partnerBody }),
  );
  conforms('POST', '/v1/partners', await call('POST', '/v1/partners', { token: ADMIN_TOKEN, rawBody: '{"id":' }));
  conforms(
    'POST',
    '/v1/partners',
    await call('POST', '/v1/partners', {
      token: ADMIN_TOKEN,
      rawBody: JSON.stringify({ ...partnerBody, pad: 'x'.repeat(1_100_000) }),
    }),
  );

  // Rotating the key: the new one works, the old one no longer does.
  const rotated = await call('POST', '/v1/partner/api-key', { token: created.body.apiKey });
  conforms('POST', '/v1/partner/api-key', rotated);
  expect(rotated.status).toBe(201);
  const key = rotated.body.apiKey as string;
  expect(key).not.toBe(created.body.apiKey);
  expect((await call('GET', '/v1/partner/settings', { token: created.body.apiKey })).status).toBe(401);
  conforms('GET', '/v1/partner/settings', await call('GET', '/v1/partner/settings', { token: key }));
  conforms(
    'PUT',
    '/v1/partner/settings',
    await call('PUT', '/v1/partner/settings', { token: key, body: { locale: 'sv' } }),
  );
  conforms(
    'PUT',
    '/v1/partner/settings',
    await call('PUT', '/v1/partner/settings', { token: key, body: { locale: 'de' } }),
  );

  // The partner's webhook: not set, refused, set (with its secret), changed, rotated, removed.
  const hook = '/v1/partner/webhook';
  conforms('GET', hook, await call('GET', hook, { token: key }));
  conforms('PUT', hook, await call('PUT', hook, { token: key, body: { url: 'https://user:pw@127.0.0.1:9/in' } }));
  conforms('PUT', hook, await call('PUT', hook, { token: key, body: { url: 'http://127.0.0.1:9/in', events: [] } }));
  conforms('PUT', hook, await call('PUT', hook, { token: ADMIN_TOKEN, body: { url: 'http://127.0.0.1:9/in' } }));
  const setHook = await call('PUT', hook, { token: key, body: { url: 'http://127.0.0.1:9/in' } });
  expect(setHook.body.secret).toMatch(/^whsec_/);
  conforms('PUT', hook, setHook);
  conforms(
    'PUT',
    hook,
    await call('PUT', hook, {
      token: key,
      body: { url: 'http://127.0.0.1:9/in', events: ['license_request.created'] },
    }),
  );
  conforms('GET', hook, await call('GET', hook, { token: key }));
  conforms('POST', `${hook}/secret`, await call('POST', `${hook}/secret`, { token: key, body: {} }));
  conforms('POST', `${hook}/secret`, await call('POST', `${hook}/secret`, { token: key, body: { x: 1 } }));
  conforms('DELETE', hook, await call('DELETE', hook, { token: key }));
  conforms('POST', `${hook}/secret`, await call('POST', `${hook}/secret`, { token: key }));

  // The partner's people: listed, added (twice: 409), refused, removed, the last admin kept.
  const users = '/v1/partner/users';
  conforms('GET', users, await call('GET', users, { token: key }));
  conforms('GET', users, await call('GET', users, { token: ADMIN_TOKEN }));
  const person = { email: `anna-${id}@partner.test`, name: 'Anna Andersson', role: 'member' };
  const added = await call('POST', users, { token: key, body: person });
  expect(added.status).toBe(201);
  conforms('POST', users, added);
  conforms('POST', users, await call('POST', users, { token: key, body: person }));
  conforms('POST', users, await call('POST', users, { token: key, body: { ...person, role: 'owner' } }));
  conforms('POST', users, await call('POST', users, { token: key, body: { ...person, email: 'no' } }));
  const one = (email: string) => `${users}/${encodeURIComponent(email)}`;
  const removed = await call('DELETE', one(person.email), { token: key });
  expect(removed.status).toBe(204);
  conforms('DELETE', `${users}/{email}`, removed);
  conforms('DELETE', `${users}/{email}`, await call('DELETE', one(person.email), { token: key }));
  const lastAdmin = await call('DELETE', one(`${id}@partner.test`), { token: key });
  expect(lastAdmin.status).toBe(409);
  conforms('DELETE', `${users}/{email}`, lastAdmin);

  const createBody = {
    partnerId: id,
    organisation: { skolonId: 'org-1', name: 'Skolonkommunen' },
    schools: [{ skolonId: 'sch-1', name: 'Norra skolan' }],
    desiredAvailability: calendarDaysAfter(new Date(), 200), // ahead of the run date
    contacts: [{ name: 'Anna', email: 'anna@kommun.test' }],
  };
  const request = await call('POST', '/v1/license-requests', { token: ADMIN_TOKEN, body: createBody });
  conforms('POST', '/v1/license-requests', request);
  conforms(
    'POST',
    '/v1/license-requests',
    await call('POST', '/v1/license-requests', { token: ADMIN_TOKEN, body: {} }),
  );
  const rid = request.body.id as string;

  conforms('GET', '/v1/license-requests', await call('GET', '/v1/license-requests', { token: key }));
  conforms('GET', '/v1/license-requests', await call('GET', '/v1/license-requests?limit=0', { token: key }));
  conforms('GET', '/v1/license-requests/{id}', await call('GET', `/v1/license-requests/${rid}`, { token: key }));
  conforms('GET', '/v1/license-requests/{id}', await call('GET', '/v1/license-requests/nope', { token: key }));
  const path = (suffix: string) => `/v1/license-requests/{id}/${suffix}`;
  conforms(
    'POST',
    path('assignments'),
    await call('POST', `/v1/license-requests/${rid}/assignments`, { token: key, body: { schools: ['sch-1'] } }),
  );
  conforms(
    'POST',
    path('answer'),
    await call('POST', `/v1/license-requests/${rid}/answer`, { token: key, body: { response: 'MAYBE' } }),
  );
  // Support's exceptions while the request awaits its answer: a resend goes out, the others are refused.
  const exception = (suffix: string, body: unknown, token = ADMIN_TOKEN) =>
    call('POST', `/v1/license-requests/${rid}/${suffix}`, { token, body });
  const later = nthWorkingDayAfterOracle(stockholmDateOf(new Date()), 10);
  conforms('POST', path('notifications/resend'), await exception('notifications/resend', {}));
  conforms('POST', path('deadline'), await exception('deadline', { date: later, reason: 'Renewal' }));
  conforms('POST', path('deadline'), await exception('deadline', { date: '2027-02-30', reason: 'Renewal' }));
  conforms('POST', path('deadline'), await exception('deadline', { date: later }));
  conforms('POST', path('reopen'), await exception('reopen', { reason: 'By mistake' }));
  conforms('POST', path('reopen'), await exception('reopen', { reason: 'By mistake' }, key));
  conforms(
    'POST',
    path('answer'),
    await call('POST', `/v1/license-requests/${rid}/answer`, { token: key, body: { response: 'YES' } }),
  );
  conforms('POST', path('deadline'), await exception('deadline', { date: later, reason: 'Renewal' }));
  conforms(
    'POST',
    path('answer'),
    await call('POST', `/v1/license-requests/${rid}/answer`, { token: key, body: { response: 'NO' } }),
  );
  conforms(
    'POST',
    path('assignments'),
    await call('POST', `/v1/license-requests/${rid}/assignments`, { token: key, body: { schools: ['sch-1'] } }),
  );
  conforms(
    'POST',
    path('withdraw'),
    await call('POST', `/v1/license-requests/${rid}/withdraw`, { token: ADMIN_TOKEN, body: {} }),
  );
  conforms(
    'POST',
    path('withdraw'),
    await call('POST', `/v1/license-requests/${rid}/withdraw`, { token: key, body: {} }),
  );
  conforms('POST', path('notifications/resend'), await exception('notifications/resend', {}));
  conforms('POST', path('reopen'), await exception('reopen', { reason: 'By mistake' }));
  conforms(
    'POST',
    path('deadline'),
    await call('POST', `/v1/license-requests/${crypto.randomUUID()}/deadline`, {
      token: ADMIN_TOKEN,
      body: { date: later, reason: 'x' },
    }),
  );
  conforms('GET', '/health', await call('GET', '/health'));
  conforms('GET', '/livez', await call('GET', '/livez'));
  const ready = await call('GET', '/readyz');
  expect(ready.status).toBe(200);
  conforms('GET', '/readyz', ready);
});

test('rate limiting answers 429 with Retry-After, in the documented shape, and security headers are on every answer', async () => {
  const app = createApp({
    db: stack.database.db,
    temporal: stack.services.client,
    taskQueue: stack.config.temporal.taskQueue,
    adminToken: ADMIN_TOKEN,
    rateLimitPerMinute: 3,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const limited = api({ apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    // A token of its own: the counts are shared with every API process on this database.
    const partner = await api(stack)('POST', '/v1/partners', {
      token: ADMIN_TOKEN,
      body: { id: `limited-${crypto.randomUUID()}`, name: 'Limited AB', notificationEmail: 'limited@partner.test' },
    });
    const token = partner.body.apiKey as string;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limited('GET', '/v1/license-requests', { token }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    const last = answers[3]!;
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    conforms('GET', '/v1/license-requests', last);
    // Another token has its own allowance.
    expect((await limited('GET', '/v1/license-requests', { token: 'someone-else' })).status).toBe(401);
    for (const a of answers) {
      expect(a.headers.get('x-content-type-options')).toBe('nosniff');
      expect(a.headers.get('x-frame-options')).toBe('DENY');
      expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
