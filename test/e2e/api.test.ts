/**
 * The HTTP API's contract (README, "The API") against the real stack: a Temporal dev
 * server, PostgreSQL, an SMTP listener, the worker and the API, all started once for this file.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { calendarDaysAfter } from '../helpers/calendar-oracle';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  stack = await startStack();
  call = api(stack);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

// --- helpers ---------------------------------------------------------------------------------

type Response = Awaited<ReturnType<ReturnType<typeof api>>>;

// Ahead of the run date, so the API's "not before today" check never goes stale.
const FUTURE_DATE = calendarDaysAfter(new Date(), 200);

function uid(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(5).toString('hex')}`;
}

/** Asserts the contract's error body `{"error":{"code","message","details"?}}` and the status. */
function expectError(res: Response, status: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: expect.anything() });
  expect(Object.keys(res.body)).toEqual(['error']);
  const error = res.body.error;
  expect(typeof error.code).toBe('string');
  expect(error.code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(error)) expect(['code', 'message', 'details']).toContain(key);
  if ('details' in error) expect(Array.isArray(error.details)).toBe(true);
  if (code !== undefined) expect(error.code).toBe(code);
}

/** A 400 whose `details` name `field` (exactly, or a path inside it such as `schools.1.skolonId`). */
function expectBadField(res: Response, field: string): void {
  expectError(res, 400);
  const fields: string[] = (res.body.error.details ?? []).map((d: { field?: string }) => d.field ?? '');
  expect(fields.some((f) => f === field || f.startsWith(`${field}.`))).toBe(true);
}

async function createPartner(overrides: Record<string, unknown> = {}): Promise<{ id: string; apiKey: string }> {
  const id = uid('partner');
  const res = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id, name: `Partner ${id}`, notificationEmail: `${id}@partner.example`, ...overrides },
  });
  expect(res.status).toBe(201);
  return { id, apiKey: res.body.apiKey };
}

function schools(n: number, prefix = 'sch'): Array<{ skolonId: string; name: string }> {
  return Array.from({ length: n }, (_, i) => ({ skolonId: `${prefix}-${i + 1}`, name: `Skola ${i + 1}` }));
}

function requestBody(partnerId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    partnerId,
    organisation: { skolonId: 'org-123', name: 'Skolonkommunen' },
    schools: schools(1),
    desiredAvailability: FUTURE_DATE,
    contacts: [{ name: 'Anna Andersson', email: 'anna@kommun.example' }],
    ...overrides,
  };
}

async function createRequest(partnerId: string, overrides: Record<string, unknown> = {}): Promise<any> {
  const res = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: requestBody(partnerId, overrides),
  });
  expect(res.status).toBe(201);
  return res.body;
}

async function getRequest(id: string, token = ADMIN_TOKEN): Promise<any> {
  const res = await call('GET', `/v1/license-requests/${id}`, { token });
  expect(res.status).toBe(200);
  return res.body;
}

/** Every list item the caller can see, following nextCursor to the end. */
async function listAll(token: string, query = ''): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const q = `limit=200${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await call('GET', `/v1/license-requests?${q}`, { token });
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (cursor === null) return items;
  }
  throw new Error('the list never ended');
}

const countAllRequests = async () => (await listAll(ADMIN_TOKEN)).length;

const answer = (id: string, token: string, body: unknown) =>
  call('POST', `/v1/license-requests/${id}/answer`, { token, body });
const assign = (id: string, token: string, schoolIds: string[]) =>
  call('POST', `/v1/license-requests/${id}/assignments`, { token, body: { schools: schoolIds } });
const withdraw = (id: string) => call('POST', `/v1/license-requests/${id}/withdraw`, { token: ADMIN_TOKEN, body: {} });

/** Mail going out adds history events (PARTNER_NOTIFIED, ...) in the background; these ignore them. */
const MAIL_EVENTS = ['PARTNER_NOTIFIED', 'PARTNER_REMINDED', 'CONTACTS_NOTIFIED', 'MAIL_FAILED'];
const stateHistory = (request: any): any[] => request.history.filter((e: any) => !MAIL_EVENTS.includes(e.event));
const withoutMailEvents = (request: any): any => ({ ...request, history: stateHistory(request) });

const assignmentsOf = (request: any): Record<string, string> =>
  Object.fromEntries(request.schools.map((s: any) => [s.skolonId, s.assignment]));

// --- 1. auth ---------------------------------------------------------------------------------

describe('authentication and roles', () => {
  test('every endpoint answers 401 without a token or with an unknown one, and 403 to the other role', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id);
    const id = request.id as string;
    const endpoints: Array<{ method: string; path: string; body?: unknown; who: 'admin' | 'partner' | 'both' }> = [
      {
        method: 'POST',
        path: '/v1/partners',
        body: { id: uid('p'), name: 'X', notificationEmail: 'x@x.example' },
        who: 'admin',
      },
      { method: 'GET', path: '/v1/partner/settings', who: 'partner' },
      { method: 'PUT', path: '/v1/partner/settings', body: { locale: 'en' }, who: 'partner' },
      { method: 'POST', path: '/v1/license-requests', body: requestBody(partner.id), who: 'admin' },
      { method: 'GET', path: '/v1/license-requests', who: 'both' },
      { method: 'GET', path: `/v1/license-requests/${id}`, who: 'both' },
      { method: 'POST', path: `/v1/license-requests/${id}/answer`, body: { response: 'NO' }, who: 'partner' },
      { method: 'POST', path: `/v1/license-requests/${id}/assignments`, body: { schools: ['sch-1'] }, who: 'partner' },
      { method: 'POST', path: `/v1/license-requests/${id}/withdraw`, body: {}, who: 'admin' },
      {
        method: 'POST',
        path: `/v1/license-requests/${id}/deadline`,
        body: { date: FUTURE_DATE, reason: 'x' },
        who: 'admin',
      },
      { method: 'POST', path: `/v1/license-requests/${id}/reopen`, body: { reason: 'x' }, who: 'admin' },
      { method: 'POST', path: `/v1/license-requests/${id}/notifications/resend`, body: {}, who: 'admin' },
      { method: 'POST', path: '/v1/partner/api-key', who: 'partner' },
    ];
    const before = await countAllRequests();
    for (const e of endpoints) {
      const noToken = await call(e.method, e.path, { body: e.body });
      expectError(noToken, 401);
      const unknownToken = await call(e.method, e.path, {
        token: `lrk_${crypto.randomBytes(32).toString('base64url')}`,
        body: e.body,
      });
      expectError(unknownToken, 401);
      if (e.who === 'admin') expectError(await call(e.method, e.path, { token: partner.apiKey, body: e.body }), 403);
      if (e.who === 'partner') expectError(await call(e.method, e.path, { token: ADMIN_TOKEN, body: e.body }), 403);
      if (e.who === 'both') {
        expect((await call(e.method, e.path, { token: ADMIN_TOKEN })).status).toBe(200);
        expect((await call(e.method, e.path, { token: partner.apiKey })).status).toBe(200);
      }
    }
    // None of the refused calls changed anything.
    expect(await countAllRequests()).toBe(before);
    const after = await getRequest(id);
    expect(after).toMatchObject({ status: 'AWAITING_ANSWER', response: 'UNANSWERED' });
    expect((await call('GET', '/v1/partner/settings', { token: partner.apiKey })).body.locale).toBe('sv');
  });

  test('a malformed Authorization header is a 401, not a crash', async () => {
    for (const authorization of ['Bearer', 'Basic dXNlcjpwYXNz', `Token ${ADMIN_TOKEN}`, 'Bearer a b']) {
      expectError(await call('GET', '/v1/license-requests', { headers: { authorization } }), 401);
    }
  });
});

// --- 2. partners cannot see each other's requests --------------------------------------------

describe('partner isolation', () => {
  test("another partner's request looks like it does not exist, and an unknown id is not found", async () => {
    const a = await createPartner();
    const b = await createPartner();
    const request = await createRequest(a.id, { schools: schools(2) });

    expectError(await call('GET', `/v1/license-requests/${request.id}`, { token: b.apiKey }), 404, 'not_found');
    expectError(await answer(request.id, b.apiKey, { response: 'YES' }), 404, 'not_found');
    expectError(await assign(request.id, b.apiKey, ['sch-1']), 404, 'not_found');
    expect((await listAll(b.apiKey)).map((r) => r.id)).not.toContain(request.id);

    const unknown = crypto.randomUUID();
    expectError(await call('GET', `/v1/license-requests/${unknown}`, { token: a.apiKey }), 404);
    expectError(await call('GET', `/v1/license-requests/${unknown}`, { token: ADMIN_TOKEN }), 404);
    expectError(await answer(unknown, a.apiKey, { response: 'NO' }), 404);
    expectError(await assign(unknown, a.apiKey, ['sch-1']), 404);
    expectError(await withdraw(unknown), 404);

    // B's attempts changed nothing; A still sees its request.
    const seenByA = await getRequest(request.id, a.apiKey);
    expect(seenByA).toMatchObject({ status: 'AWAITING_ANSWER', response: 'UNANSWERED' });
    expect(Object.values(assignmentsOf(seenByA))).toEqual(['PENDING', 'PENDING']);
    expect((await listAll(a.apiKey)).map((r) => r.id)).toContain(request.id);
  });
});

// --- 3. partners and their settings ----------------------------------------------------------

describe('partners', () => {
  test('creating a partner returns an API key once, which then works, and the same id cannot be created twice', async () => {
    const id = uid('acme');
    const res = await call('POST', '/v1/partners', {
      token: ADMIN_TOKEN,
      body: { id, name: 'Acme Learning', notificationEmail: 'orders@acme.example', locale: 'en' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id,
      name: 'Acme Learning',
      notificationEmail: 'orders@acme.example',
      locale: 'en',
      apiKey: expect.any(String),
    });
    expect(res.body.apiKey.length).toBeGreaterThanOrEqual(20);

    const settings = await call('GET', '/v1/partner/settings', { token: res.body.apiKey });
    expect(settings.status).toBe(200);
    expect(settings.body).toEqual({
      id,
      name: 'Acme Learning',
      notificationEmail: 'orders@acme.example',
      locale: 'en',
    });

    const again = await call('POST', '/v1/partners', {
      token: ADMIN_TOKEN,
      body: { id, name: 'Someone Else', notificationEmail: 'other@else.example' },
    });
    expectError(again, 409);
    // The first partner and its key are untouched.
    expect((await call('GET', '/v1/partner/settings', { token: res.body.apiKey })).body).toEqual(settings.body);
  });

  test('a partner created without a locale gets Swedish', async () => {
    const partner = await createPartner();
    expect((await call('GET', '/v1/partner/settings', { token: partner.apiKey })).body.locale).toBe('sv');
  });

  test('a partner with a missing name, a bad e-mail or an unsupported locale is refused, naming the field', async () => {
    const base = () => ({ id: uid('bad'), name: 'Bad Partner', notificationEmail: 'bad@partner.example' });
    const { name: _name, ...withoutName } = base();
    const cases: Array<[Record<string, unknown>, string]> = [
      [withoutName, 'name'],
      [{ ...base(), notificationEmail: 'not-an-email' }, 'notificationEmail'],
      [{ ...base(), locale: 'de' }, 'locale'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/v1/partners', { token: ADMIN_TOKEN, body });
      expectBadField(res, field);
      // Nothing was created: the same id is still free.
      const retry = await call('POST', '/v1/partners', {
        token: ADMIN_TOKEN,
        body: { id: body.id, name: 'Fixed', notificationEmail: 'fixed@partner.example' },
      });
      expect(retry.status).toBe(201);
    }
  });

  test('a partner changes its notification address and locale, and a bad address changes nothing', async () => {
    const partner = await createPartner();
    const put = await call('PUT', '/v1/partner/settings', {
      token: partner.apiKey,
      body: { notificationEmail: 'new-address@partner.example', locale: 'en' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      id: partner.id,
      name: `Partner ${partner.id}`,
      notificationEmail: 'new-address@partner.example',
      locale: 'en',
    });
    const got = await call('GET', '/v1/partner/settings', { token: partner.apiKey });
    expect(got.body).toEqual(put.body);

    const bad = await call('PUT', '/v1/partner/settings', {
      token: partner.apiKey,
      body: { notificationEmail: 'nope', locale: 'sv' },
    });
    expectBadField(bad, 'notificationEmail');
    expect((await call('GET', '/v1/partner/settings', { token: partner.apiKey })).body).toEqual(put.body);

    const badLocale = await call('PUT', '/v1/partner/settings', { token: partner.apiKey, body: { locale: 'de' } });
    expectBadField(badLocale, 'locale');
    expect((await call('GET', '/v1/partner/settings', { token: partner.apiKey })).body).toEqual(put.body);
  });
});

// --- 4. create validation --------------------------------------------------------------------

describe('creating a license request', () => {
  test('a valid request is created in AWAITING_ANSWER with everything the admin sent', async () => {
    const partner = await createPartner();
    const body = requestBody(partner.id, {
      schools: schools(2),
      contacts: [
        { name: 'Anna Andersson', email: 'anna@kommun.example' },
        { name: 'Bo Berg', email: 'bo@kommun.example' },
      ],
    });
    const res = await call('POST', '/v1/license-requests', { token: ADMIN_TOKEN, body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      partnerId: partner.id,
      organisation: { skolonId: 'org-123', name: 'Skolonkommunen' },
      schools: [
        { skolonId: 'sch-1', name: 'Skola 1', assignment: 'PENDING' },
        { skolonId: 'sch-2', name: 'Skola 2', assignment: 'PENDING' },
      ],
      numberOfSchools: 2,
      desiredAvailability: FUTURE_DATE,
      contacts: body.contacts,
      status: 'AWAITING_ANSWER',
      response: 'UNANSWERED',
      answeredAt: null,
      deadline: null,
      finishedAt: null,
    });
    expect(Number.isNaN(Date.parse(res.body.createdAt))).toBe(false);
    expect(res.body.history[0]).toMatchObject({ event: 'CREATED' });
    expect(withoutMailEvents(await getRequest(res.body.id))).toEqual(withoutMailEvents(res.body));
  });

  test('a request without a desired availability date is accepted', async () => {
    const partner = await createPartner();
    const { desiredAvailability: _d, ...body } = requestBody(partner.id);
    const res = await call('POST', '/v1/license-requests', { token: ADMIN_TOKEN, body });
    expect(res.status).toBe(201);
    expect(res.body.desiredAvailability).toBeNull();
  });

  test('bad create bodies are refused with a 400 naming the problem, and nothing is stored', async () => {
    const partner = await createPartner();
    const before = await countAllRequests();

    const malformed = await call('POST', '/v1/license-requests', { token: ADMIN_TOKEN, rawBody: '{"partnerId":' });
    expectError(malformed, 400);

    const contacts = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `Kontakt ${i}`, email: `k${i}@kommun.example` }));
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['unknown partner', requestBody(uid('no-such-partner')), 'partnerId'],
      ['zero schools', requestBody(partner.id, { schools: [] }), 'schools'],
      [
        'duplicate school ids',
        requestBody(partner.id, {
          schools: [
            { skolonId: 'sch-1', name: 'A' },
            { skolonId: 'sch-1', name: 'B' },
          ],
        }),
        'schools',
      ],
      ['1001 schools', requestBody(partner.id, { schools: schools(1001) }), 'schools'],
      ['zero contacts', requestBody(partner.id, { contacts: [] }), 'contacts'],
      ['21 contacts', requestBody(partner.id, { contacts: contacts(21) }), 'contacts'],
      [
        'invalid contact e-mail',
        requestBody(partner.id, { contacts: [{ name: 'Anna', email: 'anna-at-kommun' }] }),
        'contacts',
      ],
      ['impossible date', requestBody(partner.id, { desiredAvailability: '2026-02-30' }), 'desiredAvailability'],
      ['not a date', requestBody(partner.id, { desiredAvailability: 'not-a-date' }), 'desiredAvailability'],
      ['a date in the past', requestBody(partner.id, { desiredAvailability: '2020-01-01' }), 'desiredAvailability'],
      ['a missing organisation', requestBody(partner.id, { organisation: undefined }), 'organisation'],
      ['schools of the wrong type', requestBody(partner.id, { schools: 'sch-1' }), 'schools'],
    ];
    for (const [what, body, field] of cases) {
      const res = await call('POST', '/v1/license-requests', { token: ADMIN_TOKEN, body });
      try {
        expectBadField(res, field);
      } catch (error) {
        throw new Error(`${what}: ${JSON.stringify(res.body)}\n${String(error)}`);
      }
    }
    expect(await countAllRequests()).toBe(before);
    expect(await listAll(partner.apiKey)).toEqual([]);
  });

  test('a request with 1000 schools is accepted', async () => {
    const partner = await createPartner();
    const res = await call('POST', '/v1/license-requests', {
      token: ADMIN_TOKEN,
      body: requestBody(partner.id, { schools: schools(1000) }),
    });
    expect(res.status).toBe(201);
    expect(res.body.numberOfSchools).toBe(1000);
    expect(res.body.schools).toHaveLength(1000);
    const [item] = await listAll(partner.apiKey);
    expect(item).toMatchObject({ id: res.body.id, numberOfSchools: 1000 });
  });
});

// --- 5. idempotency --------------------------------------------------------------------------

describe('Idempotency-Key', () => {
  test('a retried create with the same key returns the same request, and the key cannot be reused for another body', async () => {
    const partner = await createPartner();
    const key = uid('idem');
    const body = requestBody(partner.id, { schools: schools(3) });
    const first = await call('POST', '/v1/license-requests', {
      token: ADMIN_TOKEN,
      body,
      headers: { 'Idempotency-Key': key },
    });
    expect(first.status).toBe(201);
    const second = await call('POST', '/v1/license-requests', {
      token: ADMIN_TOKEN,
      body,
      headers: { 'Idempotency-Key': key },
    });
    expect([200, 201]).toContain(second.status);
    expect(second.body.id).toBe(first.body.id);
    expect((await listAll(partner.apiKey)).map((r) => r.id)).toEqual([first.body.id]);

    const different = await call('POST', '/v1/license-requests', {
      token: ADMIN_TOKEN,
      body: requestBody(partner.id, { schools: schools(4) }),
      headers: { 'Idempotency-Key': key },
    });
    expectError(different, 409);
    expect((await listAll(partner.apiKey)).map((r) => r.id)).toEqual([first.body.id]);

    // Retries racing each other still make one request.
    const racingKey = uid('idem-race');
    const racingBody = requestBody(partner.id, { schools: schools(2) });
    const racing = await Promise.all(
      Array.from({ length: 5 }, () =>
        call('POST', '/v1/license-requests', {
          token: ADMIN_TOKEN,
          body: racingBody,
          headers: { 'Idempotency-Key': racingKey },
        }),
      ),
    );
    for (const res of racing) expect([200, 201]).toContain(res.status);
    expect(new Set(racing.map((res) => res.body.id)).size).toBe(1);
    expect(await listAll(partner.apiKey)).toHaveLength(2);

    // Without a key, the same body makes a second request.
    const third = await call('POST', '/v1/license-requests', { token: ADMIN_TOKEN, body });
    expect(third.status).toBe(201);
    expect(third.body.id).not.toBe(first.body.id);
    expect(await listAll(partner.apiKey)).toHaveLength(3);
  });
});

describe('Idempotency-Key on answer and assignments', () => {
  const keyed = (id: string, token: string, what: 'answer' | 'assignments', key: string, body: unknown) =>
    call('POST', `/v1/license-requests/${id}/${what}`, { token, body, headers: { 'Idempotency-Key': key } });

  test('the same key with the same body gets the first outcome; with a different body, 409 and nothing changes', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(3) });
    const key = uid('answer');

    const first = await keyed(request.id, partner.apiKey, 'answer', key, {
      response: 'YES',
      schools: ['sch-1', 'sch-2'],
    });
    expect(first.status).toBe(200);
    // The same schools in another order are the same body.
    const again = await keyed(request.id, partner.apiKey, 'answer', key, {
      response: 'YES',
      schools: ['sch-2', 'sch-1'],
    });
    expect(again.status).toBe(200);
    expect(again.body.answeredAt).toBe(first.body.answeredAt);
    const answered = withoutMailEvents(await getRequest(request.id));

    for (const other of [{ response: 'YES' }, { response: 'YES', schools: ['sch-3'] }, { response: 'NO' }]) {
      expectError(await keyed(request.id, partner.apiKey, 'answer', key, other), 409, 'idempotency_key_reused');
    }
    expect(withoutMailEvents(await getRequest(request.id))).toEqual(answered);

    const assignKey = uid('assign');
    const assigned = await keyed(request.id, partner.apiKey, 'assignments', assignKey, { schools: ['sch-1'] });
    expect(assigned.status).toBe(200);
    expect(assignmentsOf(assigned.body)).toMatchObject({ 'sch-1': 'ASSIGNED', 'sch-2': 'PENDING' });
    const retried = await keyed(request.id, partner.apiKey, 'assignments', assignKey, { schools: ['sch-1'] });
    expect(retried.status).toBe(200);
    expect(stateHistory(retried.body)).toEqual(stateHistory(assigned.body));
    const before = withoutMailEvents(await getRequest(request.id));
    // Reused for the other school: refused, and sch-2 is still waiting.
    const reused = await keyed(request.id, partner.apiKey, 'assignments', assignKey, { schools: ['sch-2'] });
    expectError(reused, 409, 'idempotency_key_reused');
    expect(withoutMailEvents(await getRequest(request.id))).toEqual(before);
    expect(assignmentsOf(before)['sch-2']).toBe('PENDING');

    // A key whose call was refused did nothing, so a corrected body may use it.
    const fresh = uid('assign');
    expectError(await keyed(request.id, partner.apiKey, 'assignments', fresh, { schools: ['no-such-school'] }), 400);
    const corrected = await keyed(request.id, partner.apiKey, 'assignments', fresh, { schools: ['sch-2'] });
    expect(corrected.status).toBe(200);
    expect(corrected.body.status).toBe('COMPLETED');
  });
});

// --- 6. transitions --------------------------------------------------------------------------

describe('answering, assigning and withdrawing', () => {
  test('a bad answer is refused and the request still waits for an answer', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(2) });

    expectBadField(await answer(request.id, partner.apiKey, { response: 'MAYBE' }), 'response');
    expectError(
      await answer(request.id, partner.apiKey, { response: 'YES', schools: ['sch-1', 'no-such-school'] }),
      400,
    );
    expectError(await answer(request.id, partner.apiKey, { response: 'NO', schools: ['sch-1'] }), 400);

    const after = await getRequest(request.id, partner.apiKey);
    expect(after).toMatchObject({
      status: 'AWAITING_ANSWER',
      response: 'UNANSWERED',
      answeredAt: null,
      deadline: null,
    });
    expect(Object.values(assignmentsOf(after))).toEqual(['PENDING', 'PENDING']);
    expect(stateHistory(after)).toEqual(stateHistory(request));
  });

  test('assigning before the partner has answered is a conflict', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id);
    expectError(await assign(request.id, partner.apiKey, ['sch-1']), 409);
    expect(await getRequest(request.id)).toMatchObject({ status: 'AWAITING_ANSWER', response: 'UNANSWERED' });
  });

  test('YES for some schools, then assigning them one by one, completes the request, and each step shows at once', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(3) });

    const yes = await answer(request.id, partner.apiKey, { response: 'YES', schools: ['sch-1', 'sch-2'] });
    expect(yes.status).toBe(200);
    expect(yes.body).toMatchObject({ status: 'AWAITING_ASSIGNMENT', response: 'YES' });
    expect(yes.body.answeredAt).not.toBeNull();
    expect(yes.body.deadline).not.toBeNull();
    expect(assignmentsOf(yes.body)).toEqual({ 'sch-1': 'PENDING', 'sch-2': 'PENDING', 'sch-3': 'NOT_LICENSED' });
    const afterYes = await getRequest(request.id, partner.apiKey);
    expect(afterYes).toMatchObject({ status: 'AWAITING_ASSIGNMENT', response: 'YES', deadline: yes.body.deadline });
    expect(assignmentsOf(afterYes)).toEqual(assignmentsOf(yes.body));

    // A second answer is a conflict and changes nothing.
    expectError(await answer(request.id, partner.apiKey, { response: 'NO' }), 409);
    expect(await getRequest(request.id)).toMatchObject({ status: 'AWAITING_ASSIGNMENT', response: 'YES' });

    const first = await assign(request.id, partner.apiKey, ['sch-1']);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('AWAITING_ASSIGNMENT');
    expect(assignmentsOf(first.body)).toEqual({ 'sch-1': 'ASSIGNED', 'sch-2': 'PENDING', 'sch-3': 'NOT_LICENSED' });
    const afterFirst = await getRequest(request.id, partner.apiKey);
    expect(assignmentsOf(afterFirst)).toEqual(assignmentsOf(first.body));

    // Assigning the same school again is safe and changes nothing.
    const retried = await assign(request.id, partner.apiKey, ['sch-1']);
    expect(retried.status).toBe(200);
    const afterRetry = await getRequest(request.id, partner.apiKey);
    expect(stateHistory(afterRetry)).toHaveLength(stateHistory(afterFirst).length);
    expect(withoutMailEvents(afterRetry)).toEqual(withoutMailEvents(afterFirst));

    // A school answered as holding no licenses cannot be assigned.
    expectError(await assign(request.id, partner.apiKey, ['sch-3']), 409);
    expectError(await assign(request.id, partner.apiKey, ['sch-2', 'sch-3']), 409);
    expect(withoutMailEvents(await getRequest(request.id))).toEqual(withoutMailEvents(afterFirst));

    // An unknown school is bad input.
    expectError(await assign(request.id, partner.apiKey, ['no-such-school']), 400);
    expect(withoutMailEvents(await getRequest(request.id))).toEqual(withoutMailEvents(afterFirst));

    const last = await assign(request.id, partner.apiKey, ['sch-2']);
    expect(last.status).toBe(200);
    expect(last.body.status).toBe('COMPLETED');
    expect(last.body.finishedAt).not.toBeNull();
    const completed = await getRequest(request.id, partner.apiKey);
    expect(completed).toMatchObject({ status: 'COMPLETED', response: 'YES' });
    expect(assignmentsOf(completed)).toEqual({ 'sch-1': 'ASSIGNED', 'sch-2': 'ASSIGNED', 'sch-3': 'NOT_LICENSED' });
    expect(stateHistory(completed).map((e) => e.event)).toEqual([
      'CREATED',
      'ANSWERED',
      'DEADLINE_SET',
      'SCHOOLS_ASSIGNED',
      'SCHOOLS_ASSIGNED',
      'COMPLETED',
    ]);

    // Nothing more can happen to a COMPLETED request.
    expectError(await withdraw(request.id), 409);
    expectError(await answer(request.id, partner.apiKey, { response: 'NO' }), 409);
    expectError(await assign(request.id, partner.apiKey, ['sch-3']), 409);
    expect((await getRequest(request.id)).status).toBe('COMPLETED');
  });

  test('a NO answer declines the request at once, and a declined request cannot be withdrawn or changed', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(2) });

    const no = await answer(request.id, partner.apiKey, { response: 'NO' });
    expect(no.status).toBe(200);
    expect(no.body).toMatchObject({ status: 'DECLINED', response: 'NO', deadline: null });
    const declined = await getRequest(request.id, partner.apiKey);
    expect(declined).toMatchObject({ status: 'DECLINED', response: 'NO' });
    expect(declined.finishedAt).not.toBeNull();
    expect(Object.values(assignmentsOf(declined))).toEqual(['NOT_LICENSED', 'NOT_LICENSED']);

    expectError(await withdraw(request.id), 409);
    expectError(await answer(request.id, partner.apiKey, { response: 'YES' }), 409);
    expectError(await assign(request.id, partner.apiKey, ['sch-1']), 409);
    const after = await getRequest(request.id);
    expect(after).toMatchObject({ status: 'DECLINED', response: 'NO' });
    expect(stateHistory(after)).toEqual(stateHistory(declined));
  });

  test('two answers sent at the same moment: exactly one is accepted, the other is a conflict', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(2) });
    const [yes, no] = await Promise.all([
      answer(request.id, partner.apiKey, { response: 'YES' }),
      answer(request.id, partner.apiKey, { response: 'NO' }),
    ]);
    expect([yes.status, no.status].sort()).toEqual([200, 409]);
    const winner = yes.status === 200 ? yes : no;
    expectError(yes.status === 200 ? no : yes, 409);
    const after = await getRequest(request.id);
    expect(after).toMatchObject({ status: winner.body.status, response: winner.body.response });
    expect(stateHistory(after).filter((e) => e.event === 'ANSWERED')).toHaveLength(1);
  });

  test('assignments of different schools sent at the same moment are all kept and complete the request', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(4) });
    expect((await answer(request.id, partner.apiKey, { response: 'YES' })).status).toBe(200);
    const results = await Promise.all(
      ['sch-1', 'sch-2', 'sch-3', 'sch-4'].map((id) => assign(request.id, partner.apiKey, [id])),
    );
    for (const res of results) expect(res.status).toBe(200);
    const after = await getRequest(request.id);
    expect(after.status).toBe('COMPLETED');
    expect(Object.values(assignmentsOf(after))).toEqual(['ASSIGNED', 'ASSIGNED', 'ASSIGNED', 'ASSIGNED']);
  });

  test('overlapping assignments sent at the same moment count each school once', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(3) });
    expect((await answer(request.id, partner.apiKey, { response: 'YES' })).status).toBe(200);
    const results = await Promise.all([
      assign(request.id, partner.apiKey, ['sch-1', 'sch-2']),
      assign(request.id, partner.apiKey, ['sch-2', 'sch-3']),
      assign(request.id, partner.apiKey, ['sch-1', 'sch-3']),
    ]);
    for (const res of results) expect(res.status).toBe(200);
    const after = await getRequest(request.id);
    expect(after.status).toBe('COMPLETED');
    const assigned = after.history
      .filter((e: any) => e.event === 'SCHOOLS_ASSIGNED')
      .flatMap((e: any) => e.detail.schools as string[])
      .sort();
    expect(assigned).toEqual(['sch-1', 'sch-2', 'sch-3']);
    expect(after.history.filter((e: any) => e.event === 'COMPLETED')).toHaveLength(1);
  });

  test('a body over 1 MiB is refused with 413 and nothing is stored', async () => {
    const partner = await createPartner();
    const before = await countAllRequests();
    const big = await call('POST', '/v1/license-requests', {
      token: ADMIN_TOKEN,
      rawBody: JSON.stringify({ ...requestBody(partner.id), padding: 'x'.repeat(1_100_000) }),
    });
    expectError(big, 413);
    expect(await countAllRequests()).toBe(before);
  });

  test('a YES without naming schools licenses every school', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(2) });
    const yes = await answer(request.id, partner.apiKey, { response: 'YES' });
    expect(yes.status).toBe(200);
    expect(assignmentsOf(await getRequest(request.id))).toEqual({ 'sch-1': 'PENDING', 'sch-2': 'PENDING' });
    const all = await assign(request.id, partner.apiKey, ['sch-1', 'sch-2']);
    expect(all.body.status).toBe('COMPLETED');
    expect((await getRequest(request.id)).status).toBe('COMPLETED');
  });

  test('a withdrawn request refuses every further answer, assignment and withdrawal', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(2) });

    const withdrawn = await withdraw(request.id);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('WITHDRAWN');
    const seen = await getRequest(request.id, partner.apiKey);
    expect(seen).toMatchObject({ status: 'WITHDRAWN', response: 'UNANSWERED' });
    expect(seen.finishedAt).not.toBeNull();

    expectError(await answer(request.id, partner.apiKey, { response: 'YES' }), 409);
    expectError(await assign(request.id, partner.apiKey, ['sch-1']), 409);
    expectError(await withdraw(request.id), 409);
    const after = await getRequest(request.id);
    expect(after).toMatchObject({ status: 'WITHDRAWN', response: 'UNANSWERED' });
    expect(stateHistory(after)).toEqual(stateHistory(seen));
  });

  test('a request waiting for assignments can be withdrawn, and then nothing more can be assigned', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id, { schools: schools(2) });
    expect((await answer(request.id, partner.apiKey, { response: 'YES' })).status).toBe(200);
    expect((await assign(request.id, partner.apiKey, ['sch-1'])).status).toBe(200);

    const withdrawn = await withdraw(request.id);
    expect(withdrawn.status).toBe(200);
    expect((await getRequest(request.id)).status).toBe('WITHDRAWN');
    expectError(await assign(request.id, partner.apiKey, ['sch-2']), 409);
    expectError(await assign(request.id, partner.apiKey, ['sch-1']), 409);
    const after = await getRequest(request.id);
    expect(after.status).toBe('WITHDRAWN');
    expect(assignmentsOf(after)).toEqual({ 'sch-1': 'ASSIGNED', 'sch-2': 'PENDING' });
  });
});

// --- 7. list ---------------------------------------------------------------------------------

describe('listing license requests', () => {
  test('pages of two go through every request once, newest first, ending with a null cursor', async () => {
    const partner = await createPartner();
    const created: any[] = [];
    for (let i = 0; i < 5; i++)
      created.push(await createRequest(partner.id, { organisation: { skolonId: `org-${i}`, name: `Kommun ${i}` } }));
    const newestFirst = [...created].reverse().map((r) => r.id);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await call('GET', `/v1/license-requests?${q}`, { token: partner.apiKey });
      expect(res.status).toBe(200);
      pageSizes.push(res.body.items.length);
      seen.push(...res.body.items.map((r: any) => r.id));
      cursor = res.body.nextCursor;
      expect(pageSizes.length).toBeLessThan(10);
    } while (cursor !== null);
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(newestFirst);
    expect(new Set(seen).size).toBe(5);

    // List items carry the summary fields, not schools/contacts/history.
    const whole = await call('GET', '/v1/license-requests?limit=5', { token: partner.apiKey });
    expect(whole.body.nextCursor).toBeNull();
    expect(whole.body.items.map((r: any) => r.id)).toEqual(newestFirst);
    const item = whole.body.items[0];
    expect(item).toMatchObject({
      id: newestFirst[0],
      partnerId: partner.id,
      numberOfSchools: 1,
      status: 'AWAITING_ANSWER',
    });
    expect(item).not.toHaveProperty('schools');
    expect(item).not.toHaveProperty('contacts');
    expect(item).not.toHaveProperty('history');

    // The default page holds them all.
    const byDefault = await call('GET', '/v1/license-requests', { token: partner.apiKey });
    expect(byDefault.body.items).toHaveLength(5);
    expect(byDefault.body.nextCursor).toBeNull();
  });

  test('the status filter, the summary counts and the admin partner filter show the right requests', async () => {
    const partner = await createPartner();
    const other = await createPartner();
    const [yes, no, waiting1, waiting2, withdrawn] = [
      await createRequest(partner.id),
      await createRequest(partner.id),
      await createRequest(partner.id),
      await createRequest(partner.id),
      await createRequest(partner.id),
    ];
    const otherRequest = await createRequest(other.id);
    expect((await answer(yes.id, partner.apiKey, { response: 'YES' })).status).toBe(200);
    expect((await answer(no.id, partner.apiKey, { response: 'NO' })).status).toBe(200);
    expect((await withdraw(withdrawn.id)).status).toBe(200);

    const ids = async (token: string, query: string) =>
      ((await call('GET', `/v1/license-requests?${query}`, { token })).body.items as any[]).map((r) => r.id).sort();

    expect(await ids(partner.apiKey, 'status=AWAITING_ANSWER')).toEqual([waiting1.id, waiting2.id].sort());
    expect(await ids(partner.apiKey, 'status=AWAITING_ASSIGNMENT')).toEqual([yes.id]);
    expect(await ids(partner.apiKey, 'status=DECLINED')).toEqual([no.id]);
    expect(await ids(partner.apiKey, 'status=WITHDRAWN')).toEqual([withdrawn.id]);
    expect(await ids(partner.apiKey, 'status=COMPLETED')).toEqual([]);

    const mine = await call('GET', '/v1/license-requests', { token: partner.apiKey });
    expect(mine.body.summary).toEqual({ answered: 2, notAnswered: 2 });
    const theirs = await call('GET', '/v1/license-requests', { token: other.apiKey });
    expect(theirs.body.summary).toEqual({ answered: 0, notAnswered: 1 });
    expect(theirs.body.items.map((r: any) => r.id)).toEqual([otherRequest.id]);

    const adminFiltered = await call('GET', `/v1/license-requests?partnerId=${partner.id}`, { token: ADMIN_TOKEN });
    expect(adminFiltered.status).toBe(200);
    expect(adminFiltered.body.summary).toEqual({ answered: 2, notAnswered: 2 });
    expect(adminFiltered.body.items.map((r: any) => r.id)).toEqual(mine.body.items.map((r: any) => r.id));
    expect(adminFiltered.body.items.every((r: any) => r.partnerId === partner.id)).toBe(true);
    expect(await ids(ADMIN_TOKEN, `partnerId=${partner.id}&status=DECLINED`)).toEqual([no.id]);

    const everything = (await listAll(ADMIN_TOKEN)).map((r) => r.id);
    expect(everything).toEqual(
      expect.arrayContaining([yes.id, no.id, waiting1.id, waiting2.id, withdrawn.id, otherRequest.id]),
    );
  });

  test('bad list parameters are refused with a 400', async () => {
    const partner = await createPartner();
    await createRequest(partner.id);
    const garbageCursors = [
      'garbage',
      '!!!not-base64!!!',
      // Near misses of the documented shape `<ms>_<uuid>`: a 14-digit time, upper case, a bad id.
      `99999999999999_${crypto.randomUUID()}`,
      `1764000000000_${crypto.randomUUID().toUpperCase()}`,
      '1764000000000_x',
      Buffer.from('["not a date","x"]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('null').toString('base64url'),
    ];
    const queries = [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['status=BOGUS', 'status'],
      ...garbageCursors.map((c) => [`cursor=${encodeURIComponent(c)}`, 'cursor']),
    ] as const;
    for (const token of [partner.apiKey, ADMIN_TOKEN]) {
      for (const [q, field] of queries) {
        const res = await call('GET', `/v1/license-requests?${q}`, { token });
        try {
          expectBadField(res, field);
        } catch (error) {
          throw new Error(`${q}: ${res.status} ${JSON.stringify(res.body)}\n${String(error)}`);
        }
      }
    }
    // The limits themselves are fine.
    expect((await call('GET', '/v1/license-requests?limit=1', { token: partner.apiKey })).status).toBe(200);
    expect((await call('GET', '/v1/license-requests?limit=200', { token: partner.apiKey })).status).toBe(200);
  });
});

// --- no input yields a 500 ------------------------------------------------------------------

describe('odd input is refused, never a server error', () => {
  test('a school id that is not valid Unicode (a lone surrogate) is refused with a 400', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id);
    expect((await answer(request.id, partner.apiKey, { response: 'YES' })).status).toBe(200);
    expectError(await assign(request.id, partner.apiKey, ['\ud800']), 400);
    expectError(await answer(request.id, partner.apiKey, { response: 'YES', schools: ['\udc00x'] }), 400);
    expect((await getRequest(request.id)).status).toBe('AWAITING_ASSIGNMENT');
  });

  test('a list cursor holding a date PostgreSQL cannot store is refused with a 400', async () => {
    const cursor = Buffer.from(JSON.stringify(['-271821-04-20T00:00:00Z', 'x'])).toString('base64url');
    expectBadField(await call('GET', `/v1/license-requests?cursor=${cursor}`, { token: ADMIN_TOKEN }), 'cursor');
  });

  test('a cursor of the documented shape made by hand is a position: the page starts after it', async () => {
    const partner = await createPartner();
    const older = await createRequest(partner.id);
    const newer = await createRequest(partner.id);
    const after = (createdAt: string, id: string) =>
      call('GET', `/v1/license-requests?cursor=${Date.parse(createdAt)}_${id}`, { token: partner.apiKey });
    const fromNewer = await after(newer.createdAt, newer.id);
    expect(fromNewer.status).toBe(200);
    expect(fromNewer.body.items.map((r: any) => r.id)).toEqual([older.id]);
    // Before 1970 and far in the future are positions too: nothing before the first, everything before the last.
    expect((await after('1970-01-01T00:00:00Z', crypto.randomUUID())).body.items).toEqual([]);
    const fromFuture = await after('2286-01-01T00:00:00Z', crypto.randomUUID());
    expect(fromFuture.body.items.map((r: any) => r.id)).toEqual([newer.id, older.id]);
  });

  test('text with a NUL character is refused with a 400 (or an unknown id with a 404), and nothing is stored', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id);
    const before = await countAllRequests();
    const nulCursor = Buffer.from(JSON.stringify([request.createdAt, 'x\u0000'])).toString('base64url');
    const calls: Array<[string, string, Parameters<typeof call>[2]]> = [
      ['POST', '/v1/license-requests', { token: ADMIN_TOKEN, body: requestBody('x\u0000') }],
      [
        'POST',
        '/v1/license-requests',
        {
          token: ADMIN_TOKEN,
          body: requestBody(partner.id, { organisation: { skolonId: 'org\u0000', name: 'Kommun' } }),
        },
      ],
      [
        'POST',
        '/v1/partners',
        { token: ADMIN_TOKEN, body: { id: uid('nul'), name: 'a\u0000b', notificationEmail: 'nul@partner.example' } },
      ],
      ['GET', '/v1/license-requests?partnerId=%00', { token: ADMIN_TOKEN }],
      ['GET', `/v1/license-requests?cursor=${nulCursor}`, { token: partner.apiKey }],
      ['GET', '/v1/license-requests/%00', { token: ADMIN_TOKEN }],
      ['POST', '/v1/license-requests/%00/withdraw', { token: ADMIN_TOKEN, body: {} }],
      ['POST', '/v1/license-requests/%00/answer', { token: partner.apiKey, body: { response: 'NO' } }],
    ];
    const problems: string[] = [];
    for (const [method, path, options] of calls) {
      const res = await call(method, path, options);
      if (res.status !== 400 && res.status !== 404)
        problems.push(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
      else expectError(res, res.status);
    }
    expect(problems).toEqual([]);
    expect(await countAllRequests()).toBe(before);
  });
});

// --- 8. health and unknown paths ------------------------------------------------------------

describe('health and unknown paths', () => {
  test('GET /health answers 200 with status ok, without a token', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  test('an unknown path is a 404 in the error shape', async () => {
    expectError(await call('GET', '/no/such/path'), 404);
    expectError(await call('GET', '/v1/no-such-thing', { token: ADMIN_TOKEN }), 404);
  });

  test('a documented path called with an undeclared method answers 405 with Allow, before any token check', async () => {
    const id = crypto.randomUUID();
    for (const [method, path, allow] of [
      ['DELETE', '/v1/license-requests', 'POST, GET, HEAD, OPTIONS'],
      ['PATCH', '/v1/partners', 'POST, OPTIONS'],
      ['PATCH', '/v1/partner/settings/', 'GET, PUT, HEAD, OPTIONS'],
      ['PUT', `/v1/license-requests/${id}/withdraw`, 'POST, OPTIONS'],
      ['POST', '/health', 'GET, HEAD, OPTIONS'],
    ]) {
      for (const token of [undefined, ADMIN_TOKEN]) {
        const res = await call(method!, path!, { token });
        expectError(res, 405, 'method_not_allowed');
        expect({ path, allow: res.headers.get('allow') }).toEqual({ path, allow });
      }
    }
    const options = await call('OPTIONS', `/v1/license-requests/${id}`);
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    // TRACE, which fetch will not send: through node:http.
    const trace = await new Promise<{ status?: number; allow?: string }>((resolve, reject) => {
      const req = http.request(`${stack.apiUrl}/v1/partners`, { method: 'TRACE' }, (res) => {
        res.resume();
        resolve({ status: res.statusCode, allow: res.headers.allow });
      });
      req.on('error', reject);
      req.end();
    });
    expect(trace).toEqual({ status: 405, allow: 'POST, OPTIONS' });
    // A path that is none stays a 404.
    expectError(await call('PATCH', '/v1/no-such-thing', { token: ADMIN_TOKEN }), 404);
  });

  test('what the document forbids is refused with 400: unknown fields, a missing body, a non-UUID id, a bad Idempotency-Key', async () => {
    const partner = await createPartner();
    const request = await createRequest(partner.id);
    const path = `/v1/license-requests/${request.id}`;
    expectBadField(await call('POST', `${path}/withdraw`, { token: ADMIN_TOKEN, body: { reason: 'x' } }), 'body');
    expectBadField(
      await call('POST', `${path}/answer`, { token: partner.apiKey, body: { response: 'NO', note: 'x' } }),
      'body',
    );
    expectBadField(
      await call('POST', '/v1/license-requests', {
        token: ADMIN_TOKEN,
        body: { ...requestBody(partner.id), organisation: { skolonId: 'o', name: 'O', extra: 1 } },
      }),
      'organisation',
    );
    expectBadField(await call('PUT', '/v1/partner/settings', { token: partner.apiKey }), 'body');
    expectBadField(await call('GET', '/v1/license-requests/not-a-uuid', { token: ADMIN_TOKEN }), 'id');
    expectBadField(
      await call('POST', `${path}/withdraw`, {
        token: ADMIN_TOKEN,
        body: {},
        headers: { 'idempotency-key': 'k'.repeat(201) },
      }),
      'Idempotency-Key',
    );
    // Names: control characters (C1 too) and blank text are refused; the same id in upper case is the same request.
    expectBadField(
      await call('POST', '/v1/partners', {
        token: ADMIN_TOKEN,
        body: { id: uid('c1'), name: 'a\u0085b', notificationEmail: 'c1@partner.example' },
      }),
      'name',
    );
    expect((await call('GET', `/v1/license-requests/${request.id.toUpperCase()}`, { token: ADMIN_TOKEN })).status).toBe(
      200,
    );
    expect((await getRequest(request.id)).status).toBe('AWAITING_ANSWER');
  });
});
