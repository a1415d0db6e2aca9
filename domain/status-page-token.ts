/**
 * The token in an organisation's status-page link (`PUBLIC_URL/status/<token>`): the request's id
 * and an HMAC-SHA256 of it under STATUS_PAGE_KEY, base64url. It is derived, not stored: the mail
 * activity makes the same link for every contact mail (after a worker restart too), and the page
 * checks it without a lookup. Only someone holding the key can make one; the 256-bit MAC is what
 * cannot be guessed (the id in it is no secret: it opens nothing without a token or a key).
 */
import crypto from 'node:crypto';
import { DEFAULT_LOCALE, type Locale } from './locale';

/** 16 bytes of id and 32 of MAC: 64 base64url characters. */
export const STATUS_TOKEN_LENGTH = 64;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^[A-Za-z0-9_-]{64}$/;
/** Keeps these MACs apart from anything else the same key might one day sign. */
const PURPOSE = 'license-request-status-page:v1:';

const macOf = (key: Buffer, id: Buffer) => crypto.createHmac('sha256', key).update(PURPOSE).update(id).digest();

/** The status-page token of a request (its id is a UUID, as every request's is). */
export function statusPageToken(key: Buffer, requestId: string): string {
  const id = requestId.toLowerCase();
  if (!UUID.test(id)) throw new Error(`a status-page token needs a UUID request id, not ${JSON.stringify(requestId)}`);
  const idBytes = Buffer.from(id.replaceAll('-', ''), 'hex');
  return Buffer.concat([idBytes, macOf(key, idBytes)]).toString('base64url');
}

/**
 * The request a token was made for, or undefined for anything else (malformed, too long, another
 * key's, a changed character). The MAC is compared in constant time.
 */
export function requestIdOfStatusPageToken(key: Buffer, token: string): string | undefined {
  if (!TOKEN.test(token)) return undefined;
  // 64 characters are exactly 48 bytes: no spare bits, so no second spelling of one token.
  const bytes = Buffer.from(token, 'base64url');
  const idBytes = bytes.subarray(0, 16);
  if (!crypto.timingSafeEqual(bytes.subarray(16), macOf(key, idBytes))) return undefined;
  const hex = idBytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The page's address under PUBLIC_URL, in the reader's language (Swedish needs no `?lang`). */
export function statusPageUrl(publicUrl: string, token: string, locale: Locale = DEFAULT_LOCALE): string {
  return `${publicUrl.replace(/\/+$/, '')}/status/${token}${locale === DEFAULT_LOCALE ? '' : `?lang=${locale}`}`;
}
