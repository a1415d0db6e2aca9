import {
  hashToken,
  isCrossSite,
  newToken,
  parseCookies,
  safeNextPath,
  sameSecret,
  serializeCookie,
  SignInThrottle,
} from './security';

test('tokens are 256 random bits, and only their sha256 is stored', () => {
  const token = newToken();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(newToken()).not.toBe(token);
  expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  expect(hashToken(token)).not.toContain(token);
  expect(sameSecret(token, token)).toBe(true);
  expect(sameSecret(token, `${token}x`)).toBe(false);
  expect(sameSecret('', token)).toBe(false);
});

test('the session cookie is HttpOnly and SameSite=Strict on /portal, and Secure only when asked', () => {
  expect(serializeCookie('portal_session', 'a b', { path: '/portal', maxAge: 28800, secure: true })).toBe(
    'portal_session=a%20b; Max-Age=28800; Path=/portal; HttpOnly; Secure; SameSite=Strict',
  );
  expect(serializeCookie('portal_session', '', { path: '/portal', maxAge: 0, secure: false })).toBe(
    'portal_session=; Max-Age=0; Path=/portal; HttpOnly; SameSite=Strict',
  );
});

test('cookies are read from the header; broken ones are skipped and the first of a name wins', () => {
  const cookies = parseCookies('a=1; portal_session=x%2Fy; broken; b="q"; bad=%E0%A4%A; a=2');
  expect(cookies.get('a')).toBe('1');
  expect(cookies.get('portal_session')).toBe('x/y');
  // As RFC 6265 (and the `cookie` package) reads it, the quotes are part of the value.
  expect(cookies.get('b')).toBe('"q"');
  expect(cookies.has('bad')).toBe(false);
  expect(parseCookies(undefined).size).toBe(0);
});

test('a POST from another site is recognised by Sec-Fetch-Site or by its Origin', () => {
  const host = 'licenses.skolon.test';
  expect(isCrossSite({ secFetchSite: 'same-origin', origin: `https://${host}`, host })).toBe(false);
  expect(isCrossSite({ secFetchSite: 'cross-site', origin: `https://${host}`, host })).toBe(true);
  expect(isCrossSite({ secFetchSite: 'same-site', host })).toBe(true);
  expect(isCrossSite({ origin: 'https://evil.example', host })).toBe(true);
  expect(isCrossSite({ origin: `https://${host}`, host: 'LICENSES.skolon.test' })).toBe(false);
  // Behind a proxy that rewrites Host, PUBLIC_URL names the site.
  expect(isCrossSite({ origin: 'https://partners.skolon.example', host: '10.0.0.5:3000' })).toBe(true);
  expect(
    isCrossSite({
      origin: 'https://partners.skolon.example',
      host: '10.0.0.5:3000',
      publicUrl: 'https://partners.skolon.example/',
    }),
  ).toBe(false);
  // "null": fine when the browser itself says same-origin, refused otherwise.
  expect(isCrossSite({ origin: 'null', secFetchSite: 'same-origin', host })).toBe(false);
  expect(isCrossSite({ origin: 'null', host })).toBe(true);
  // Not a browser: neither header; the CSRF token decides.
  expect(isCrossSite({ host })).toBe(false);
});

test('after signing in the browser only goes to a portal path, never to another site', () => {
  expect(safeNextPath('/portal/requests/abc?x=1')).toBe('/portal/requests/abc?x=1');
  expect(safeNextPath('/portal/')).toBe('/portal/');
  for (const bad of [
    'https://evil.example/portal/',
    '//evil.example/portal/',
    '/portal//evil.example',
    '/portal/\\evil',
    '/v1/license-requests',
    '/portal',
    '/portal/\nx',
    undefined,
    42,
    `/portal/${'x'.repeat(600)}`,
  ]) {
    expect(safeNextPath(bad)).toBeUndefined();
  }
});

test('wrong keys: ten per address per window, then a wait; other addresses and a new window are free', async () => {
  // A fixed-window store on a clock of the test's own (production uses PostgresRateLimitStore).
  let now = 0;
  const windows = new Map<string, { totalHits: number; resetTime: Date }>();
  const live = (key: string) => {
    const w = windows.get(key);
    return w && w.resetTime.getTime() > now ? w : undefined;
  };
  const store = {
    get: (key: string) => live(key),
    increment: (key: string) => {
      const w = live(key) ?? { totalHits: 0, resetTime: new Date(now + 600_000) };
      w.totalHits++;
      windows.set(key, w);
      return { ...w };
    },
  };
  const throttle = new SignInThrottle(store, 10, () => now);
  for (let i = 0; i < 9; i++) expect(await throttle.recordFailure('a')).toBe(0);
  expect(await throttle.blockedFor('a')).toBe(0);
  expect(await throttle.recordFailure('a')).toBe(600_000);
  now = 60_000;
  expect(await throttle.blockedFor('a')).toBe(540_000);
  expect(await throttle.blockedFor('b')).toBe(0);
  now = 600_000;
  expect(await throttle.blockedFor('a')).toBe(0);
  expect(await throttle.recordFailure('a')).toBe(0);
});
