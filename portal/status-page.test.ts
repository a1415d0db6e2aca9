/**
 * The status page over HTTP: a valid token shows the page, anything else is the same plain 404
 * page (HTML, no detail), every answer carries the portal's security headers, and wrong tokens
 * are rate-limited per client address in the real PostgreSQL rate-limit store. (The page with a
 * real request, mail and browser: test/e2e/status-page.test.ts.)
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import express from 'express';
import { rateLimitStores } from '../http/rate-limit-store';
import { securityHeaders } from '../http/security-headers';
import { statusPageToken } from '../domain/status-page-token';
import { requestIdOfStatusPageToken } from '../domain/status-page-token';
import type { StatusPageService, StatusPageView } from '../services/status-pages';
import { endOfDayOracle, nthWorkingDayAfterOracle, stockholmDateOf } from '../test/helpers/calendar-oracle';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database';
import { SignInThrottle } from './security';
import { statusPageRouter } from './status-page';

const KEY = crypto.randomBytes(32);
const CREATED_AT = new Date().toISOString();
const DEADLINE = endOfDayOracle(nthWorkingDayAfterOracle(stockholmDateOf(new Date()), 5));
const ID = crypto.randomUUID();
const TOKEN = statusPageToken(KEY, ID);

const VIEW: StatusPageView = {
  organisation: { name: 'Skolonkommunen <b>' },
  partner: { name: 'Acme Learning' },
  status: 'AWAITING_ASSIGNMENT',
  response: 'YES',
  desiredAvailability: null,
  deadline: DEADLINE,
  createdAt: CREATED_AT,
  schools: [{ skolonId: 'sch-1', name: 'Norra skolan', assignment: 'PENDING' }],
  history: [{ at: CREATED_AT, event: 'CREATED', numberOfSchools: 1 }],
};

/** The real token check in front of a fixed request. */
const pages: StatusPageService = {
  find: async (token) => (requestIdOfStatusPageToken(KEY, token) === ID ? VIEW : undefined),
};

const MAX_FAILURES = 5;
let database: TestDatabase;
let server: http.Server;
let base: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const stores = rateLimitStores(database.db);
  const app = express();
  app.set('trust proxy', 1); // so each test can be its own client address (X-Forwarded-For)
  app.use(securityHeaders());
  app.use(
    '/status',
    statusPageRouter({
      pages,
      rateLimitStores: stores,
      throttle: new SignInThrottle(stores(`status-test-${crypto.randomUUID()}`, 60_000), MAX_FAILURES),
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
});

let address = 0;
/** A client address of its own per test, so the counts of one test never reach another. */
function client() {
  const from = `203.0.113.${++address}`;
  return async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { 'x-forwarded-for': from, ...(init.headers as Record<string, string>) },
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
}

function expectPageHeaders(headers: Headers): void {
  expect(headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('cache-control')).toBe('no-store');
  // The token is in the URL: it never leaves in a Referer, and search engines keep nothing.
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-robots-tag')).toBe('noindex, nofollow');
}

test('a valid token shows the page, in Swedish by default and in English with ?lang=en', async () => {
  const get = client();
  const page = await get(`/status/${TOKEN}`);
  expect(page.status).toBe(200);
  expectPageHeaders(page.headers);
  expect(page.text).toContain('<html lang="sv">');
  expect(page.text).toContain('Skolonkommunen &lt;b&gt;'); // escaped
  expect(page.text).toContain('Licenserna tilldelas');
  expect(page.text).toContain('href="?lang=en"');
  expect(page.text).toContain('/portal/static/portal.css');
  const english = await get(`/status/${TOKEN}?lang=en`);
  expect(english.status).toBe(200);
  expect(english.text).toContain('<html lang="en">');
  expect(english.text).toContain('Licenses being assigned');
  expect((await get(`/status/${TOKEN}?lang=xx`)).text).toContain('<html lang="sv">');
});

test('wrong, malformed and too long tokens, and other paths, get the same plain 404 page', async () => {
  const flipped = TOKEN.slice(0, -1) + (TOKEN.endsWith('A') ? 'B' : 'A');
  const answers = await Promise.all(
    [
      `/status/${statusPageToken(crypto.randomBytes(32), ID)}`,
      `/status/${flipped}`,
      '/status/abc',
      `/status/${TOKEN}x`,
      `/status/${'A'.repeat(4000)}`,
      '/status/%ff%fe',
    ].map((path) => client()(path)),
  );
  for (const answer of answers) {
    expect(answer.status).toBe(404);
    expectPageHeaders(answer.headers);
    expect(answer.text).toContain('<h1>Sidan finns inte</h1>');
    expect(answer.text).not.toMatch(/token|stack|error|"error"/i);
  }
  // All the same page, whatever was wrong.
  expect(new Set(answers.map((a) => a.text)).size).toBe(1);
  const other = client();
  for (const path of ['/status', '/status/', `/status/${TOKEN}/more`]) {
    const answer = await other(path);
    expect([path, answer.status]).toEqual([path, 404]);
    expect(answer.text).toBe(answers[0]!.text);
  }
  const post = await client()(`/status/${TOKEN}`, { method: 'POST' });
  expect(post.status).toBe(404);
});

test('an address that keeps guessing gets 429 with Retry-After, for every status URL; others are not affected', async () => {
  const guesser = client();
  for (let i = 0; i < MAX_FAILURES - 1; i++) {
    expect((await guesser(`/status/${crypto.randomBytes(48).toString('base64url')}`)).status).toBe(404);
  }
  const cutOff = await guesser(`/status/${crypto.randomBytes(48).toString('base64url')}`);
  expect(cutOff.status).toBe(429);
  expectPageHeaders(cutOff.headers);
  expect(Number(cutOff.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(cutOff.text).toContain('För många felaktiga adresser');
  // Refused before the token is looked at: a hit cannot be told from a miss any more.
  expect((await guesser(`/status/${TOKEN}`)).status).toBe(429);
  // Someone else, elsewhere, still reads the page.
  expect((await client()(`/status/${TOKEN}`)).status).toBe(200);
});

test('reading the page counts nothing against the address', async () => {
  const reader = client();
  for (let i = 0; i < MAX_FAILURES + 2; i++) expect((await reader(`/status/${TOKEN}`)).status).toBe(200);
});
