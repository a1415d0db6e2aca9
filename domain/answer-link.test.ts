import crypto from 'node:crypto';
import {
  ANSWER_LINK_DAYS,
  answerLinkExpiry,
  answerLinkRefusal,
  answerLinkToken,
  answerLinkTokenHash,
  answerLinkUrl,
  isAnswerLinkToken,
  newAnswerLinkSeed,
  type AnswerLinkFacts,
} from './answer-link';

const KEY = crypto.randomBytes(32);
const DAY_MS = 24 * 60 * 60_000;

test('each mail has 256 random bits of its own; its YES and NO tokens differ, and the same seed makes the same tokens (a retried send)', () => {
  const seeds = Array.from({ length: 200 }, newAnswerLinkSeed);
  expect(seeds.every((s) => s.length === 32)).toBe(true);
  expect(new Set(seeds.map((s) => s.toString('hex'))).size).toBe(200);
  const seed = seeds[0]!;
  const yes = answerLinkToken(KEY, seed, 'YES');
  const no = answerLinkToken(KEY, seed, 'NO');
  expect(yes).not.toBe(no);
  expect(answerLinkToken(KEY, Buffer.from(seed), 'YES')).toBe(yes);
  // 256 bits of MAC, base64url: what the link carries.
  expect(Buffer.from(yes, 'base64url')).toHaveLength(32);
  expect(isAnswerLinkToken(yes)).toBe(true);
  // Without the key the seed makes nothing: another key, other tokens.
  expect(answerLinkToken(crypto.randomBytes(32), seed, 'YES')).not.toBe(yes);
});

test('only a hash of a token is stored: the hash is not the token, and does not make it', () => {
  const token = answerLinkToken(KEY, newAnswerLinkSeed(), 'YES');
  const hash = answerLinkTokenHash(token);
  expect(hash).not.toContain(token);
  expect(hash).toBe(crypto.createHash('sha256').update(token).digest('base64url'));
  expect(isAnswerLinkToken(hash)).toBe(true); // same shape, but a hash looked up as a token finds nothing
  expect(answerLinkTokenHash(hash)).not.toBe(hash);
});

test('anything that is not a token shape is refused before a lookup', () => {
  for (const bad of ['', 'x', 'a'.repeat(42), 'a'.repeat(44), `${'a'.repeat(42)}=`, `${'a'.repeat(42)}/`]) {
    expect(isAnswerLinkToken(bad)).toBe(false);
  }
});

test('the link lives under PUBLIC_URL, in the portal', () => {
  expect(answerLinkUrl('https://licenses.example/', 'abc')).toBe('https://licenses.example/portal/answer/abc');
});

describe('when a link still answers (time from the run date)', () => {
  const now = new Date();
  const mailed = new Date(now.getTime() - DAY_MS);
  const fresh: AnswerLinkFacts = {
    usedAt: null,
    expiresAt: answerLinkExpiry(mailed),
    awaitingAnswer: true,
    answeredSinceMailed: false,
  };

  test(`a link mailed today works for ${ANSWER_LINK_DAYS} days and not a moment longer`, () => {
    expect(answerLinkExpiry(now).getTime() - now.getTime()).toBe(ANSWER_LINK_DAYS * DAY_MS);
    expect(answerLinkRefusal(fresh, now)).toBeNull();
    const expiresAt = answerLinkExpiry(now);
    const link = { ...fresh, expiresAt };
    expect(answerLinkRefusal(link, new Date(expiresAt.getTime() - 1))).toBeNull();
    expect(answerLinkRefusal(link, expiresAt)).toBe('EXPIRED');
    expect(answerLinkRefusal(link, new Date(now.getTime() + (ANSWER_LINK_DAYS + 1) * DAY_MS))).toBe('EXPIRED');
  });

  test('a used link, a link whose request was answered in any way, and an unknown one do not answer', () => {
    expect(answerLinkRefusal({ ...fresh, usedAt: now }, now)).toBe('USED');
    expect(answerLinkRefusal({ ...fresh, awaitingAnswer: false }, now)).toBe('ANSWERED');
    // Reopened after a NO: waiting again, but links mailed before the NO stay dead.
    expect(answerLinkRefusal({ ...fresh, answeredSinceMailed: true }, now)).toBe('ANSWERED');
    expect(answerLinkRefusal(undefined, now)).toBe('UNKNOWN');
  });
});
