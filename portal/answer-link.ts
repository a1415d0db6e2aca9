/**
 * A mail's YES and NO links, `/portal/answer/<token>`, without sign-in. GET shows the portal's own
 * confirmation for that request and answer and changes nothing (mail scanners fetch links); the
 * confirmation's POST answers, once. Its form is bound to the link: the CSRF value is derived from
 * the token, which only the mail's reader has, and the portal's same-site check applies as to every
 * POST. A link that cannot answer gets a plain page saying what to do; unknown tokens are counted
 * per client address, and an address over the limit waits (as on the status pages).
 */
import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { clientAddress } from '../http/client-address';
import { ANSWER_LINK_DAYS, type AnswerLinkRefusal } from '../domain/answer-link';
import { isLocale, type Locale } from '../domain/locale';
import { catalogue, longDate } from '../i18n';
import type { AnswerLinkService } from '../services/answer-links';
import type { Partner } from '../services/partners';
import { pageContext, sendPage, state } from './context';
import { single } from './forms';
import { newToken, type SignInThrottle } from './security';
import { answerLinkDonePage, answerLinkInvalidPage, confirmPage, type PageContext } from './views';

/** Unknown tokens from one address are counted over ten minutes. */
export const ANSWER_LINK_WINDOW_MS = 10 * 60_000;
/** Unknown tokens an address may try in that window: a mangled link or two, not a scan. */
export const ANSWER_LINK_MAX_FAILURES = 20;

const PREFIX = '/answer/';

/** The CSRF value of a link's confirmation form: bound to the token, so no other page can make it. */
export function answerLinkFormToken(token: string): string {
  return crypto.createHash('sha256').update('answer-link-form:').update(token).digest('base64url');
}

/** The token of an answer link's path (the CSRF check's), or undefined for any other path. */
export function answerLinkTokenOfPath(path: string): string | undefined {
  return path.startsWith(PREFIX) ? path.slice(PREFIX.length) : undefined;
}

export interface AnswerLinkDeps {
  links: AnswerLinkService;
  throttle: SignInThrottle;
  now: () => Date;
}

export function answerLinkRoutes({ links, throttle, now }: AnswerLinkDeps): Router {
  const router = Router();

  /** The page in the language asked for (`?lang`, a session's), else the partner's, whose mail it was. */
  function contextFor(req: Request, partner?: Partner): PageContext {
    const asked = single(req.query.lang);
    const locale: Locale = isLocale(asked) || state(req).session || !partner ? state(req).locale : partner.locale;
    return { ...pageContext(req), locale, t: catalogue(locale) };
  }

  function refusedPage(req: Request, res: Response, refused: AnswerLinkRefusal, partner?: Partner) {
    const ctx = contextFor(req, partner);
    const w = ctx.t.answerLink;
    const message = {
      UNKNOWN: w.unknown,
      USED: w.used,
      EXPIRED: w.expired(ANSWER_LINK_DAYS),
      ANSWERED: w.answered,
    }[refused];
    // Gone for good (410) or never ours (404): a plain page either way, never an error.
    sendPage(res, refused === 'UNKNOWN' ? 404 : 410, answerLinkInvalidPage(ctx, message));
  }

  /** An address that has tried too many unknown tokens waits; resolves true when it was told so. */
  async function blocked(req: Request, res: Response, waitMs?: number): Promise<boolean> {
    const wait = waitMs ?? (await throttle.blockedFor(clientAddress(req)));
    if (wait <= 0) return false;
    res.set('Retry-After', String(Math.max(1, Math.ceil(wait / 1000))));
    const ctx = contextFor(req);
    sendPage(res, 429, answerLinkInvalidPage(ctx, ctx.t.answerLink.tooMany(Math.max(1, Math.ceil(wait / 60_000)))));
    return true;
  }

  async function refuse(req: Request, res: Response, refused: AnswerLinkRefusal, partner?: Partner) {
    if (refused === 'UNKNOWN' && (await blocked(req, res, await throttle.recordFailure(clientAddress(req))))) return;
    refusedPage(req, res, refused, partner);
  }

  router.use(PREFIX, (_req, res, next) => {
    // The token is in the URL: no Referer carries it on, and no search engine keeps it.
    res.set('Referrer-Policy', 'no-referrer');
    res.set('X-Robots-Tag', 'noindex, nofollow');
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get(`${PREFIX}:token`, async (req, res) => {
    if (await blocked(req, res)) return;
    const token = req.params.token;
    const opened = await links.open(token, now());
    if ('refused' in opened) return refuse(req, res, opened.refused, opened.partner);
    const ctx = contextFor(req, opened.partner);
    const { request, answer } = opened;
    sendPage(
      res,
      200,
      confirmPage(ctx, {
        ok: true,
        request,
        response: answer,
        schools: request.schools.map((s) => s.skolonId),
        now: now(),
        formKey: newToken(),
        mailLink: {
          action: `/portal${PREFIX}${encodeURIComponent(token)}`,
          csrfToken: answerLinkFormToken(token),
          sentTo: opened.sentTo,
        },
      }),
    );
  });

  router.post(`${PREFIX}:token`, async (req, res) => {
    if (await blocked(req, res)) return;
    const used = await links.use(req.params.token, now());
    if ('refused' in used) return refuse(req, res, used.refused, used.partner);
    const ctx = contextFor(req, used.partner);
    const { request } = used;
    const message =
      request.response === 'YES'
        ? ctx.t.flash.answeredYes(request.deadline ? longDate(request.deadline, ctx.locale) : '')
        : ctx.t.flash.answeredNo(request.organisation.name);
    sendPage(res, 200, answerLinkDonePage(ctx, { request, message }));
  });

  return router;
}
