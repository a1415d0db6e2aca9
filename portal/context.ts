/**
 * What every portal handler knows about the request it serves: the partner's session (if signed
 * in), the language and its strings (set by portal/session.ts), and how a page is sent.
 */
import type { Request, Response } from 'express';
import type { PartnerCaller } from '../services/caller';
import type { Partner } from '../services/partners';
import type { PortalSession } from '../services/portal-sessions';
import type { Locale } from '../domain/locale';
import type { Catalogue } from '../i18n';
import type { Flash, PageContext } from './views';
import '../http/request-context';

export interface PortalState {
  locale: Locale;
  t: Catalogue;
  session?: PortalSession;
}

declare module 'express-serve-static-core' {
  interface Request {
    portal?: PortalState;
  }
}

export function state(req: Request): PortalState {
  if (!req.portal) throw new Error('the portal session middleware must run first');
  return req.portal;
}

/** What a page needs to know about the request: language, path, who is signed in, the message to show. */
export function pageContext(req: Request, flash?: Flash): PageContext {
  const { t, locale, session } = state(req);
  return {
    t,
    locale,
    path: req.originalUrl.split('?')[0] ?? '/portal/',
    ...(session && { partner: session.partner, user: session.user, csrfToken: session.csrfToken }),
    ...(flash && { flash }),
  };
}

export function sendPage(res: Response, status: number, page: string): void {
  res.status(status).type('html').send(page);
}

export function signedInPartner(req: Request): Partner {
  const session = state(req).session;
  if (!session) throw new Error('requireSession must run first');
  return session.partner;
}

/** The signed-in person at their partner, as the application services know their callers. */
export function viewer(req: Request): PartnerCaller {
  const session = state(req).session;
  if (!session) throw new Error('requireSession must run first');
  return { role: 'partner', partner: session.partner, user: session.user };
}
