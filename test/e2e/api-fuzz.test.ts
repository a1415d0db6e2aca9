/**
 * "No input ever yields a 500" (README, "The API"), checked by fuzzing the real stack:
 * fast-check throws generated bodies, path ids, headers and query strings at every endpoint (and at
 * paths and methods that are none), and each call must
 *   - answer at all, within CALL_TIMEOUT_MS (no hang), with a 2xx or a 4xx, never a 5xx;
 *   - on a 2xx, have the contract's body for that endpoint;
 *   - on a 4xx, have exactly `{"error":{"code","message","details"?}}`, with no stack trace in it;
 *   - on a 4xx (and on any GET), have stored nothing: see `fingerprint()`.
 * A few thousand calls per run (see NUM_RUNS), in every `npm test`; `FUZZ_SCALE=10 npm run fuzz` runs ten
 * times as many, alone. On a failure fast-check prints the seed and the
 * shrunk call; to replay it, pass `{ seed, path }` from that report to the failing `fc.assert`.
 *
 * Successful creates start real workflows, so the generators make them rare: near-valid bodies
 * mostly name a partner that does not exist. Calls aim at real request ids in every status (those
 * the fuzzing created too), and partner A always has a few requests waiting for an answer and for
 * assignments (`refreshPool()`), so that answers and assignments get past the status check.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { sql } from 'kysely';
import { calendarDaysAfter, nthWorkingDayAfterOracle, stockholmDateOf } from '../helpers/calendar-oracle';
import { ASSIGNMENTS, RESPONSES, STATUSES } from '../../domain/license-request';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

/** Generated calls per property; the sum is the calls per run (plus a few in beforeAll). */
/** `FUZZ_SCALE=10 npm run fuzz`: ten times the calls (and the time allowed for them). */
const FUZZ_SCALE = Math.max(1, Number(process.env.FUZZ_SCALE) || 1);
const NUM_RUNS = Object.fromEntries(
  Object.entries({
    partners: 500,
    createRequest: 800,
    list: 500,
    oneRequest: 1000,
    anywhere: 400,
    unknownSchools: 100,
  }).map(([property, runs]) => [property, Math.round(runs * FUZZ_SCALE)]),
) as Record<'partners' | 'createRequest' | 'list' | 'oneRequest' | 'anywhere' | 'unknownSchools', number>;
const MIN_CALLS = Math.round(3000 * FUZZ_SCALE);
/** Longer than any bounded wait in the API (updates: 20 s), so that a hang shows as one. */
const CALL_TIMEOUT_MS = 30_000;
const PROPERTY_TIMEOUT_MS = 240_000 * FUZZ_SCALE;

let stack: TestStack;

// --- the world the generators aim at ----------------------------------------------------------

interface PoolRequest {
  id: string;
  partnerId: string;
  status: string;
}

const PARTNER_A = 'fuzz-partner-a';
const PARTNER_B = 'fuzz-partner-b';

const world = {
  /** Partner A's key; replaced when a fuzzed call rotates it (POST /v1/partner/api-key). */
  keyA: '',
  keyB: '',
  /** Every request in the database, as of the last `refreshPool()`. */
  requests: [] as PoolRequest[],
  /** A cursor the list handed out. */
  cursor: '',
  /** Each request's school ids (fuzzed creates make requests with odd ones, e.g. "constructor"). */
  schools: new Map<string, Set<string>>(),
};

// Ahead of the run date, so the API's "not before today" check never goes stale.
const FUTURE_DATE = calendarDaysAfter(new Date(), 200);
const schoolsOf = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ skolonId: `s-${i + 1}`, name: `Skola ${i + 1}` }));
const contactsOf = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `Kontakt ${i + 1}`, email: `k${i + 1}@kommun.example` }));
const validCreateBody = (partnerId: string, schools = 3): Record<string, unknown> => ({
  partnerId,
  organisation: { skolonId: 'org-fuzz', name: 'Fuzzkommunen' },
  schools: schoolsOf(schools),
  desiredAvailability: FUTURE_DATE,
  contacts: contactsOf(1),
});

/** Setting-up calls, outside the fuzzing (not counted, no checks beyond success). */
async function setUp(method: string, path: string, token: string, body?: unknown, status = 200): Promise<any> {
  const res = await api(stack)(method, path, { token, body });
  expect({ call: `${method} ${path}`, status: res.status }).toEqual({ call: `${method} ${path}`, status });
  return res.body;
}

async function createRequest(partnerId: string): Promise<string> {
  return (await setUp('POST', '/v1/license-requests', ADMIN_TOKEN, validCreateBody(partnerId), 201)).id;
}

/**
 * Reloads the pool of request ids (with their status) from the database, and tops up partner A's
 * requests that are waiting for an answer and for assignments: fuzzed calls answer and withdraw
 * requests, and the later calls should still meet some that can move.
 */
async function refreshPool(): Promise<void> {
  const load = async () =>
    (world.requests = (
      await stack.database.db
        .selectFrom('license_request')
        .select(['id', 'partner_id', 'status'])
        .orderBy('created_at')
        .execute()
    ).map((r) => ({ id: r.id, partnerId: r.partner_id, status: r.status })));
  const count = (status: string) =>
    world.requests.filter((r) => r.partnerId === PARTNER_A && r.status === status).length;
  const loadSchools = async () => {
    world.schools = new Map();
    for (const row of await stack.database.db.selectFrom('school').select(['request_id', 'skolon_id']).execute()) {
      world.schools.set(row.request_id, (world.schools.get(row.request_id) ?? new Set()).add(row.skolon_id));
    }
  };
  await load();
  let changed = false;
  for (let n = count('AWAITING_ANSWER'); n < 3; n++, changed = true) await createRequest(PARTNER_A);
  for (let n = count('AWAITING_ASSIGNMENT'); n < 3; n++, changed = true) {
    const id = await createRequest(PARTNER_A);
    await setUp('POST', `/v1/license-requests/${id}/answer`, world.keyA, { response: 'YES', schools: ['s-1', 's-2'] });
  }
  // A NO to reopen (support's exception).
  for (let n = count('DECLINED'); n < 1; n++, changed = true) {
    const id = await createRequest(PARTNER_A);
    await setUp('POST', `/v1/license-requests/${id}/answer`, world.keyA, { response: 'NO' });
  }
  if (changed) await load();
  await loadSchools();
}

beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '100000000' } });
  const partner = async (id: string): Promise<string> =>
    (
      await setUp(
        'POST',
        '/v1/partners',
        ADMIN_TOKEN,
        {
          id,
          name: `Partner ${id}`,
          notificationEmail: `${id}@partner.example`,
        },
        201,
      )
    ).apiKey;
  world.keyA = await partner(PARTNER_A);
  world.keyB = await partner(PARTNER_B);
  // Besides A's open and answered ones (refreshPool), a withdrawn one of A's, and one of B's.
  const withdrawn = await createRequest(PARTNER_A);
  await setUp('POST', `/v1/license-requests/${withdrawn}/withdraw`, ADMIN_TOKEN, {});
  await createRequest(PARTNER_B);
  await refreshPool();
  world.cursor = (await setUp('GET', '/v1/license-requests?limit=1', ADMIN_TOKEN)).nextCursor;
  expect(typeof world.cursor).toBe('string');
}, 120_000);

afterAll(async () => {
  const byStatus = Object.entries(statusCounts)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status}:${n}`)
    .join(' ');
  console.log(`api-fuzz: ${calls} generated calls (${byStatus}); ${world.requests.length} requests in the end`);
  await stack?.stop();
}, 60_000);

// --- one call --------------------------------------------------------------------------------

type Auth =
  | { kind: 'admin' }
  | { kind: 'partnerA' }
  | { kind: 'partnerB' }
  | { kind: 'none' }
  /** A literal Authorization header. */
  | { kind: 'header'; value: string };

type BigBody = 'schools' | 'whitespace' | 'longString' | 'nestedArrays' | 'nestedObjects' | 'manyKeys' | 'overLimit';

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; hex: string }
  | { kind: 'big'; shape: BigBody; size: number };

type Encoding = 'gzip' | 'deflate' | 'br' | 'identity' | 'fake-gzip' | 'gzip-bomb' | 'bogus';

interface Call {
  method: string;
  /** Path and query string, already encoded as they go on the wire (percent-escapes and all). */
  path: string;
  auth: Auth;
  body: Body;
  /** `null`: no Content-Type at all; undefined: application/json when there is a body. */
  contentType?: string | null;
  encoding?: Encoding;
  idempotencyKey?: string;
  extraHeaders: Array<[string, string]>;
}

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  json: any;
}

let calls = 0;
const statusCounts: Record<number, number> = {};

function authorization(auth: Auth): string | undefined {
  switch (auth.kind) {
    case 'admin':
      return `Bearer ${ADMIN_TOKEN}`;
    case 'partnerA':
      return `Bearer ${world.keyA}`;
    case 'partnerB':
      return `Bearer ${world.keyB}`;
    case 'none':
      return undefined;
    case 'header':
      return auth.value;
  }
}

function bigBody(shape: BigBody, size: number): string {
  switch (shape) {
    case 'schools':
      return JSON.stringify({ ...validCreateBody(PARTNER_A), schools: schoolsOf(size) });
    case 'whitespace':
      return `{${' '.repeat(size)}}`;
    case 'longString':
      return JSON.stringify({ ...validCreateBody(PARTNER_A), partnerId: 'x'.repeat(size), response: 'Y'.repeat(size) });
    case 'nestedArrays':
      return `${'['.repeat(size)}${']'.repeat(size)}`;
    case 'nestedObjects':
      return `${'{"a":'.repeat(size)}1${'}'.repeat(size)}`;
    case 'manyKeys':
      return JSON.stringify(Object.fromEntries(Array.from({ length: size }, (_, i) => [`k${i}`, i])));
    case 'overLimit':
      // Just over express.json's 1 MB limit: a 413, in the contract's shape.
      return JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + size) });
  }
}

function bodyBytes(body: Body, contentType: string | null | undefined): Buffer | undefined {
  const utf16 = /charset=utf-16/i.test(contentType ?? '');
  const encode = (text: string) => Buffer.from(text, utf16 ? 'utf16le' : 'utf8');
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'json':
      // JSON.stringify(undefined) is undefined: then there is no body at all.
      return body.value === undefined ? undefined : encode(JSON.stringify(body.value));
    case 'text':
      return encode(body.text);
    case 'bytes':
      return Buffer.from(body.hex, 'hex');
    case 'big':
      return encode(bigBody(body.shape, body.size));
  }
}

function encodeBody(bytes: Buffer, encoding: Encoding): { bytes: Buffer; header: string } {
  switch (encoding) {
    case 'gzip':
      return { bytes: zlib.gzipSync(bytes), header: 'gzip' };
    case 'deflate':
      return { bytes: zlib.deflateSync(bytes), header: 'deflate' };
    case 'br':
      return { bytes: zlib.brotliCompressSync(bytes), header: 'br' };
    case 'identity':
      return { bytes, header: 'identity' };
    case 'fake-gzip':
      return { bytes, header: 'gzip' };
    case 'gzip-bomb':
      // 8 MB of JSON in a few kB: the limit applies to what it inflates to.
      return { bytes: zlib.gzipSync(Buffer.from(`{"a":"${'0'.repeat(8 * 1024 * 1024)}"}`)), header: 'gzip' };
    case 'bogus':
      return { bytes, header: 'x-bogus' };
  }
}

async function send(c: Call): Promise<Answer> {
  const headers = new Headers();
  const auth = authorization(c.auth);
  if (auth !== undefined) headers.set('authorization', auth);
  for (const [name, value] of c.extraHeaders) headers.append(name, value);
  if (c.idempotencyKey !== undefined) headers.set('idempotency-key', c.idempotencyKey);
  const canHaveBody = c.method !== 'GET' && c.method !== 'HEAD';
  let bytes = canHaveBody ? bodyBytes(c.body, c.contentType) : undefined;
  if (bytes !== undefined && c.encoding !== undefined) {
    const encoded = encodeBody(bytes, c.encoding);
    bytes = encoded.bytes;
    headers.set('content-encoding', encoded.header);
  }
  if (c.contentType !== null && (c.contentType !== undefined || bytes !== undefined)) {
    headers.set('content-type', c.contentType ?? 'application/json');
  }
  calls++;
  let response: Response;
  try {
    // Bytes, not a string: fetch then adds no Content-Type of its own.
    response = await fetch(`${stack.apiUrl}${c.path}`, {
      method: c.method,
      headers,
      body: bytes === undefined ? undefined : new Uint8Array(bytes),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    throw new Error(`${c.method} ${c.path.slice(0, 300)}: no answer (${String(error)}; ${String(cause)})`);
  }
  const text = await response.text();
  statusCounts[response.status] = (statusCounts[response.status] ?? 0) + 1;
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, json };
}

// --- "nothing was stored" ----------------------------------------------------------------------

/**
 * A cheap fingerprint of everything a call can store: row counts, and an order-independent sum of
 * row hashes, of the tables the API's own request path writes (partner, license_request, school,
 * contact, idempotency_key), and of the history events of state changes. It leaves out what the
 * workflows write in the background after a call has answered, so that mail going out for an
 * earlier, successful call cannot look like a write by a later, refused one: the sent_mail table,
 * and the history events that mail adds (event_key `mail-...`, see activities/mail.ts). Changes of
 * state itself are written before the call that caused them answers (read-your-writes), and the
 * only later ones (OVERDUE) are days away.
 */
async function fingerprint(): Promise<Record<string, string>> {
  const { rows } = await sql<Record<string, string>>`
    select
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) from partner t) as partner,
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) from partner_user t) as partner_user,
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) from license_request t) as license_request,
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) from school t) as school,
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) from contact t) as contact,
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) from idempotency_key t) as idempotency_key,
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)), 0)
         from history_event t where t.event_key not like 'mail-%') as state_history
  `.execute(stack.database.db);
  return rows[0]!;
}

// --- what an answer must look like -------------------------------------------------------------

/** What a leaked stack trace or error dump looks like: frames, file positions, our own paths. */
const STACK_TRACE = [/\bat\s+\S*[/\\]\S+\.[cm]?[jt]s\b/, /\.[cm]?[jt]s:\d+:\d+/, /node_modules/, process.cwd()];

const oneOf = (values: readonly string[]) => expect.stringMatching(new RegExp(`^(${values.join('|')})$`));
const stringOrNull = (value: unknown) => (value === null ? null : expect.any(String));

function expectPartnerUser(user: unknown): void {
  expect(user).toEqual({
    email: expect.any(String),
    name: expect.any(String),
    role: oneOf(['admin', 'member']),
    createdAt: expect.any(String),
  });
  const { email } = user as { email: string };
  expect(email).toBe(email.toLowerCase());
}

function expectErrorBody(res: Answer): void {
  expect({ contentType: res.contentType, json: res.json }).toEqual({
    contentType: expect.stringMatching(/^application\/json/),
    json: { error: expect.any(Object) },
  });
  const error = res.json.error;
  const { details, ...rest } = error;
  expect(rest).toEqual({ code: expect.stringMatching(/^[a-z][a-z0-9_]*$/), message: expect.any(String) });
  expect(error.message.trim().length).toBeGreaterThan(0);
  if ('details' in error) {
    expect(Array.isArray(details)).toBe(true);
    for (const detail of details) expect(detail).toEqual(expect.any(Object));
  }
}

function expectPartner(body: any, withKey: boolean): void {
  expect(body).toEqual({
    id: expect.any(String),
    name: expect.any(String),
    notificationEmail: expect.any(String),
    locale: oneOf(['sv', 'en']),
    ...(withKey && { apiKey: expect.any(String) }),
  });
}

function summaryShape(item: any): Record<string, unknown> {
  return {
    id: expect.any(String),
    partnerId: expect.any(String),
    organisation: { skolonId: expect.any(String), name: expect.any(String) },
    numberOfSchools: expect.any(Number),
    desiredAvailability: stringOrNull(item?.desiredAvailability),
    status: oneOf(STATUSES),
    response: oneOf(RESPONSES),
    answeredAt: stringOrNull(item?.answeredAt),
    deadline: stringOrNull(item?.deadline),
    createdAt: expect.any(String),
    finishedAt: stringOrNull(item?.finishedAt),
  };
}

function expectRequest(body: any): void {
  expect(body).toEqual({
    ...summaryShape(body),
    schools: expect.any(Array),
    contacts: expect.any(Array),
    history: expect.any(Array),
  });
  for (const school of body.schools) {
    expect(school).toEqual({ skolonId: expect.any(String), name: expect.any(String), assignment: oneOf(ASSIGNMENTS) });
  }
  expect(body.numberOfSchools).toBe(body.schools.length);
  for (const contact of body.contacts) expect(contact).toEqual({ name: expect.any(String), email: expect.any(String) });
  for (const event of body.history) {
    expect(event).toEqual({ at: expect.any(String), event: expect.any(String), detail: expect.anything() });
  }
}

/** Support's exceptions: POST .../deadline, .../reopen, .../notifications/resend. */
const EXCEPTION_PATH = /^\/v1\/license-requests\/[^/]+\/(deadline|reopen|notifications\/resend)\/?$/i;

/** Route checks for 2xx answers, matched the way Express matches (case-insensitive, optional "/"). */
const ROUTES: Array<{ method: string; path: RegExp; check: (c: Call, res: Answer) => void }> = [
  {
    method: 'POST',
    path: /^\/v1\/partners\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(201);
      expectPartner(res.json, true);
    },
  },
  {
    method: 'GET',
    path: /^\/v1\/partner\/settings\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(200);
      expectPartner(res.json, false);
    },
  },
  {
    method: 'PUT',
    path: /^\/v1\/partner\/settings\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(200);
      expectPartner(res.json, false);
    },
  },
  {
    // Key rotation (not in the contract yet): the new key replaces the old one in the world.
    method: 'POST',
    path: /^\/v1\/partner\/api-key\/?$/i,
    check: (c, res) => {
      expect(res.json).toEqual(expect.objectContaining({ apiKey: expect.any(String) }));
      if (c.auth.kind === 'partnerA') world.keyA = res.json.apiKey;
      if (c.auth.kind === 'partnerB') world.keyB = res.json.apiKey;
    },
  },
  {
    method: 'GET',
    path: /^\/v1\/partner\/users\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(200);
      for (const user of res.json.items) expectPartnerUser(user);
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/partner\/users\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(201);
      expectPartnerUser(res.json);
    },
  },
  {
    method: 'DELETE',
    path: /^\/v1\/partner\/users\/[^/]+\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/license-requests\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(201);
      expectRequest(res.json);
    },
  },
  {
    method: 'GET',
    path: /^\/v1\/license-requests\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        summary: { answered: expect.any(Number), notAnswered: expect.any(Number) },
        items: expect.any(Array),
        nextCursor: stringOrNull(res.json?.nextCursor),
      });
      for (const item of res.json.items) expect(item).toEqual(summaryShape(item));
    },
  },
  {
    method: 'GET',
    path: /^\/v1\/license-requests\/[^/]+\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(200);
      expectRequest(res.json);
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/license-requests\/[^/]+\/withdraw\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(200);
      expectRequest(res.json);
    },
  },
  {
    // Support's exceptions.
    method: 'POST',
    path: EXCEPTION_PATH,
    check: (_c, res) => {
      expect(res.status).toBe(200);
      expectRequest(res.json);
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/license-requests\/[^/]+\/(answer|assignments)\/?$/i,
    check: (c, res) => {
      expect(res.status).toBe(200);
      expectRequest(res.json);
      // "Unknown school ids" are bad input (contract): an accepted answer or assignment names only
      // schools of the request. (Not checked with an Idempotency-Key: the call may be a replay,
      // which answers with the outcome of an earlier call with that key, whatever this body says.)
      const named = c.body.kind === 'json' ? (c.body.value as any)?.schools : undefined;
      if (Array.isArray(named) && !c.idempotencyKey?.trim()) {
        const own = res.json.schools.map((s: any) => s.skolonId);
        expect({ named, unknown: named.filter((id: unknown) => !own.includes(String(id).trim())) }).toEqual({
          named,
          unknown: [],
        });
      }
    },
  },
  {
    method: 'GET',
    path: /^\/health\/?$/i,
    check: (_c, res) => {
      expect(res.status).toBe(200);
      expect(res.json).toEqual(expect.objectContaining({ status: 'ok', database: 'ok', temporal: 'ok' }));
    },
  },
  {
    method: 'GET',
    path: /^\/openapi\.json$/i,
    check: (_c, res) => expect(res.json).toEqual(expect.objectContaining({ openapi: expect.any(String) })),
  },
];

/** Sends one call and checks everything the contract promises about its answer. */
async function exercise(c: Call): Promise<Answer> {
  const before = await fingerprint();
  const res = await send(c);
  // Only 2xx and 4xx: show the status and the body when it is anything else.
  if (!((res.status >= 200 && res.status < 300) || (res.status >= 400 && res.status < 500))) {
    expect({ status: res.status, body: res.text.slice(0, 2000) }).toEqual({
      status: '2xx or 4xx',
      body: expect.anything(),
    });
  }
  for (const pattern of STACK_TRACE) expect(res.text).not.toMatch(pattern);
  if (c.method === 'HEAD') {
    expect(res.text).toBe('');
  } else if (res.status >= 400) {
    expectErrorBody(res);
  } else if (c.method !== 'OPTIONS' && res.status !== 204) {
    expect(res.contentType).toMatch(/^application\/json/);
    const pathname = new URL(c.path, 'http://x').pathname;
    const route = ROUTES.find((r) => r.method === c.method && r.path.test(pathname));
    if (route) route.check(c, res);
  }
  if (res.status >= 400 || c.method === 'GET' || c.method === 'HEAD') {
    expect(await fingerprint()).toEqual(before);
  }
  if (res.status < 300 && c.method === 'POST' && EXCEPTION_PATH.test(new URL(c.path, 'http://x').pathname)) {
    await settled();
  }
  return res;
}

/**
 * Waits until nothing more is being stored: an extension replaces the reminders planned for the old
 * deadline, and the workflow records each as skipped just after the call has answered, which the
 * next call's "nothing was stored" check must not take for its own write.
 */
async function settled(): Promise<void> {
  let last = await fingerprint();
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await fingerprint();
    if (JSON.stringify(now) === JSON.stringify(last)) return;
    last = now;
  }
}

// --- generators: small pieces ----------------------------------------------------------------

/** Undefined: the key is left out of the JSON. */
const absent = fc.constant(undefined);

/** What fetch can send in a header: tab, printable ASCII and Latin-1 (no CR, LF or NUL). */
const headerChar = fc
  .oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
  )
  .map((code) => String.fromCharCode(code));
const headerText = (maxLength: number) => fc.string({ unit: headerChar, maxLength });

const LENGTHS = [62, 63, 64, 99, 100, 101, 199, 200, 201, 254, 255, 256, 500, 501, 1001];

/** Strings a field may get: empty, control characters, unicode, lone surrogates, lengths at limits. */
const weirdString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\t\n',
      '\0',
      'a\0b',
      '\u0001',
      '\u007f',
      '\r\n',
      '\u2028',
      '\uFEFF',
      '\uD800',
      'a\uDC00b',
      '💥',
      'Åsa Öberg',
      '\u202Eevil',
      '<script>alert(1)</script>',
      "'; drop table partner; --",
      '%00',
      '${jndi:ldap://x}',
      'null',
      '../../etc/passwd',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...LENGTHS).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(100, 101, 200, 201).map((n) => '💥'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(100, 200, 201).map((n) => ` ${'ä'.repeat(n)} `) },
);

const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(0, -1, 1.5, 1e308, -0),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

const anyJson = fc.jsonValue({ maxDepth: 4 });

/** Extra, unknown fields (including prototype-ish ones) mixed into a body. */
const extraFields = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: fc.dictionary(weirdString, anyJson, { maxKeys: 3 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Record<string, unknown>>(
      JSON.parse('{"__proto__":{"admin":true,"status":"COMPLETED"}}'),
      { constructor: { prototype: { admin: true } } },
      { id: 'forged-id', status: 'COMPLETED', response: 'YES', createdAt: '2000-01-01T00:00:00Z' },
      { apiKey: 'lrk_forged', apiKeyHash: 'x', partnerId: PARTNER_B },
    ),
  },
);

const withExtra = <T extends Record<string, unknown>>(record: fc.Arbitrary<T>) =>
  fc.tuple(extraFields, record).map(([extra, fields]) => ({ ...extra, ...fields }));

const emailArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant('anna@kommun.example') },
  { weight: 2, arbitrary: fc.emailAddress() },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'not-an-email',
      'a@b',
      '@kommun.example',
      'anna@',
      'anna@kommun.example\r\nBcc: evil@attacker.example',
      'anna@kommun.example\n',
      'an\0na@kommun.example',
      ' anna@kommun.example',
      'anna@kommun.example ',
      '"a b"@kommun.example',
      'anna@[127.0.0.1]',
      'Anna <anna@kommun.example>',
      'anna@kommun.example, bo@kommun.example',
      `${'a'.repeat(64)}@kommun.example`,
      `${'a'.repeat(65)}@kommun.example`,
      `a@${'b'.repeat(250)}.se`,
      'åsa@kommun.example',
      'anna@kömmun.example',
      'anna@xn--kmmun-jua.example',
    ),
  },
  { weight: 1, arbitrary: weirdString },
  { weight: 1, arbitrary: wrongType },
);

// --- generators: auth, headers, ids, query strings, bodies ----------------------------------------

type Role = 'admin' | 'partner' | 'any';

/** Mostly the token of the role the endpoint wants (so that the input gets looked at), else any. */
const authFor = (role: Role): fc.Arbitrary<Auth> =>
  fc.oneof(
    {
      weight: role === 'any' ? 0 : 10,
      arbitrary: fc.constant<Auth>({ kind: role === 'admin' ? 'admin' : 'partnerA' }),
    },
    { weight: 2, arbitrary: fc.constant<Auth>({ kind: 'admin' }) },
    { weight: 2, arbitrary: fc.constant<Auth>({ kind: 'partnerA' }) },
    { weight: 1, arbitrary: fc.constant<Auth>({ kind: 'partnerB' }) },
    { weight: 1, arbitrary: fc.constant<Auth>({ kind: 'none' }) },
    { weight: 1, arbitrary: badAuthorization },
  );

const badAuthorization: fc.Arbitrary<Auth> = fc.oneof({
  weight: 1,
  arbitrary: fc
    .oneof(
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        `Token ${ADMIN_TOKEN}`,
        `Bearer ${ADMIN_TOKEN} extra`,
        `Bearer ${ADMIN_TOKEN}x`,
        `Bearer ${ADMIN_TOKEN.toUpperCase()}`,
        `bearer ${ADMIN_TOKEN}`,
        `BEARER   ${ADMIN_TOKEN}   `,
        `Bearer\t${ADMIN_TOKEN}`,
        ADMIN_TOKEN,
        `Bearer Bearer ${ADMIN_TOKEN}`,
        'Bearer lrk_',
        `Bearer lrk_${'A'.repeat(43)}`,
        `Bearer ${'a'.repeat(5000)}`,
        'Bearer ,',
        'Bearer ä',
      ),
      headerText(60),
      headerText(60).map((t) => `Bearer ${t}`),
    )
    .map((value): Auth => ({ kind: 'header', value })),
});

const contentTypeArb: fc.Arbitrary<string | null | undefined> = fc.oneof(
  { weight: 10, arbitrary: absent },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON; CHARSET=UTF-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16le',
      'application/json; charset=utf-16',
      'application/json; charset=bogus',
      'application/json; charset=',
      'application/json;;;',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/xml',
      '*/*',
      '',
      'application/json, text/plain',
      'application/merge-patch+json',
    ),
  },
  { weight: 1, arbitrary: headerText(40) },
);

const headersArb = fc.record({
  contentType: contentTypeArb,
  encoding: fc.oneof(
    { weight: 20, arbitrary: absent },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Encoding>('gzip', 'deflate', 'br', 'identity', 'fake-gzip', 'gzip-bomb', 'bogus'),
    },
  ),
  idempotencyKey: fc.oneof(
    { weight: 12, arbitrary: absent },
    { weight: 2, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', '', ' ', ' \t ') },
    { weight: 2, arbitrary: headerText(50) },
    { weight: 1, arbitrary: fc.constantFrom(199, 200, 201, 255, 256, 1000, 4000).map((n) => 'k'.repeat(n)) },
  ),
  extraHeaders: fc.oneof(
    { weight: 8, arbitrary: fc.constant<Array<[string, string]>>([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.tuple(
          fc.constantFrom(
            'accept',
            'accept-charset',
            'accept-encoding',
            'accept-language',
            'x-request-id',
            'x-forwarded-for',
            'x-forwarded-proto',
            'x-http-method-override',
            'origin',
            'cookie',
            'content-language',
            'idempotency-key',
          ),
          headerText(60),
        ),
        { maxLength: 3 },
      ),
    },
  ),
});

/** Encodes one path segment or query part; lone surrogates become invalid UTF-8 escapes. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value
      .split('')
      .map((ch) => (/[\uD800-\uDFFF]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch)))
      .join('');
  }
}

/** A real request id: of partner A (or any partner), in one of `statuses` (or any status). */
const poolRequest = (partnerId?: string, statuses?: string[]) =>
  fc.nat().map((i) => {
    const matching = world.requests.filter(
      (r) => (!partnerId || r.partnerId === partnerId) && (!statuses || statuses.includes(r.status)),
    );
    const pool = matching.length > 0 ? matching : world.requests;
    return pool[i % pool.length]!.id;
  });

/** A request id as it goes into the path: real ones (often), unknown, odd and broken ones. */
const idSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: poolRequest(PARTNER_A, ['AWAITING_ANSWER']).map(encode) },
  { weight: 3, arbitrary: poolRequest(PARTNER_A, ['AWAITING_ASSIGNMENT', 'OVERDUE']).map(encode) },
  { weight: 1, arbitrary: poolRequest(PARTNER_A).map(encode) },
  { weight: 1, arbitrary: poolRequest().map(encode) },
  { weight: 1, arbitrary: fc.uuid().map(encode) },
  { weight: 3, arbitrary: weirdString.filter((s) => s.length > 0).map(encode) },
  { weight: 1, arbitrary: fc.constantFrom(99, 100, 101, 1000, 3000).map((n) => 'i'.repeat(n)) },
  {
    weight: 1,
    arbitrary: poolRequest(PARTNER_A).chain((id) =>
      fc.constantFrom(
        encode(id.toUpperCase()),
        encode(` ${id}`),
        encode(`${id} `),
        `${encode(id)}%00`,
        `${encode(id)}%20`,
        `${encode(id)}%2F`,
        `${encode(id)}%`,
        encode(`${id}\n`),
        `${encode(id)};x=1`,
        encode(id.slice(0, -1)),
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%',
      '%zz',
      '%E0%A4%A',
      '%C0%AF',
      '%FF%FE',
      '%ED%A0%80',
      '%00',
      '%2e%2e',
      '..%2F..%2Fpartners',
      'a%2Fb',
      '%20',
      '%0D%0A',
      '%EF%BF%BF',
      '%F4%90%80%80',
    ),
  },
);

/** The run date's year: the date-shaped inputs are about the format, so they move with the run. */
const YEAR = new Date().getUTCFullYear();

const dateStrings = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    `${YEAR}-01-01T00:00:00Z`,
    '2000-01-01T00:00:00.000Z',
    '1999-12-31T23:59:59.999Z',
    '3000-01-01T00:00:00.000Z',
    '3000-01-01T00:00:00.001Z',
    `${YEAR}-02-30T00:00:00Z`,
    `${YEAR}-01-01`,
    `1 Jan ${YEAR}`,
    `${YEAR}-01-01T00:00:00+25:00`,
    `${YEAR}-01-01T00:00:00.123456789Z`,
    '+275760-09-13T00:00:00.000Z',
    '',
  ),
  weirdString,
);

const cursorValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null).map(() => world.cursor) },
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        fc.tuple(dateStrings, fc.oneof(poolRequest(), weirdString)),
        fc.tuple(dateStrings),
        fc.tuple(wrongType, wrongType),
        anyJson,
      )
      .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
  },
  { weight: 1, arbitrary: fc.constant(null).map(() => `${world.cursor}x`) },
  { weight: 1, arbitrary: fc.constant(null).map(() => Buffer.from(world.cursor, 'base64url').toString('base64')) },
  { weight: 2, arbitrary: weirdString },
  { weight: 1, arbitrary: fc.constantFrom(500, 501, 5000).map((n) => 'c'.repeat(n)) },
);

const limitValue = fc.oneof(
  fc.constantFrom('0', '1', '50', '200', '201', '-1', '1.5', '1e2', '0x10', ' 7 ', '', 'abc', 'Infinity', 'NaN'),
  fc.constantFrom('9'.repeat(400), '00001', '+5', '٣', '1_000', '2e308', '-0', 'true', '[]', '5 6'),
  fc.integer().map(String),
  weirdString,
);

const statusValue = fc.oneof(
  fc.constantFrom(...STATUSES),
  fc.constantFrom('awaiting_answer', 'OPEN', '', 'AWAITING_ANSWER ', 'AWAITING_ANSWER,DECLINED', 'toString'),
  weirdString,
);

const partnerIdValue = fc.oneof(fc.constantFrom(PARTNER_A, PARTNER_B, 'nobody', ''), weirdString);

const queryPair: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constant('limit'), limitValue),
  fc.tuple(fc.constant('status'), statusValue),
  fc.tuple(fc.constant('cursor'), cursorValue),
  fc.tuple(fc.constant('partnerId'), partnerIdValue),
  fc.tuple(
    fc.constantFrom('status[]', 'limit[]', 'cursor[0]', 'partnerId[x]', '__proto__', 'constructor', 'toString', ''),
    weirdString,
  ),
  fc.tuple(weirdString, weirdString),
);

const queryString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  {
    weight: 8,
    arbitrary: fc
      .array(queryPair, { minLength: 1, maxLength: 4 })
      .map((pairs) => `?${pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '?',
      '?&&',
      '?=',
      '?limit',
      '?limit=1&limit=2',
      '?status=AWAITING_ANSWER&status=DECLINED',
      '?status[]=AWAITING_ANSWER',
      '?status[0]=x',
      '?limit=%',
      '?%zz=1',
      '?cursor=%00',
      '?partnerId=%00',
      '?limit=1%00',
      '?limit=%F0%9F%92%A5',
      '?__proto__[limit]=1',
      '?cursor=&cursor=',
      `?${'a=1&'.repeat(1500)}`,
      `?${'limit=1&'.repeat(300)}`,
    ),
  },
);

/** Bodies that are not what any endpoint wants: nothing, malformed JSON, odd bytes, big ones. */
const junkBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  { weight: 3, arbitrary: anyJson.map((value): Body => ({ kind: 'json', value })) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.constantFrom(
          '',
          ' ',
          'null',
          'true',
          '0',
          '-1e999',
          '"string"',
          '[]',
          '{}',
          '{',
          '}',
          '{"response":"YES"',
          '{"response":"YES",}',
          "{'response':'YES'}",
          '{"response":YES}',
          '{"a":1}{"b":2}',
          '\uFEFF{}',
          '{"response":"\\ud800"}',
          '{"schools":["\\u0000"]}',
          '{"__proto__":{"x":1}}',
          '{"a":NaN}',
          'undefined',
          '<xml/>',
          'response=YES',
        ),
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        anyJson.map((v) => JSON.stringify(v).slice(0, -1)),
      )
      .map((text): Body => ({ kind: 'text', text })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.constantFrom('ff', 'c0af', '7b22613a22eda080227d', 'feff7b7d', '00', '7b7d00'),
        fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a).toString('hex')),
      )
      .map((hex): Body => ({ kind: 'bytes', hex })),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom(999, 1000, 1001, 5000, 20_000).map((size): Body => ({ kind: 'big', shape: 'schools', size })),
      fc.constantFrom<Body>(
        { kind: 'big', shape: 'whitespace', size: 900_000 },
        { kind: 'big', shape: 'longString', size: 400_000 },
        { kind: 'big', shape: 'nestedArrays', size: 100_000 },
        { kind: 'big', shape: 'nestedObjects', size: 50_000 },
        { kind: 'big', shape: 'manyKeys', size: 30_000 },
        { kind: 'big', shape: 'overLimit', size: 10 },
      ),
    ),
  },
);

/** A body for an endpoint: mostly its own near-valid JSON, sometimes junk. */
const bodyOf = (structured: fc.Arbitrary<unknown>): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 7, arbitrary: structured.map((value): Body => ({ kind: 'json', value })) },
    { weight: 2, arbitrary: junkBody },
  );

// --- generators: the bodies of each endpoint ---------------------------------------------------

const today = stockholmDateOf(new Date());
const dayOffset = (days: number) => calendarDaysAfter(today, days);

const partnerIdField = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(PARTNER_A, PARTNER_B, ` ${PARTNER_A} `) },
  { weight: 6, arbitrary: fc.oneof(weirdString, fc.constantFrom('no-such-partner', PARTNER_A.toUpperCase())) },
  { weight: 1, arbitrary: wrongType },
  { weight: 1, arbitrary: absent },
);

const organisationField = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ skolonId: 'org-fuzz', name: 'Fuzzkommunen' }) },
  {
    weight: 3,
    arbitrary: fc.record({
      skolonId: fc.oneof(fc.constant('org-fuzz'), weirdString, wrongType, absent),
      name: fc.oneof(fc.constant('Fuzzkommunen'), weirdString, wrongType, absent),
    }),
  },
  { weight: 1, arbitrary: fc.oneof(wrongType, absent) },
);

const schoolArb = fc.oneof(
  fc.record({ skolonId: weirdString, name: fc.constant('Skola') }),
  fc.record({ skolonId: fc.constant('s-9'), name: fc.oneof(weirdString, wrongType, absent) }),
  fc.record({ skolonId: fc.oneof(wrongType, absent), name: weirdString }),
  wrongType,
);

const schoolsField = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(1, 2, 3).map(schoolsOf) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1001, 1000, 999).map(schoolsOf) },
  { weight: 2, arbitrary: fc.array(schoolArb, { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      [
        { skolonId: 's-1', name: 'A' },
        { skolonId: 's-1', name: 'B' },
      ],
      [
        { skolonId: 's-1', name: 'A' },
        { skolonId: ' s-1 ', name: 'B' },
      ],
      [{ skolonId: '__proto__', name: 'Proto' }],
      [{ skolonId: 'constructor', name: 'C' }],
    ),
  },
  { weight: 1, arbitrary: fc.oneof(wrongType, absent) },
);

/** Years after the run date's, so that these inputs mean the same whatever day the test runs. */
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const LATER = YEAR + 4;
const NEXT_LEAP = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => YEAR + n).find(isLeap)!;
const NEXT_COMMON = [1, 2].map((n) => YEAR + n).find((y) => !isLeap(y))!;

const desiredAvailabilityField = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(FUTURE_DATE, today, dayOffset(1), dayOffset(400)) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      dayOffset(-1),
      `${YEAR}-02-30`,
      `${NEXT_COMMON}-02-29`,
      `${NEXT_LEAP}-02-29`,
      `${LATER}-04-31`,
      '2020-01-01',
      '0000-01-01',
      '9999-12-31',
      `${LATER}-6-10`,
      `${FUTURE_DATE}T00:00:00Z`,
      FUTURE_DATE.replace(/-/g, ''),
      `${LATER}-13-01`,
      `${LATER}-00-10`,
      `${LATER}-06-00`,
      '',
      ` ${FUTURE_DATE}`,
      `${FUTURE_DATE}\n`,
      `+0${LATER}-06-10`,
      `${String(LATER).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))}-06-10`,
    ),
  },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
  { weight: 1, arbitrary: fc.oneof(weirdString, wrongType) },
);

const contactArb = fc.oneof(
  fc.record({ name: fc.constant('Anna'), email: emailArb }),
  fc.record({ name: fc.oneof(weirdString, wrongType, absent), email: fc.constant('anna@kommun.example') }),
  wrongType,
);

const contactsField = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(1, 2).map(contactsOf) },
  { weight: 1, arbitrary: fc.constantFrom(0, 20, 21).map(contactsOf) },
  { weight: 3, arbitrary: fc.array(contactArb, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.oneof(wrongType, absent) },
);

const createFields = {
  partnerId: partnerIdField,
  organisation: organisationField,
  schools: schoolsField,
  desiredAvailability: desiredAvailabilityField,
  contacts: contactsField,
};

/** A valid create body with exactly one field changed (to a value that may well be valid again). */
const oneFieldOff = fc
  .tuple(
    fc.constantFrom(PARTNER_A, PARTNER_B, 'no-such-partner', 'no-such-partner'),
    fc.constantFrom(...(Object.keys(createFields) as Array<keyof typeof createFields>)),
  )
  .chain(([partnerId, field]) =>
    (createFields[field] as fc.Arbitrary<unknown>).map((value) => ({
      ...validCreateBody(partnerId, 2),
      [field]: value,
    })),
  );

const createBody = fc.oneof(
  { weight: 3, arbitrary: withExtra(oneFieldOff) },
  { weight: 3, arbitrary: withExtra(fc.record(createFields)) },
);

const schoolIds = fc.oneof(
  { weight: 4, arbitrary: fc.subarray(['s-1', 's-2', 's-3']) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom('s-1', 's-3', 's-4'), weirdString), { maxLength: 4 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ['s-1', 's-1'],
      [' s-1 '],
      ['S-1'],
      [''],
      ['__proto__'],
      ['constructor'],
      ['toString'],
      ['hasOwnProperty'],
      ['s-1', 'valueOf'],
      Array.from({ length: 1000 }, (_, i) => `s-${i + 1}`),
      Array.from({ length: 1001 }, (_, i) => `s-${i + 1}`),
    ),
  },
  { weight: 1, arbitrary: fc.array(wrongType, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: wrongType },
);

const answerBody = withExtra(
  fc.record({
    response: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('YES', 'NO') },
      { weight: 2, arbitrary: fc.constantFrom('yes', 'no', 'MAYBE', '', ' YES', 'UNANSWERED', 'YES\0') },
      { weight: 1, arbitrary: fc.oneof(wrongType, absent, weirdString) },
    ),
    schools: fc.oneof({ weight: 2, arbitrary: absent }, { weight: 3, arbitrary: schoolIds }),
  }),
);

const assignmentsBody = withExtra(
  fc.record({ schools: fc.oneof({ weight: 6, arbitrary: schoolIds }, { weight: 1, arbitrary: absent }) }),
);

const withdrawBody = fc.oneof(fc.constant({}), withExtra(fc.constant({})), fc.constant(undefined), wrongType);

/** Dates for a new deadline: working days ahead (often after the current deadline), any day near today, junk. */
const deadlineDateField = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => nthWorkingDayAfterOracle(today, n)) },
  { weight: 2, arbitrary: fc.integer({ min: -30, max: 60 }).map(dayOffset) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      `${LATER}-02-30`,
      `${LATER}-13-01`,
      dayOffset(10).replace(/-/g, ''),
      `${LATER}-3-1`,
      '',
      '0000-01-03',
      '9999-12-30',
      `${dayOffset(10)}T00:00:00Z`,
      ` ${dayOffset(10)}`,
      dayOffset(400),
    ),
  },
  { weight: 1, arbitrary: fc.oneof(wrongType, absent, weirdString) },
);

const reasonField = fc.oneof(
  { weight: 4, arbitrary: fc.constant("The school's licenses are being renewed.") },
  { weight: 3, arbitrary: weirdString },
  { weight: 1, arbitrary: fc.constantFrom(1000, 1001).map((n) => 'r'.repeat(n)) },
  { weight: 1, arbitrary: fc.oneof(wrongType, absent) },
);

const extendBody = withExtra(fc.record({ date: deadlineDateField, reason: reasonField }));
const reopenBody = withExtra(fc.record({ reason: reasonField }));

const partnerBody = withExtra(
  fc.record({
    id: fc.oneof(
      { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,62}$/) },
      { weight: 1, arbitrary: fc.constantFrom(PARTNER_A, PARTNER_B) },
      { weight: 3, arbitrary: weirdString },
      { weight: 1, arbitrary: fc.oneof(wrongType, absent) },
    ),
    name: fc.oneof(
      { weight: 3, arbitrary: fc.constant('Fuzz Partner') },
      { weight: 3, arbitrary: weirdString },
      { weight: 1, arbitrary: fc.oneof(wrongType, absent) },
    ),
    notificationEmail: emailArb,
    locale: fc.oneof(
      fc.constantFrom('sv', 'en', undefined),
      fc.constantFrom('de', 'SV', '', 'sv ', 'en-GB'),
      wrongType,
    ),
  }),
);

const userBody = withExtra(
  fc.record({
    email: emailArb,
    name: fc.oneof(
      { weight: 3, arbitrary: fc.constant('Anna Andersson') },
      { weight: 3, arbitrary: weirdString },
      { weight: 1, arbitrary: fc.oneof(wrongType, absent) },
    ),
    role: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('admin', 'member') },
      { weight: 1, arbitrary: fc.constantFrom('owner', 'ADMIN', '', ' member') },
      { weight: 1, arbitrary: fc.oneof(wrongType, absent) },
    ),
  }),
);

/** DELETE /v1/partner/users/{email}: addresses the partners have (their first admins, and what was added), and anything. */
const userPath = fc
  .oneof(
    { weight: 2, arbitrary: fc.constantFrom(`${PARTNER_A}@partner.example`, `${PARTNER_B}@partner.example`) },
    { weight: 3, arbitrary: emailArb.filter((e): e is string => typeof e === 'string') },
    { weight: 1, arbitrary: weirdString.filter((e): e is string => typeof e === 'string') },
  )
  .map((email) => `/v1/partner/users/${encode(email)}`);

const settingsBody = withExtra(
  fc.record({
    notificationEmail: fc.oneof({ weight: 2, arbitrary: absent }, { weight: 3, arbitrary: emailArb }),
    locale: fc.oneof(fc.constantFrom('sv', 'en', undefined, undefined), fc.constantFrom('de', 'SV', ''), wrongType),
  }),
);

// --- generators: whole calls ---------------------------------------------------------------------

const callArb = (role: Role, method: fc.Arbitrary<string>, path: fc.Arbitrary<string>, body: fc.Arbitrary<Body>) =>
  fc
    .record({ method, path, query: queryString, auth: authFor(role), body, headers: headersArb })
    .map(({ method, path, query, auth, body, headers }): Call => ({
      method,
      path: `${path}${query}`,
      auth,
      body,
      ...headers,
    }));

const noBody = fc.constant<Body>({ kind: 'none' });
const requestPath = (suffix: string) => idSegment.map((id) => `/v1/license-requests/${id}${suffix}`);
const declinedPath = (suffix: string) =>
  poolRequest(PARTNER_A, ['DECLINED']).map((id) => `/v1/license-requests/${id}${suffix}`);

let failures = 0;

/**
 * Runs a property: every generated call is exercised (then the pool of request ids is refreshed);
 * fast-check shrinks a failure and reports it with its seed. A run that takes too long (calls that
 * hang until CALL_TIMEOUT_MS, over and over while shrinking) is reported as a failure in time.
 */
async function fuzz(
  calls: fc.Arbitrary<Call>,
  numRuns: number,
  check: (c: Call) => Promise<unknown> = exercise,
): Promise<void> {
  try {
    await fc.assert(
      fc.asyncProperty(calls, async (c) => {
        try {
          await check(c);
        } finally {
          // Also after a failure: the shrinking that follows then meets fresh requests too.
          await refreshPool();
        }
      }),
      { numRuns, interruptAfterTimeLimit: PROPERTY_TIMEOUT_MS - 30_000, markInterruptAsFailure: true },
    );
  } catch (error) {
    failures++;
    throw error;
  }
}

// --- the properties -------------------------------------------------------------------------------

describe('no input yields a 5xx, a malformed answer, or a write on a refusal', () => {
  test(
    'partners, their settings and people: POST /v1/partners, GET and PUT /v1/partner/settings, POST /v1/partner/api-key, GET and POST /v1/partner/users, DELETE /v1/partner/users/{email}',
    async () => {
      await fuzz(
        fc.oneof(
          callArb('admin', fc.constant('POST'), fc.constant('/v1/partners'), bodyOf(partnerBody)),
          callArb('partner', fc.constant('GET'), fc.constant('/v1/partner/settings'), noBody),
          callArb('partner', fc.constant('PUT'), fc.constant('/v1/partner/settings'), bodyOf(settingsBody)),
          callArb('partner', fc.constant('POST'), fc.constant('/v1/partner/api-key'), junkBody),
          callArb('partner', fc.constant('GET'), fc.constant('/v1/partner/users'), noBody),
          callArb('partner', fc.constant('POST'), fc.constant('/v1/partner/users'), bodyOf(userBody)),
          callArb('partner', fc.constant('DELETE'), userPath, junkBody),
        ),
        NUM_RUNS.partners,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'creating license requests: POST /v1/license-requests',
    async () => {
      await fuzz(
        callArb('admin', fc.constant('POST'), fc.constant('/v1/license-requests'), bodyOf(createBody)),
        NUM_RUNS.createRequest,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'listing license requests: GET /v1/license-requests with any query string',
    async () => {
      const path = fc.constantFrom('/v1/license-requests', '/v1/license-requests/');
      await fuzz(
        fc.oneof(
          callArb('admin', fc.constant('GET'), path, noBody),
          callArb('partner', fc.constant('GET'), path, noBody),
        ),
        NUM_RUNS.list,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    "one request: GET /v1/license-requests/{id} and POST .../answer, .../assignments, .../withdraw, and support's .../deadline, .../reopen, .../notifications/resend",
    async () => {
      await fuzz(
        fc.oneof(
          { weight: 1, arbitrary: callArb('admin', fc.constant('GET'), requestPath(''), noBody) },
          { weight: 1, arbitrary: callArb('partner', fc.constant('GET'), requestPath(''), noBody) },
          { weight: 3, arbitrary: callArb('partner', fc.constant('POST'), requestPath('/answer'), bodyOf(answerBody)) },
          {
            weight: 3,
            arbitrary: callArb('partner', fc.constant('POST'), requestPath('/assignments'), bodyOf(assignmentsBody)),
          },
          {
            weight: 1,
            arbitrary: callArb('admin', fc.constant('POST'), requestPath('/withdraw'), bodyOf(withdrawBody)),
          },
          // Support's exceptions.
          {
            weight: 2,
            arbitrary: callArb('admin', fc.constant('POST'), requestPath('/deadline'), bodyOf(extendBody)),
          },
          {
            weight: 1,
            arbitrary: callArb(
              'admin',
              fc.constant('POST'),
              fc.oneof(declinedPath('/reopen'), requestPath('/reopen')),
              bodyOf(reopenBody),
            ),
          },
          {
            weight: 1,
            arbitrary: callArb(
              'admin',
              fc.constant('POST'),
              requestPath('/notifications/resend'),
              bodyOf(withdrawBody),
            ),
          },
        ),
        NUM_RUNS.oneRequest,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'anywhere: /health, /openapi.json, wrong methods and paths that are none',
    async () => {
      const knownPath = fc.oneof(
        fc.constantFrom(
          '/health',
          '/openapi.json',
          '/v1/partners',
          '/v1/partner/settings',
          '/v1/partner/api-key',
          '/v1/partner/users',
          '/v1/partner/users/anna%40kommun.example',
          '/v1/license-requests',
        ),
        fc
          .constantFrom('', '/answer', '/assignments', '/withdraw', '/deadline', '/reopen', '/notifications/resend')
          .chain(requestPath),
      );
      const otherPath = fc.oneof(
        fc.constantFrom(
          '/',
          '/v1',
          '/v1/',
          '/v2/license-requests',
          '/V1/LICENSE-REQUESTS',
          '/HEALTH',
          '/health/',
          '/v1/health',
          '/v1/openapi.json',
          '/v1/partner',
          '/v1/partners/x',
          '/v1/license-requests/x/y/z',
          '/v1/license-requests/x/answer/more',
          '/v1/license-requests//answer',
          '/v1//partners',
          '//',
          '/%',
          '/%00',
          '/v1/%',
          '/.env',
          '/favicon.ico',
          '/v1/license-requests/%2e%2e/%2e%2e/health',
        ),
        fc.array(weirdString, { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.map(encode).join('/')}`),
        weirdString.map((s) => `/v1/${encode(s)}`),
      );
      await fuzz(
        callArb(
          'any',
          fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
          fc.oneof(knownPath, otherPath),
          bodyOf(fc.oneof(partnerBody, answerBody, withdrawBody, extendBody, reopenBody)),
        ),
        NUM_RUNS.anywhere,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(
    'a school id that the request does not have is refused, whatever its name (answer YES and assignments)',
    async () => {
      // The random properties above meet this only now and then; here every run is aimed at it.
      // Names that every JavaScript object has are the ones to watch ("constructor", "toString").
      const name = fc.oneof(fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype)), weirdString);
      const call = fc.oneof(
        fc.tuple(poolRequest(PARTNER_A, ['AWAITING_ANSWER']), name).map(([id, school]): Call => ({
          method: 'POST',
          path: `/v1/license-requests/${id}/answer`,
          auth: { kind: 'partnerA' },
          body: { kind: 'json', value: { response: 'YES', schools: [school] } },
          extraHeaders: [],
        })),
        fc.tuple(poolRequest(PARTNER_A, ['AWAITING_ASSIGNMENT']), name).map(([id, school]): Call => ({
          method: 'POST',
          path: `/v1/license-requests/${id}/assignments`,
          auth: { kind: 'partnerA' },
          body: { kind: 'json', value: { schools: [school] } },
          extraHeaders: [],
        })),
      );
      // Only schools the chosen request really does not have (its own are a legitimate call).
      const requestIdOf = (c: Call) => /^\/v1\/license-requests\/([^/]+)\//.exec(c.path)?.[1] ?? '';
      const schoolOf = (c: Call) => String((c.body as { value: { schools: string[] } }).value.schools[0]).trim();
      await fuzz(
        call.filter((c) => !world.schools.get(requestIdOf(c))?.has(schoolOf(c))),
        NUM_RUNS.unknownSchools,
        async (c) => {
          const res = await exercise(c);
          expect({
            call: `${c.method} ${c.path}`,
            body: (c.body as { value: unknown }).value,
            status: res.status,
          }).toEqual({
            call: `${c.method} ${c.path}`,
            body: (c.body as { value: unknown }).value,
            status: 400,
          });
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  test(`the properties above made at least ${MIN_CALLS} calls`, () => {
    // A property that failed stopped early: its failure is the one to read.
    if (failures === 0) expect(calls).toBeGreaterThanOrEqual(MIN_CALLS);
  });
});
