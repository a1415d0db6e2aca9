/**
 * The organisation's status page, `GET /status/<token>`: read-only, no sign-in; the token in the
 * contacts' mail is the only key (domain/status-page-token.ts). Anything that is not a valid token,
 * and any other path here, is the same plain 404 page. Wrong tokens are counted per client address
 * in the shared rate-limit store; an address over the limit gets 429 for every status URL until
 * its window ends, so guessing stays as slow as it is hopeless.
 */
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { clientAddress } from '../http/client-address';
import type { RateLimitStores } from '../http/rate-limit-store';
import { pageSecurityHeaders } from '../http/security-headers';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../domain/locale';
import { catalogue } from '../i18n';
import { toHttpError } from '../services/errors';
import type { StatusPageService } from '../services/status-pages';
import { sendPage } from './context';
import { single } from './forms';
import { SignInThrottle } from './security';
import {
  statusErrorPage,
  statusNotFoundPage,
  statusPage,
  statusTooManyPage,
  type StatusPageContext,
} from './status-views';

/** Wrong tokens from one address are counted over ten minutes. */
export const STATUS_PAGE_WINDOW_MS = 10 * 60_000;
/** Wrong tokens an address may try in that window: enough for a mangled link or two, not for a scan. */
export const STATUS_PAGE_MAX_FAILURES = 20;

export interface StatusPageDeps {
  pages: StatusPageService;
  /** Where wrong tokens are counted (PostgreSQL, shared by every API process). */
  rateLimitStores: RateLimitStores;
  /** A throttle of its own (tests); default: STATUS_PAGE_MAX_FAILURES in STATUS_PAGE_WINDOW_MS. */
  throttle?: SignInThrottle;
}

function contextOf(req: Request): StatusPageContext {
  const requested = single(req.query.lang);
  const locale: Locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  return { locale, t: catalogue(locale) };
}

export function statusPageRouter(deps: StatusPageDeps): Router {
  const throttle =
    deps.throttle ??
    new SignInThrottle(deps.rateLimitStores('status-page', STATUS_PAGE_WINDOW_MS), STATUS_PAGE_MAX_FAILURES);
  const router = Router();

  router.use(pageSecurityHeaders());
  router.use((_req, res, next) => {
    // The token is in the URL: no Referer carries it anywhere, and no search engine keeps it.
    res.set('Referrer-Policy', 'no-referrer');
    res.set('X-Robots-Tag', 'noindex, nofollow');
    next();
  });

  const tooMany = (req: Request, res: Response, waitMs: number) => {
    res.set('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
    sendPage(res, 429, statusTooManyPage(contextOf(req), Math.max(1, Math.ceil(waitMs / 60_000))));
  };
  const notFound = async (req: Request, res: Response) => {
    const waitMs = await throttle.recordFailure(clientAddress(req));
    if (waitMs > 0) return tooMany(req, res, waitMs);
    sendPage(res, 404, statusNotFoundPage(contextOf(req)));
  };

  router.get('/:token', async (req, res) => {
    // An address that has guessed too often is refused before its token is even looked at.
    const waitMs = await throttle.blockedFor(clientAddress(req));
    if (waitMs > 0) return tooMany(req, res, waitMs);
    const view = await deps.pages.find(req.params.token);
    if (!view) return notFound(req, res);
    sendPage(res, 200, statusPage(contextOf(req), view));
  });
  // Any other path or method under /status: the same page (and the same count) as a wrong token.
  router.use(notFound);

  const errors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const e = toHttpError(error);
    // A URL Express cannot even decode (bad percent-encoding) is one more wrong address.
    if (e.status < 500) return sendPage(res, 404, statusNotFoundPage(contextOf(req)));
    req.log?.error({ err: error }, `status page: ${e.code}: ${e.message}`);
    sendPage(res, e.status === 503 ? 503 : 500, statusErrorPage(contextOf(req)));
  };
  router.use(errors);
  return router;
}
