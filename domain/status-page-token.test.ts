import crypto from 'node:crypto';
import { requestIdOfStatusPageToken, STATUS_TOKEN_LENGTH, statusPageToken, statusPageUrl } from './status-page-token';

const KEY = crypto.randomBytes(32);
const OTHER_KEY = crypto.randomBytes(32);

test('a token is 64 base64url characters: the 16-byte id and a 256-bit MAC, and it opens its own request', () => {
  const id = crypto.randomUUID();
  const token = statusPageToken(KEY, id);
  expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
  expect(token).toHaveLength(STATUS_TOKEN_LENGTH);
  const bytes = Buffer.from(token, 'base64url');
  expect(bytes).toHaveLength(48);
  expect(bytes.subarray(0, 16).toString('hex')).toBe(id.replaceAll('-', ''));
  expect(requestIdOfStatusPageToken(KEY, token)).toBe(id);
  // Derived: the same link in every mail, whichever worker (or restart) makes it.
  expect(statusPageToken(KEY, id)).toBe(token);
  expect(statusPageToken(KEY, id.toUpperCase())).toBe(token);
});

test('the unguessable part looks random: no repeats, every bit of the MAC set about half the time', () => {
  const macs = Array.from({ length: 2000 }, () =>
    Buffer.from(statusPageToken(KEY, crypto.randomUUID()), 'base64url').subarray(16),
  );
  expect(new Set(macs.map((m) => m.toString('hex'))).size).toBe(macs.length);
  for (let bit = 0; bit < 256; bit++) {
    const set = macs.filter((m) => (m[bit >> 3]! >> (bit & 7)) & 1).length;
    // 2000 fair coins: 1000 ± 5 standard deviations (22 each).
    expect(Math.abs(set - 1000)).toBeLessThan(120);
  }
  // Another key gives another token for the same request.
  const id = crypto.randomUUID();
  expect(statusPageToken(OTHER_KEY, id)).not.toBe(statusPageToken(KEY, id));
});

test('a wrong token opens nothing: another key, a changed character, another id, malformed, too long', () => {
  const id = crypto.randomUUID();
  const token = statusPageToken(KEY, id);
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const wrong = [
    statusPageToken(OTHER_KEY, id),
    flip(token, 0), // the id part: the MAC no longer fits
    flip(token, 40), // the MAC part
    flip(token, 63),
    statusPageToken(KEY, crypto.randomUUID()).slice(0, 22) + token.slice(22), // one request's MAC on another
    token.slice(0, 63),
    `${token}A`,
    token + token,
    'x'.repeat(10_000),
    '',
    `${token.slice(0, 63)}=`,
    `${token.slice(0, 62)}+/`,
    `${token.slice(0, 63)}.`,
    id,
  ];
  for (const candidate of wrong) expect(requestIdOfStatusPageToken(KEY, candidate)).toBeUndefined();
});

test('the MAC is compared in constant time', () => {
  const compare = jest.spyOn(crypto, 'timingSafeEqual');
  try {
    const token = statusPageToken(KEY, crypto.randomUUID());
    expect(requestIdOfStatusPageToken(OTHER_KEY, token)).toBeUndefined();
    expect(compare).toHaveBeenCalledTimes(1);
    const [given, expected] = compare.mock.calls[0]! as [Buffer, Buffer];
    expect([given.length, expected.length]).toEqual([32, 32]);
  } finally {
    compare.mockRestore();
  }
});

test('only request ids (UUIDs) have tokens', () => {
  expect(() => statusPageToken(KEY, 'not-a-uuid')).toThrow(/UUID/);
});

test('the link: PUBLIC_URL/status/<token>, with ?lang=en for English readers only', () => {
  expect(statusPageUrl('https://licenses.example/', 'T')).toBe('https://licenses.example/status/T');
  expect(statusPageUrl('https://licenses.example', 'T', 'sv')).toBe('https://licenses.example/status/T');
  expect(statusPageUrl('https://licenses.example', 'T', 'en')).toBe('https://licenses.example/status/T?lang=en');
});
