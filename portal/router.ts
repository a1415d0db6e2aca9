/**
 * The partner portal (issue 7): server-rendered HTML under /portal for partners without an
 * integration. It is built on the API's own service functions (api/services/), so every rule,
 * state transition (Temporal Updates), Idempotency key and 404/409 decision is the API's; this
 * file only turns forms into calls and outcomes into sentences.
 *
 * Sessions: a random token in an HttpOnly, SameSite=Strict cookie (Path=/portal, Secure when
 * PUBLIC_URL is https), stored only as a hash, tied to the partner, expiring after 8 hours.
 * Cross-site requests: every POST needs the session's synchronizer token (the sign-in form a
 * token of its own cookie) and is refused when Sec-Fetch-Site or Origin says another site sent it.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import helmet from 'helmet';
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { Db } from '../db/database';
import { findPartnerByApiKeyHash, type Partner } from '../db/repositories/partners';
import {
  createPortalSession,
  deleteExpiredPortalSessions,
  deletePortalSession,
  findPortalSession,
  setPortalSessionFlash,
  setPortalSessionLocale,
  type PortalSession,
} from '../db/repositories/portal-sessions';
import type { LicenseRequestView } from '../db/repositories/license-requests';
import { hashApiKey, type Caller } from '../api/auth';
import { clientAddress, PostgresRateLimitStore } from '../api/rate-limit';
import { toHttpError, type HttpError } from '../api/errors';
import type { LicenseRequestService } from '../api/services/license-requests';
import type { PartnerService } from '../api/services/partners';
import { factsOf, refusalFor, STATUSES, statusRefusal, type Action } from '../domain/license-request';
import { DEFAULT_LOCALE, isLocale, longDate, strings, type Locale, type Strings } from './i18n';
import { refusalSentence } from './refusals';
import {
  hashToken,
  isCrossSite,
  newToken,
  parseCookies,
  safeNextPath,
  sameSecret,
  serializeCookie,
  SignInThrottle,
} from './security';
import {
  confirmPage,
  errorPage,
  listPage,
  requestPage,
  requestPath,
  settingsPage,
  signInPage,
  type ConfirmData,
  type Flash,
  type PageContext,
} from './views';

export interface PortalDeps {
  db: Db;
  requests: LicenseRequestService;
  partners: PartnerService;
  /** PUBLIC_URL: https makes the cookies Secure; its origin is accepted as the site's own. */
  publicUrl?: string;
  /** Wrong keys allowed per client address in ten minutes (default 10, counted in PostgreSQL). */
  signInThrottle?: SignInThrottle;
  now?: () => Date;
}

const SESSION_COOKIE = 'portal_session';
/** Holds the sign-in form's own CSRF token: there is no session yet to keep it in. */
const SIGN_IN_COOKIE = 'portal_signin';
const COOKIE_PATH = '/portal';
const SESSION_HOURS = 8;
/** Wrong keys from one address are counted over ten minutes. */
const SIGN_IN_WINDOW_MS = 10 * 60_000;
const PAGE_SIZE = 20;
const STATIC_DIR = path.join(__dirname, 'static');

/** The portal's pages load their own CSS and JS and nothing else; no inline script, no framing. */
const contentSecurityPolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
});
// Same-origin referrers let the browser name this site as the Origin of its own forms.
const referrerPolicy = helmet.referrerPolicy({ policy: 'same-origin' });

interface PortalState {
  locale: Locale;
  t: Strings;
  session?: PortalSession;
}

declare module 'express-serve-static-core' {
  interface Request {
    portal?: PortalState;
  }
}

function state(req: Request): PortalState {
  if (!req.portal) throw new Error('the portal session middleware must run first');
  return req.portal;
}

/** A form or query value given once (a repeated one counts as its first). */
function single(value: unknown): string | undefined {
  const v = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof v === 'string' ? v : undefined;
}

/** A form or query value that may be given many times (checkboxes). */
function many(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? (value as unknown[]) : [value]).filter((v): v is string => typeof v === 'string');
}

function isFlash(value: unknown): value is Flash {
  const f = value as Flash | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    (f.kind === 'success' || f.kind === 'error' || f.kind === 'info') &&
    typeof f.text === 'string'
  );
}

/**
 * The Idempotency-Key a form sends to the service: one per rendered form (a double click or a
 * resent POST is the same change, answered with the first outcome), and per content, so that the
 * same form sent again with other schools is a change of its own.
 */
function formIdempotencyKey(kind: string, formKey: string | undefined, content: unknown): string | undefined {
  if (!formKey || formKey.length > 100) return undefined;
  return `portal-${kind}-${crypto
    .createHash('sha256')
    .update(JSON.stringify([formKey, content]))
    .digest('base64url')}`;
}

export function portalRouter(deps: PortalDeps): Router {
  const { db, requests, partners } = deps;
  const now = deps.now ?? (() => new Date());
  const throttle =
    deps.signInThrottle ?? new SignInThrottle(new PostgresRateLimitStore(db, 'portal-sign-in', SIGN_IN_WINDOW_MS));
  const secure = deps.publicUrl?.startsWith('https:') ?? false;
  const router = Router();

  const setCookie = (res: Response, name: string, value: string, maxAgeSeconds: number) =>
    res.append('Set-Cookie', serializeCookie(name, value, { path: COOKIE_PATH, maxAge: maxAgeSeconds, secure }));

  const context = (req: Request, flash?: Flash): PageContext => {
    const { t, locale, session } = state(req);
    return {
      t,
      locale,
      path: req.originalUrl.split('?')[0] ?? '/portal/',
      ...(session && { partner: session.partner, csrfToken: session.csrfToken }),
      ...(flash && { flash }),
    };
  };

  /** The message left by the last POST, shown once. */
  async function takeFlash(req: Request): Promise<Flash | undefined> {
    const session = state(req).session;
    if (!session || session.flash === null || session.flash === undefined) return undefined;
    await setPortalSessionFlash(db, session.tokenHash, null);
    return isFlash(session.flash) ? session.flash : undefined;
  }

  async function flash(req: Request, kind: Flash['kind'], text: string): Promise<void> {
    const session = state(req).session;
    if (session) await setPortalSessionFlash(db, session.tokenHash, { kind, text } satisfies Flash);
  }

  const send = (res: Response, status: number, page: string) => {
    res.status(status).type('html').send(page);
  };

  const viewer = (req: Request): Caller => ({ role: 'partner', partner: signedInPartner(req) });

  function signedInPartner(req: Request): Partner {
    const session = state(req).session;
    if (!session) throw new Error('requireSession must run first');
    return session.partner;
  }

  /**
   * A refusal from the service as a sentence for the partner: 404 and 409 (answered already, in
   * another tab or by a colleague; withdrawn; not licensed) say what the request's state is now.
   */
  async function sentenceFor(
    req: Request,
    error: unknown,
    action: Extract<Action, 'answer' | 'assign'>,
    id: string,
  ): Promise<{ status: number; text: string }> {
    const { t } = state(req);
    const e: HttpError = toHttpError(error);
    if (e.status === 500) req.log?.error({ err: error }, `portal: ${e.code}: ${e.message}`);
    else if (e.status > 500) req.log?.warn({ err: error }, `portal: ${e.code}: ${e.message}`);
    if (e.refusal) return { status: e.status, text: refusalSentence(t, e.refusal) };
    switch (e.status) {
      case 404:
        return { status: 404, text: t.errors.notFound };
      case 409: {
        // No refusal to go by (the workflow had finished): the rulebook on the request as it is now.
        const current = await requests.get(viewer(req), id).catch(() => undefined);
        const refused = current && refusalFor(factsOf(current), action, 'partner');
        return { status: 409, text: refused ? refusalSentence(t, refused) : t.errors.invalidForm };
      }
      case 400: {
        const field = e.details?.[0]?.field;
        // Assigning nothing; with an answer only a forged form names schools wrongly (NO with schools).
        if (field === 'schools')
          return { status: 400, text: action === 'assign' ? t.errors.chooseSchools : t.errors.invalidForm };
        // The workflow's own refusals (a school the request does not have) carry no field.
        if (field === undefined || field.startsWith('schools.')) return { status: 400, text: t.errors.unknownSchool };
        return { status: 400, text: t.errors.invalidForm };
      }
      case 401:
      case 403:
        return { status: e.status, text: t.signIn.sessionEnded };
      case 503:
        return { status: 503, text: t.errors.unavailable };
      default:
        return { status: 500, text: t.errors.internal };
    }
  }

  // --- Every portal response ----------------------------------------------------------------------
  router.use(contentSecurityPolicy, referrerPolicy);
  router.use(
    '/static',
    express.static(STATIC_DIR, { index: false, redirect: false, dotfiles: 'ignore', fallthrough: true }),
  );
  // Up to 1000 school checkboxes, each with an id of up to 100 characters.
  router.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 3000 }));

  // Who is asking, and in which language.
  router.use(async (req, res, next) => {
    const token = parseCookies(req.get('cookie')).get(SESSION_COOKIE);
    const session = token ? await findPortalSession(db, hashToken(token), now()) : undefined;
    if (token && !session) setCookie(res, SESSION_COOKIE, '', 0); // expired or ended: forget it
    const requested = single(req.query.lang) ?? single((req.body as Record<string, unknown> | undefined)?.lang);
    const locale: Locale = session
      ? (session.locale ?? session.partner.locale)
      : isLocale(requested)
        ? requested
        : DEFAULT_LOCALE;
    req.portal = { locale, t: strings(locale), ...(session && { session }) };
    // The access log names the partner, as for the API (api/middleware.ts).
    if (session) req.caller = { role: 'partner', partner: session.partner };
    next();
  });

  // Cross-site request forgery: every POST must come from this site with the form's token.
  router.use(async (req, res, next) => {
    if (req.method !== 'POST') return next();
    const { session, t } = state(req);
    const refuse = () => send(res, 403, errorPage(context(req), t.errors.csrf));
    const crossSite = isCrossSite({
      secFetchSite: req.get('sec-fetch-site'),
      origin: req.get('origin'),
      host: req.get('host'),
      publicUrl: deps.publicUrl,
    });
    if (crossSite) return refuse();
    const body = req.body as Record<string, unknown> | undefined;
    const sent = single(body?._csrf);
    let expected: string | undefined;
    if (req.path === '/sign-in') {
      expected = parseCookies(req.get('cookie')).get(SIGN_IN_COOKIE);
    } else if (!session) {
      // Signed out meanwhile (expired, signed out in another tab, key rotated): nothing to protect.
      return res.redirect(303, '/portal/sign-in?notice=session-ended');
    } else {
      expected = session.csrfToken;
    }
    if (!sent || !expected || !sameSecret(sent, expected)) return refuse();
    next();
  });

  // --- Signing in and out ---------------------------------------------------------------------------
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
    send(res, status, signInPage(context(req), { csrfToken, ...form }));
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
    // The same lookup as the API's bearer authentication (api/auth.ts). A valid key always signs in,
    // also from an address that is throttled for wrong ones: only wrong keys are refused.
    const partner = apiKey.length <= 200 ? await findPartnerByApiKeyHash(db, hashApiKey(apiKey)) : undefined;
    if (!partner) {
      const waitMs = await throttle.recordFailure(address);
      if (waitMs > 0) {
        res.set('Retry-After', String(Math.ceil(waitMs / 1000)));
        return showSignIn(req, res, 429, { error: t.errors.tooManyAttempts(Math.ceil(waitMs / 60_000)), next });
      }
      return showSignIn(req, res, 401, { error: t.signIn.wrongKey, next });
    }
    // A new token at every sign-in (no fixation); the session it replaces ends.
    if (previous) await deletePortalSession(db, previous.tokenHash);
    await deleteExpiredPortalSessions(db, now());
    const token = newToken();
    await createPortalSession(db, {
      tokenHash: hashToken(token),
      partnerId: partner.id,
      csrfToken: newToken(),
      expiresAt: new Date(now().getTime() + SESSION_HOURS * 3600_000),
    });
    // The sign-in form's cookie stays: another tab's sign-in form (same cookie) still works.
    setCookie(res, SESSION_COOKIE, token, SESSION_HOURS * 3600);
    res.redirect(303, next ?? '/portal/');
  });

  router.post('/sign-out', async (req, res) => {
    const { session, locale } = state(req);
    if (session) await deletePortalSession(db, session.tokenHash);
    setCookie(res, SESSION_COOKIE, '', 0);
    res.redirect(303, `/portal/sign-in?notice=signed-out&lang=${locale}`);
  });

  // --- Everything below needs a session -----------------------------------------------------------
  const requireSession: RequestHandler = (req, res, next) => {
    if (state(req).session) return next();
    const nextPath = safeNextPath(req.originalUrl);
    res.redirect(
      303,
      `/portal/sign-in${nextPath && nextPath !== '/portal/' ? `?next=${encodeURIComponent(nextPath)}` : ''}`,
    );
  };
  router.use(requireSession);

  router.post('/language', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const locale = single(body.locale);
    if (isLocale(locale)) await setPortalSessionLocale(db, state(req).session!.tokenHash, locale);
    res.redirect(303, safeNextPath(single(body.return)) ?? '/portal/');
  });

  // --- License requests ---------------------------------------------------------------------------
  router.get('/', async (req, res) => {
    const status = single(req.query.status);
    const cursor = single(req.query.cursor);
    const chosen = STATUSES.find((s) => s === status);
    const page = await requests.list(viewer(req), {
      limit: String(PAGE_SIZE),
      ...(status && { status }),
      ...(cursor && { cursor }),
    });
    send(
      res,
      200,
      listPage(context(req, await takeFlash(req)), {
        summary: page.summary,
        items: page.items,
        ...(chosen && { status: chosen }),
        ...(cursor && { cursor }),
        nextCursor: page.nextCursor,
      }),
    );
  });

  router.get('/requests/:id', async (req, res) => {
    const request = await requests.get(viewer(req), req.params.id);
    send(res, 200, requestPage(context(req, await takeFlash(req)), { request, now: now(), formKey: newToken() }));
  });

  router.get('/requests/:id/confirm', async (req, res) => {
    const { t } = state(req);
    const request = await requests.get(viewer(req), req.params.id);
    const response = single(req.query.response);
    const schools = many(req.query.schools);
    let data: ConfirmData;
    let status = 200;
    const refused = statusRefusal(factsOf(request), 'answer', 'partner');
    if (refused) {
      data = { ok: false, request, message: refusalSentence(t, refused) };
      status = 409;
    } else if (response !== 'YES' && response !== 'NO') {
      data = { ok: false, request, message: t.errors.invalidForm };
      status = 400;
    } else if (response === 'YES' && schools.length === 0) {
      data = { ok: false, request, message: t.confirm.chooseSchool };
      status = 400;
    } else {
      data = { ok: true, request, response, schools, now: now(), formKey: newToken() };
    }
    send(res, status, confirmPage(context(req), data));
  });

  router.post('/requests/:id/answer', async (req, res) => {
    const { t, locale } = state(req);
    const id = String(req.params.id);
    const body = req.body as Record<string, unknown>;
    const response = single(body.response);
    // The form's fields are the API's body: with YES the schools that hold licenses (none sent means
    // all), and the API's own rules refuse anything else (schools with NO, unknown schools).
    const input = body.schools !== undefined ? { response, schools: many(body.schools) } : { response };
    const key = formIdempotencyKey('answer', single(body.formKey), input);
    let answered: LicenseRequestView;
    try {
      answered = await requests.answer(signedInPartner(req), id, input, key);
    } catch (error) {
      const { status, text } = await sentenceFor(req, error, 'answer', id);
      if (status === 404) return send(res, 404, errorPage(context(req), text));
      await flash(req, 'error', text);
      return res.redirect(303, requestPath(id));
    }
    await flash(
      req,
      'success',
      answered.response === 'YES'
        ? t.flash.answeredYes(answered.deadline ? longDate(answered.deadline, locale) : '')
        : t.flash.answeredNo(answered.organisation.name),
    );
    res.redirect(303, requestPath(id));
  });

  router.post('/requests/:id/assignments', async (req, res) => {
    const { t } = state(req);
    const id = String(req.params.id);
    const body = req.body as Record<string, unknown>;
    let schools = many(body.schools);
    let before: LicenseRequestView;
    try {
      before = await requests.get(viewer(req), id);
    } catch (error) {
      const { status, text } = await sentenceFor(req, error, 'assign', id);
      return send(res, status, errorPage(context(req), text));
    }
    // "Mark all remaining": every school still waiting, as the page showed them.
    if (single(body.all) === '1') {
      schools = before.schools.filter((s) => s.assignment === 'PENDING').map((s) => s.skolonId);
    }
    const key = formIdempotencyKey('assign', single(body.formKey), schools);
    let after: LicenseRequestView;
    try {
      after = await requests.assign(signedInPartner(req), id, { schools }, key);
    } catch (error) {
      const { text } = await sentenceFor(req, error, 'assign', id);
      await flash(req, 'error', text);
      return res.redirect(303, requestPath(id));
    }
    const names = new Map(after.schools.map((s) => [s.skolonId, s.name]));
    await flash(
      req,
      'success',
      after.status === 'COMPLETED' ? t.flash.completed : t.flash.assigned(schools.map((s) => names.get(s) ?? s)),
    );
    res.redirect(303, requestPath(id));
  });

  // --- Settings -----------------------------------------------------------------------------------
  router.get('/settings', async (req, res) => {
    const partner = signedInPartner(req);
    send(
      res,
      200,
      settingsPage(context(req, await takeFlash(req)), {
        notificationEmail: partner.notificationEmail,
        locale: partner.locale,
      }),
    );
  });

  router.post('/settings', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const notificationEmail = (single(body.notificationEmail) ?? '').trim();
    const locale = single(body.locale) ?? '';
    try {
      await partners.updateSettings(signedInPartner(req), { notificationEmail, locale });
    } catch (error) {
      const e = toHttpError(error);
      const { t } = state(req);
      if (e.status !== 400) throw error;
      const field = e.details?.[0]?.field === 'notificationEmail' ? 'notificationEmail' : 'form';
      return send(
        res,
        400,
        settingsPage(
          context(req),
          { notificationEmail, locale },
          { field, message: field === 'notificationEmail' ? t.errors.badEmail : t.errors.invalidForm },
        ),
      );
    }
    const session = state(req).session!;
    // The portal follows the partner's language from now on (a switch made earlier is replaced).
    await setPortalSessionLocale(db, session.tokenHash, null);
    const saved = isLocale(locale) ? locale : state(req).locale;
    await setPortalSessionFlash(db, session.tokenHash, { kind: 'success', text: strings(saved).flash.settingsSaved });
    res.redirect(303, '/portal/settings');
  });

  // --- Nothing here, and anything that went wrong ---------------------------------------------------
  router.use((req, res) => {
    send(res, 404, errorPage(context(req), state(req).t.errors.pageNotFound));
  });

  const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const e = toHttpError(error);
    if (e.status === 500) req.log?.error({ err: error }, `portal: ${e.code}: ${e.message}`);
    else if (e.status > 500) req.log?.warn({ err: error }, `portal: ${e.code}: ${e.message}`);
    const t = req.portal?.t ?? strings(DEFAULT_LOCALE);
    const message =
      e.status === 404
        ? t.errors.notFound
        : e.status === 503
          ? t.errors.unavailable
          : e.status >= 500
            ? t.errors.internal
            : t.errors.invalidForm;
    for (const [name, value] of Object.entries(e.headers)) res.set(name, value);
    const ctx: PageContext = req.portal ? context(req) : { t, locale: DEFAULT_LOCALE, path: '/portal/' };
    send(res, e.status >= 500 && e.status !== 503 ? 500 : e.status, errorPage(ctx, message));
  };
  router.use(errorHandler);

  return router;
}
