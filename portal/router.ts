/**
 * The partner portal (issue 7): server-rendered HTML under /portal for partners without an
 * integration. It is built on the API's own service functions (services/), so every rule,
 * state transition (Temporal Updates), Idempotency key and 404/409 decision is the API's; the
 * portal only turns forms into calls and outcomes into sentences. This file puts it together:
 *
 *   security headers (http/security-headers.ts) and the static files;
 *   session.ts    who is asking (the session cookie) and in which language; requireSession; messages
 *   csrf.ts       every POST from this site with the form's token
 *   answer-link.ts  answering with a mail's YES/NO link, without sign-in
 *   sign-in.ts    signing in with a link by mail (throttled per client and per address asked for) and out
 *   controllers.ts  the requests pages, answering, assigning, settings and people, the language switch
 *   errors.ts     refusals as sentences; the not-found and error pages
 */
import path from 'node:path';
import express, { Router } from 'express';
import type { LicenseRequestService } from '../services/license-requests';
import type { PartnerService } from '../services/partners';
import type { PartnerUserService } from '../services/partner-users';
import type { PortalSignInService } from '../services/portal-sign-in';
import type { WebhookService } from '../services/webhooks';
import type { PortalSessionService } from '../services/portal-sessions';
import type { RateLimitStores } from '../http/rate-limit-store';
import { pageSecurityHeaders } from '../http/security-headers';
import { requestPages, settingsPages } from './controllers';
import { csrfProtection } from './csrf';
import { pageNotFound, portalErrorHandler } from './errors';
import { SignInThrottle } from './security';
import { cookieSetter, flashes, loadSession, requireSession } from './session';
import { SIGN_IN_EMAIL_WINDOW_MS, SIGN_IN_WINDOW_MS, signInRoutes } from './sign-in';
import { ANSWER_LINK_MAX_FAILURES, ANSWER_LINK_WINDOW_MS, answerLinkRoutes } from './answer-link';
import type { AnswerLinkService } from '../services/answer-links';

export interface PortalDeps {
  requests: LicenseRequestService;
  partners: PartnerService;
  /** The partner's people (Settings) and their sign-in links by mail. */
  users: PartnerUserService;
  signIn: PortalSignInService;
  /** The YES and NO links of partner mail (no sign-in). */
  answerLinks: AnswerLinkService;
  /** Unknown answer-link tokens per client address (default ANSWER_LINK_MAX_FAILURES in ten minutes). */
  answerLinkThrottle?: SignInThrottle;
  sessions: PortalSessionService;
  /** The partner's webhook on the Settings page (the same service as the API's). */
  webhooks: WebhookService;
  /** Where the sign-in throttle counts wrong keys (PostgreSQL, shared by every API process). */
  rateLimitStores: RateLimitStores;
  /** PUBLIC_URL: https makes the cookies Secure; its origin is accepted as the site's own. */
  publicUrl?: string;
  /** Requests for a sign-in link per client address in ten minutes (default 20, counted in rateLimitStores). */
  signInThrottle?: SignInThrottle;
  /** Links mailed to one address in fifteen minutes (default 3; more requests get the same page and no mail). */
  signInEmailThrottle?: SignInThrottle;
  now?: () => Date;
}

const STATIC_DIR = path.join(__dirname, 'static');

export function portalRouter(deps: PortalDeps): Router {
  const { requests, partners, users, sessions } = deps;
  const now = deps.now ?? (() => new Date());
  const throttle =
    deps.signInThrottle ?? new SignInThrottle(deps.rateLimitStores('portal-sign-in', SIGN_IN_WINDOW_MS), 20);
  const emailThrottle =
    deps.signInEmailThrottle ??
    new SignInThrottle(deps.rateLimitStores('portal-sign-in-email', SIGN_IN_EMAIL_WINDOW_MS), 4);
  const setCookie = cookieSetter(deps.publicUrl?.startsWith('https:') ?? false);
  const messages = flashes(sessions);
  const router = Router();

  // Every portal response.
  router.use(pageSecurityHeaders());
  router.use(
    '/static',
    express.static(STATIC_DIR, { index: false, redirect: false, dotfiles: 'ignore', fallthrough: true }),
  );
  // Up to 1000 school checkboxes, each with an id of up to 100 characters.
  router.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 3000 }));
  router.use(loadSession(sessions, now, setCookie));
  router.use(csrfProtection({ publicUrl: deps.publicUrl }));

  router.use(signInRoutes({ signIn: deps.signIn, sessions, throttle, emailThrottle, setCookie, now }));
  const answerLinkThrottle =
    deps.answerLinkThrottle ??
    new SignInThrottle(deps.rateLimitStores('portal-answer-link', ANSWER_LINK_WINDOW_MS), ANSWER_LINK_MAX_FAILURES);
  router.use(answerLinkRoutes({ links: deps.answerLinks, throttle: answerLinkThrottle, now }));

  // Everything below needs a session.
  router.use(requireSession);
  router.use(requestPages({ requests, users, flashes: messages, now }));
  router.use(settingsPages({ partners, users, sessions, flashes: messages, webhooks: deps.webhooks }));

  // Nothing here, and anything that went wrong.
  router.use(pageNotFound);
  router.use(portalErrorHandler);
  return router;
}
