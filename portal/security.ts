/**
 * The portal's session and cross-site defences, as small pure functions: cookies, tokens, the
 * Origin / Sec-Fetch-Site check, where a sign-in may send the browser next, and the throttle on
 * failed sign-ins.
 */
import crypto from 'node:crypto';
import * as cookie from 'cookie';
import type { ClientRateLimitInfo, Store } from 'express-rate-limit';
import { hashApiKey, sameSecret } from '../services/credentials';

/** A new random token (256 bits): session tokens and CSRF tokens. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Session tokens are stored only as this hash: random and long, like API keys, so hashed the same way. */
export const hashToken = hashApiKey;

/** Compares two secrets in constant time, whatever their lengths (the API's own comparison). */
export { sameSecret };

/** The cookies of a Cookie header (the first of a repeated name wins; undecodable values are skipped). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  // The `cookie` package parses; a value it cannot decode it hands back raw, which we skip.
  const parsed = cookie.parse(header ?? '', {
    decode: (value) => {
      try {
        return decodeURIComponent(value);
      } catch {
        return UNDECODABLE;
      }
    },
  });
  for (const [name, value] of Object.entries(parsed)) {
    if (value !== undefined && value !== UNDECODABLE) cookies.set(name, value);
  }
  return cookies;
}

const UNDECODABLE = '\u0000undecodable';

export interface CookieOptions {
  path: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  secure: boolean;
}

/** An HttpOnly, SameSite=Strict cookie: script cannot read it and no other site's request carries it. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return cookie.serialize(name, value, {
    path: options.path,
    maxAge: Math.max(0, Math.floor(options.maxAge)),
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secure,
  });
}

/**
 * Whether a state-changing request comes from another site: a browser says so in Sec-Fetch-Site,
 * or its Origin names another host than the one it sent the request to (or than PUBLIC_URL, for a
 * proxy that rewrites Host). A request with neither header (not a browser) is judged by the CSRF
 * token alone.
 */
export function isCrossSite(request: {
  secFetchSite?: string;
  origin?: string;
  host?: string;
  publicUrl?: string;
}): boolean {
  const site = request.secFetchSite?.toLowerCase();
  if (site !== undefined && site !== 'same-origin') return true;
  if (request.origin === undefined) return false;
  // Browsers send "null" when the referrer policy hides the origin; the browser's own word wins then.
  if (request.origin === 'null' && site === 'same-origin') return false;
  let origin: URL;
  try {
    origin = new URL(request.origin); // "null" from anything else (a sandboxed frame) fails here
  } catch {
    return true;
  }
  if (request.host !== undefined && origin.host === request.host.toLowerCase()) return false;
  if (request.publicUrl !== undefined) {
    try {
      if (origin.origin === new URL(request.publicUrl).origin) return false;
    } catch {
      // a PUBLIC_URL that is not a URL vouches for nothing
    }
  }
  return true;
}

/** Where the browser may go after signing in: a path of the portal, never another site. */
export function safeNextPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  // Only "/portal/…", no "//" (another host), no backslashes or control characters browsers may fold.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (!/^\/portal\/[^\\\u0000-\u001f\u007f]*$/.test(value) || value.startsWith('/portal//')) return undefined;
  return value;
}

/**
 * Attempts per key (a client address, or a hash of an address asked for), counted in the same
 * PostgreSQL rate-limit store as the API (http/rate-limit-store.ts), so every replica sees the same
 * counts. The portal counts every request for a sign-in link (portal/sign-in.ts), the status pages
 * their wrong tokens; tokens are 256 random bits, so guessing is hopeless anyway: this slows a
 * script down and keeps anyone from flooding an inbox.
 */
export class SignInThrottle {
  constructor(
    private readonly store: Pick<Store, 'get' | 'increment'>,
    readonly maxFailures = 10,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the address may try a wrong key again, or 0 when it may try now. */
  async blockedFor(address: string): Promise<number> {
    return this.wait(await this.store.get?.(address));
  }

  /** Counts an attempt; resolves with how long the key must now wait (0: not yet throttled). */
  async recordFailure(address: string): Promise<number> {
    return this.wait(await this.store.increment(address));
  }

  private wait(info: ClientRateLimitInfo | undefined): number {
    if (!info?.resetTime || info.totalHits < this.maxFailures) return 0;
    return Math.max(0, info.resetTime.getTime() - this.now());
  }
}
