/**
 * Cross-site request forgery: every POST must come from this site (Sec-Fetch-Site, Origin) and
 * carry the form's synchronizer token: the session's, or on the sign-in forms (the address, a
 * link's button) the token of their own cookie (there is no session yet to keep it in), or on a
 * mail's answer link a value bound to the link's token.
 */
import type { RequestHandler } from 'express';
import { pageContext, sendPage, state } from './context';
import { single } from './forms';
import { isCrossSite, parseCookies, sameSecret } from './security';
import { SIGN_IN_COOKIE } from './session';
import { answerLinkFormToken, answerLinkTokenOfPath } from './answer-link';
import { errorPage } from './views';

export function csrfProtection(options: { publicUrl?: string }): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'POST') return next();
    const { session, t } = state(req);
    const refuse = () => sendPage(res, 403, errorPage(pageContext(req), t.errors.csrf));
    const crossSite = isCrossSite({
      secFetchSite: req.get('sec-fetch-site'),
      origin: req.get('origin'),
      host: req.get('host'),
      publicUrl: options.publicUrl,
    });
    if (crossSite) return refuse();
    const body = req.body as Record<string, unknown> | undefined;
    const sent = single(body?._csrf);
    let expected: string | undefined;
    const answerLinkToken = answerLinkTokenOfPath(req.path);
    // The sign-in form and a sign-in link's button: no session yet.
    if (req.path === '/sign-in' || req.path.startsWith('/sign-in/')) {
      expected = parseCookies(req.get('cookie')).get(SIGN_IN_COOKIE);
    } else if (answerLinkToken !== undefined) {
      // A mail's answer link needs no session: its form is bound to the link's token.
      expected = answerLinkFormToken(answerLinkToken);
    } else if (!session) {
      // Signed out meanwhile (expired, signed out in another tab, key rotated): nothing to protect.
      return res.redirect(303, '/portal/sign-in?notice=session-ended');
    } else {
      expected = session.csrfToken;
    }
    if (!sent || !expected || !sameSecret(sent, expected)) return refuse();
    next();
  };
}
