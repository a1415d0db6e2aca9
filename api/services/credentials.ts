/**
 * Secrets: partner API keys (256 random bits, stored only as a hash) and constant-time comparison.
 * The API's bearer authentication and the portal's sign-in and sessions use the same ones.
 */
import crypto from 'node:crypto';

/** A new partner API key: 256 random bits. */
export function newApiKey(): string {
  return `lrk_${crypto.randomBytes(32).toString('base64url')}`;
}

/** Keys are random and long, so a fast hash is enough (no salt or stretching needed). */
export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** Compares two secrets in constant time, whatever their lengths. */
export function sameSecret(a: string, b: string): boolean {
  // Hash first so that the comparison takes the same time whatever the lengths.
  return crypto.timingSafeEqual(
    crypto.createHash('sha256').update(a).digest(),
    crypto.createHash('sha256').update(b).digest(),
  );
}
