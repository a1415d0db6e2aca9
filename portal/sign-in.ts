/**
 * Signing in by mail, and out. The sign-in form takes an e-mail address and always answers with
 * the same "check your inbox" page, whether or not the address has an account: the lookup and the
 * mail happen after the answer has gone, so neither the page nor its timing tells. The mail's link
 * opens a page with one button (a GET never uses the link: mail scanners fetch links); its POST,
 * with the form's CSRF token, uses the link and starts a session with a new token (no fixation).
 *
 * Throttled twice: every request for a link counts against the client's address (too many: 429
 * and a sentence), and against the address asked for (too many: the same page, and no more mail,
 * so nobody can flood someone's inbox; the links already sent still work).
 */
import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { PortalSessionService } from '../services/portal-sessions';
import { SIGN_IN_LINK_MINUTES, type PortalSignInService } from '../services/portal-sign-in';
import { isEmailAddress } from '../services/schemas';
import { clientAddress } from '../http/client-address';
import { pageContext, sendPage, state } from './context';
import { single } from './forms';
import { hashToken, newToken, parseCookies, safeNextPath, type SignInThrottle } from './security';
import { SESSION_COOKIE, SESSION_HOURS, SIGN_IN_COOKIE, type SetCookie } from './session';
import { signInLinkInvalidPage, signInLinkPage, signInPage, signInSentPage } from './views';

/** Requests for a link are counted over ten minutes per client address... */
export const SIGN_IN_WINDOW_MS = 10 * 60_000;
/** ...and over fifteen minutes (a link's life) per address asked for. */
export const SIGN_IN_EMAIL_WINDOW_MS = SIGN_IN_LINK_MINUTES * 60_000;

export interface SignInDeps {
  signIn: PortalSignInService;
  sessions: PortalSessionService;
  /** Requests for a link per client address. */
  throttle: SignInThrottle;
  /** Requests for a link per address asked for (keyed by a hash of it). */
  emailThrottle: SignInThrottle;
  setCookie: SetCookie;
  now: () => Date;
}

export function signInRoutes({ signIn, sessions, throttle, emailThrottle, setCookie, now }: SignInDeps): Router {
  const router = Router();

  /** The sign-in forms' CSRF token lives in a cookie of its own (there is no session to keep it in yet). */
  function signInCsrfToken(req: Request, res: Response): string {
    const existing = parseCookies(req.get('cookie')).get(SIGN_IN_COOKIE);
    const csrfToken = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : newToken();
    setCookie(res, SIGN_IN_COOKIE, csrfToken, 60 * 60);
    return csrfToken;
  }

  function showSignIn(
    req: Request,
    res: Response,
    status: number,
    form: { error?: string; notice?: string; email?: string },
  ) {
    sendPage(res, status, signInPage(pageContext(req), { csrfToken: signInCsrfToken(req, res), ...form }));
  }

  router.get('/sign-in', (req, res) => {
    if (state(req).session) return res.redirect(303, safeNextPath(single(req.query.next)) ?? '/portal/');
    const { t } = state(req);
    const notice = single(req.query.notice);
    showSignIn(req, res, 200, {
      ...(notice === 'signed-out' && { notice: t.signIn.signedOut }),
      ...(notice === 'session-ended' && { notice: t.signIn.sessionEnded }),
    });
  });

  router.post('/sign-in', async (req, res) => {
    const { t, locale } = state(req);
    const body = req.body as Record<string, unknown>;
    const email = (single(body.email) ?? '').trim();
    // req.ip: the client's address, through as many proxies as TRUST_PROXY says we run.
    const waitMs = await throttle.recordFailure(clientAddress(req));
    if (waitMs > 0) {
      res.set('Retry-After', String(Math.ceil(waitMs / 1000)));
      return showSignIn(req, res, 429, { error: t.errors.tooManyAttempts(Math.ceil(waitMs / 60_000)), email });
    }
    if (!isEmailAddress(email)) return showSignIn(req, res, 400, { error: t.signIn.badEmail, email });
    // Counted whether or not the address has an account, so the count tells nothing either.
    const addressKey = crypto.createHash('sha256').update(email.toLowerCase()).digest('hex');
    const quiet = (await emailThrottle.recordFailure(addressKey)) > 0;
    sendPage(res, 200, signInSentPage(pageContext(req), { email, minutes: SIGN_IN_LINK_MINUTES }));
    if (quiet) {
      req.log?.info('portal sign-in: no further link mailed to this address for now (throttled)');
      return;
    }
    // After the answer: the page is the same and as quick for every address. A mail that cannot be
    // sent is logged by the mail sender (and counted); the person asks for a new link.
    signIn.mailLinks(email, locale, now()).catch((error: unknown) => {
      req.log?.error({ err: error }, 'portal sign-in: the link could not be mailed');
    });
  });

  router.get('/sign-in/:token', async (req, res) => {
    const found = await signIn.peek(String(req.params.token), now());
    if (!found) {
      return sendPage(res, 410, signInLinkInvalidPage(pageContext(req), { minutes: SIGN_IN_LINK_MINUTES }));
    }
    sendPage(
      res,
      200,
      signInLinkPage(pageContext(req), {
        csrfToken: signInCsrfToken(req, res),
        action: req.originalUrl.split('?')[0]!,
        name: found.user.name,
        partner: found.partnerName,
      }),
    );
  });

  router.post('/sign-in/:token', async (req, res) => {
    const { session: previous } = state(req);
    const used = await signIn.use(String(req.params.token), now());
    if (!used) {
      return sendPage(res, 410, signInLinkInvalidPage(pageContext(req), { minutes: SIGN_IN_LINK_MINUTES }));
    }
    // A new token at every sign-in (no fixation); the session it replaces ends.
    if (previous) await sessions.end(previous.tokenHash);
    const token = newToken();
    await sessions.start(
      {
        tokenHash: hashToken(token),
        partnerId: used.partnerId,
        userEmail: used.email,
        csrfToken: newToken(),
        expiresAt: new Date(now().getTime() + SESSION_HOURS * 3600_000),
      },
      now(),
    );
    setCookie(res, SESSION_COOKIE, token, SESSION_HOURS * 3600);
    res.redirect(303, '/portal/');
  });

  router.post('/sign-out', async (req, res) => {
    const { session, locale } = state(req);
    if (session) await sessions.end(session.tokenHash);
    setCookie(res, SESSION_COOKIE, '', 0);
    res.redirect(303, `/portal/sign-in?notice=signed-out&lang=${locale}`);
  });

  return router;
}
