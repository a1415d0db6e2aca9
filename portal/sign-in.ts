/**
 * Signing in with the partner's API key, and out. The key is posted once and never appears in a URL
 * or a page; each sign-in gets a new session token (no fixation). Wrong keys are throttled per
 * client address; a valid key always signs in, so a colleague behind the same address is never
 * locked out.
 */
import { Router, type Request, type Response } from 'express';
import type { PartnerService } from '../api/services/partners';
import type { PortalSessionService } from '../api/services/portal-sessions';
import { clientAddress } from '../http/client-address';
import { pageContext, sendPage, state } from './context';
import { single } from './forms';
import { hashToken, newToken, parseCookies, safeNextPath, type SignInThrottle } from './security';
import { SESSION_COOKIE, SESSION_HOURS, SIGN_IN_COOKIE, type SetCookie } from './session';
import { signInPage } from './views';

/** Wrong keys from one address are counted over ten minutes. */
export const SIGN_IN_WINDOW_MS = 10 * 60_000;

export interface SignInDeps {
  partners: Pick<PartnerService, 'findByApiKey'>;
  sessions: PortalSessionService;
  throttle: SignInThrottle;
  setCookie: SetCookie;
  now: () => Date;
}

export function signInRoutes({ partners, sessions, throttle, setCookie, now }: SignInDeps): Router {
  const router = Router();

  function showSignIn(
    req: Request,
    res: Response,
    status: number,
    form: { error?: string; notice?: string; next?: string },
  ) {
    // The sign-in form's token lives in a cookie of its own (there is no session to keep it in yet).
    const existing = parseCookies(req.get('cookie')).get(SIGN_IN_COOKIE);
    const csrfToken = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : newToken();
    setCookie(res, SIGN_IN_COOKIE, csrfToken, 60 * 60);
    sendPage(res, status, signInPage(pageContext(req), { csrfToken, ...form }));
  }

  router.get('/sign-in', (req, res) => {
    if (state(req).session) return res.redirect(303, safeNextPath(single(req.query.next)) ?? '/portal/');
    const { t } = state(req);
    const notice = single(req.query.notice);
    showSignIn(req, res, 200, {
      next: safeNextPath(single(req.query.next)),
      ...(notice === 'signed-out' && { notice: t.signIn.signedOut }),
      ...(notice === 'session-ended' && { notice: t.signIn.sessionEnded }),
    });
  });

  router.post('/sign-in', async (req, res) => {
    const { t, session: previous } = state(req);
    const body = req.body as Record<string, unknown>;
    const next = safeNextPath(single(body.next));
    // req.ip: the client's address, through as many proxies as TRUST_PROXY says we run.
    const address = clientAddress(req);
    const apiKey = (single(body.apiKey) ?? '').trim();
    if (!apiKey) return showSignIn(req, res, 400, { error: t.signIn.emptyKey, next });
    // The same lookup as the API's bearer authentication. A valid key always signs in, also from an
    // address that is throttled for wrong ones: only wrong keys are refused.
    const partner = await partners.findByApiKey(apiKey);
    if (!partner) {
      const waitMs = await throttle.recordFailure(address);
      if (waitMs > 0) {
        res.set('Retry-After', String(Math.ceil(waitMs / 1000)));
        return showSignIn(req, res, 429, { error: t.errors.tooManyAttempts(Math.ceil(waitMs / 60_000)), next });
      }
      return showSignIn(req, res, 401, { error: t.signIn.wrongKey, next });
    }
    // A new token at every sign-in (no fixation); the session it replaces ends.
    if (previous) await sessions.end(previous.tokenHash);
    const token = newToken();
    await sessions.start(
      {
        tokenHash: hashToken(token),
        partnerId: partner.id,
        csrfToken: newToken(),
        expiresAt: new Date(now().getTime() + SESSION_HOURS * 3600_000),
      },
      now(),
    );
    // The sign-in form's cookie stays: another tab's sign-in form (same cookie) still works.
    setCookie(res, SESSION_COOKIE, token, SESSION_HOURS * 3600);
    res.redirect(303, next ?? '/portal/');
  });

  router.post('/sign-out', async (req, res) => {
    const { session, locale } = state(req);
    if (session) await sessions.end(session.tokenHash);
    setCookie(res, SESSION_COOKIE, '', 0);
    res.redirect(303, `/portal/sign-in?notice=signed-out&lang=${locale}`);
  });

  return router;
}
