/**
 * Portal sessions: a random token in an HttpOnly, SameSite=Strict cookie (Path=/portal, Secure when
 * PUBLIC_URL is https), stored only as a hash (api/services/portal-sessions.ts), tied to the
 * partner, expiring after 8 hours. Also where the page's language comes from, and the message one
 * POST leaves for the next page (post-redirect-get).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { PortalSessionService } from '../api/services/portal-sessions';
import { state } from './context';
import { single } from './forms';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../domain/locale';
import { catalogue } from '../i18n';
import { hashToken, parseCookies, safeNextPath, serializeCookie } from './security';
import type { Flash } from './views';

export const SESSION_COOKIE = 'portal_session';
/** Holds the sign-in form's own CSRF token: there is no session yet to keep it in. */
export const SIGN_IN_COOKIE = 'portal_signin';
const COOKIE_PATH = '/portal';
export const SESSION_HOURS = 8;

/** Sets (or, with maxAge 0, deletes) one of the portal's cookies. */
export type SetCookie = (res: Response, name: string, value: string, maxAgeSeconds: number) => void;

export function cookieSetter(secure: boolean): SetCookie {
  return (res, name, value, maxAgeSeconds) =>
    res.append('Set-Cookie', serializeCookie(name, value, { path: COOKIE_PATH, maxAge: maxAgeSeconds, secure }));
}

/** Who is asking (the session of the cookie, if it is still valid), and in which language. */
export function loadSession(sessions: PortalSessionService, now: () => Date, setCookie: SetCookie): RequestHandler {
  return async (req, res, next) => {
    const token = parseCookies(req.get('cookie')).get(SESSION_COOKIE);
    const session = token ? await sessions.find(hashToken(token), now()) : undefined;
    if (token && !session) setCookie(res, SESSION_COOKIE, '', 0); // expired or ended: forget it
    const requested = single(req.query.lang) ?? single((req.body as Record<string, unknown> | undefined)?.lang);
    const locale: Locale = session
      ? (session.locale ?? session.partner.locale)
      : isLocale(requested)
        ? requested
        : DEFAULT_LOCALE;
    req.portal = { locale, t: catalogue(locale), ...(session && { session }) };
    // The access log names the partner, as for the API (api/middleware.ts).
    if (session) req.caller = { role: 'partner', partner: session.partner };
    next();
  };
}

/** Everything after this needs a session: without one, the sign-in page (and back here after it). */
export const requireSession: RequestHandler = (req, res, next) => {
  if (state(req).session) return next();
  const nextPath = safeNextPath(req.originalUrl);
  res.redirect(
    303,
    `/portal/sign-in${nextPath && nextPath !== '/portal/' ? `?next=${encodeURIComponent(nextPath)}` : ''}`,
  );
};

function isFlash(value: unknown): value is Flash {
  const f = value as Flash | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    (f.kind === 'success' || f.kind === 'error' || f.kind === 'info') &&
    typeof f.text === 'string'
  );
}

export interface Flashes {
  /** The message left by the last POST, shown once. */
  take(req: Request): Promise<Flash | undefined>;
  /** Leaves a message for the next page of this session. */
  put(req: Request, kind: Flash['kind'], text: string): Promise<void>;
}

export function flashes(sessions: PortalSessionService): Flashes {
  return {
    async take(req) {
      const session = state(req).session;
      if (!session || session.flash === null || session.flash === undefined) return undefined;
      await sessions.setFlash(session.tokenHash, null);
      return isFlash(session.flash) ? session.flash : undefined;
    },
    async put(req, kind, text) {
      const session = state(req).session;
      if (session) await sessions.setFlash(session.tokenHash, { kind, text } satisfies Flash);
    },
  };
}
