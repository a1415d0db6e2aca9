/**
 * Failures as the partner reads them: a refusal of the application services (404, 409, 400, ...)
 * becomes a sentence in the partner's language that says what the request's state is now, and
 * anything else a page of its own; never a stack trace.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { toHttpError, type HttpError } from '../services/errors';
import type { LicenseRequestService } from '../services/license-requests';
import { pageContext, sendPage, state, viewer } from './context';
import { DEFAULT_LOCALE } from '../domain/locale';
import { catalogue } from '../i18n';
import { errorPage, type PageContext } from './views';
import { factsOf, refusalFor, type Action } from '../domain/license-request';
import { refusalSentence } from './refusals';

function logFailure(req: Request, error: unknown, e: HttpError): void {
  if (e.status === 500) req.log?.error({ err: error }, `portal: ${e.code}: ${e.message}`);
  else if (e.status > 500) req.log?.warn({ err: error }, `portal: ${e.code}: ${e.message}`);
}

/**
 * A refusal from the service as a sentence for the partner: 404 and 409 (answered already, in
 * another tab or by a colleague; withdrawn; not licensed) say what the request's state is now.
 */
export async function sentenceFor(
  requests: Pick<LicenseRequestService, 'get'>,
  req: Request,
  error: unknown,
  action: Extract<Action, 'answer' | 'assign'>,
  id: string,
): Promise<{ status: number; text: string }> {
  const { t } = state(req);
  const e = toHttpError(error);
  logFailure(req, error, e);
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

/** A refused form field, if the failure is the settings' validation (400); anything else is rethrown. */
export function settingsFieldRefused(error: unknown): 'notificationEmail' | 'form' {
  const e = toHttpError(error);
  if (e.status !== 400) throw error;
  return e.details?.[0]?.field === 'notificationEmail' ? 'notificationEmail' : 'form';
}

/** The code of a 403 for a form only the partner's admins may use (controllers.ts). */
export const ADMINS_ONLY = 'admins_only';

/** Nothing here. */
export const pageNotFound: RequestHandler = (req, res) => {
  sendPage(res, 404, errorPage(pageContext(req), state(req).t.errors.pageNotFound));
};

/** Anything that went wrong: a page in the partner's language with the right status. */
export const portalErrorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  const e = toHttpError(error);
  logFailure(req, error, e);
  const t = req.portal?.t ?? catalogue(DEFAULT_LOCALE);
  const message =
    e.code === ADMINS_ONLY
      ? t.errors.adminsOnly
      : e.status === 404
        ? t.errors.notFound
        : e.status === 503
          ? t.errors.unavailable
          : e.status >= 500
            ? t.errors.internal
            : t.errors.invalidForm;
  for (const [name, value] of Object.entries(e.headers)) res.set(name, value);
  const ctx: PageContext = req.portal ? pageContext(req) : { t, locale: DEFAULT_LOCALE, path: '/portal/' };
  sendPage(res, e.status >= 500 && e.status !== 503 ? 500 : e.status, errorPage(ctx, message));
};
