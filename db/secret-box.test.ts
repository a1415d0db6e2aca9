import crypto from 'node:crypto';
import { createSecretBox } from './secret-box';

const key = crypto.randomBytes(32);
const box = createSecretBox(key);
const secret = `whsec_${crypto.randomBytes(32).toString('base64')}`;

test('a sealed secret opens with the same key and context, and the stored form shows nothing of it', () => {
  const sealed = box.seal(secret, 'webhook_endpoint:acme');
  expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  expect(sealed).not.toContain(secret.slice(6, 20));
  expect(box.open(sealed, 'webhook_endpoint:acme')).toBe(secret);
  // A fresh IV each time: sealing the same secret twice gives two different values.
  expect(box.seal(secret, 'webhook_endpoint:acme')).not.toBe(sealed);
});

test('another key is named as such; another context, a changed value or a shortened tag does not open', () => {
  const sealed = box.seal(secret, 'webhook_endpoint:acme');
  expect(() => createSecretBox(crypto.randomBytes(32)).open(sealed, 'webhook_endpoint:acme')).toThrow(
    /sealed with another WEBHOOK_SECRET_KEY/,
  );
  expect(() => box.open(sealed, 'webhook_endpoint:other')).toThrow(/does not open/);
  const [version, keyId, iv, tag, ciphertext] = sealed.split('.') as [string, string, string, string, string];
  const flipped = Buffer.from(ciphertext, 'base64url');
  flipped[0]! ^= 1;
  expect(() =>
    box.open([version, keyId, iv, tag, flipped.toString('base64url')].join('.'), 'webhook_endpoint:acme'),
  ).toThrow(/does not open/);
  const shortTag = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
  expect(() => box.open([version, keyId, iv, shortTag, ciphertext].join('.'), 'webhook_endpoint:acme')).toThrow(
    /does not open/,
  );
  expect(() => box.open('plain-text', 'webhook_endpoint:acme')).toThrow(/not in a form/);
});

test('a key of the wrong length is refused', () => {
  expect(() => createSecretBox(crypto.randomBytes(16))).toThrow(/32 bytes/);
});
