/**
 * The portal's session and cross-site defences, as small pure functions: cookies, tokens, the
 * Origin / Sec-Fetch-Site check, where a sign-in may send the browser next, and the throttle on
 * failed sign-ins.
 */
import crypto from 'node:crypto';
import { hashApiKey, sameSecret } from '../api/auth';

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
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export interface CookieOptions {
  path: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  secure: boolean;
}

/** An HttpOnly, SameSite=Strict cookie: script cannot read it and no other site's request carries it. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAge))}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
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
 * At most `maxFailures` failed sign-ins per client address in a fixed window. Keys are 256 random
 * bits, so guessing is hopeless anyway; this keeps a script from hammering the database. Only
 * failures count, so colleagues behind one address signing in all day are never locked out.
 */
export class SignInThrottle {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    readonly maxFailures = 10,
    readonly windowMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the address may try again, or 0 when it may try now. */
  blockedFor(address: string): number {
    const w = this.windows.get(address);
    if (!w) return 0;
    const elapsed = this.now() - w.start;
    if (elapsed >= this.windowMs) {
      this.windows.delete(address);
      return 0;
    }
    return w.failures >= this.maxFailures ? this.windowMs - elapsed : 0;
  }

  recordFailure(address: string): void {
    const t = this.now();
    if (this.windows.size > 10_000) {
      for (const [key, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(key);
    }
    const w = this.windows.get(address);
    if (!w || t - w.start >= this.windowMs) this.windows.set(address, { start: t, failures: 1 });
    else w.failures++;
  }
}
