/**
 * The signed-in partner's pages: the requests list, a request, the YES / NO confirmation, answering,
 * assigning, settings and the language switch. Each turns a form into a call of the application
 * services (services/), the same the JSON API calls, and the outcome into a page or a message.
 */
import { Router } from 'express';
import type { LicenseRequestService } from '../services/license-requests';
import type { LicenseRequestView } from '../services/license-request-view';
import type { PartnerService } from '../services/partners';
import type { PartnerUserService, PartnerUserView } from '../services/partner-users';
import type { PortalSessionService } from '../services/portal-sessions';
import { HttpError } from '../services/errors';
import type { WebhookService, WebhookView } from '../services/webhooks';
import { factsOf, STATUSES, statusRefusal } from '../domain/license-request';
import { pageContext, sendPage, signedInPartner, state, viewer } from './context';
import { ADMINS_ONLY, sentenceFor, settingsFieldRefused } from './errors';
import { refusalSentence } from './refusals';
import { formIdempotencyKey, many, single } from './forms';
import { isLocale } from '../domain/locale';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhooks';
import { catalogue, longDate } from '../i18n';
import { newToken, safeNextPath } from './security';
import type { Flashes } from './session';
import {
  confirmPage,
  errorPage,
  listPage,
  requestPage,
  requestPath,
  settingsPage,
  type ConfirmData,
  type PeopleSettings,
  type WebhookSettings,
} from './views';

const PAGE_SIZE = 20;

export interface RequestPagesDeps {
  requests: LicenseRequestService;
  users: Pick<PartnerUserService, 'list'>;
  flashes: Flashes;
  now: () => Date;
}

/** The requests list, a request's page, its confirmation page, and the answer and assignment forms. */
export function requestPages({ requests, users, flashes, now }: RequestPagesDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const status = single(req.query.status);
    const cursor = single(req.query.cursor);
    const chosen = STATUSES.find((s) => s === status);
    const page = await requests.list(viewer(req), {
      limit: String(PAGE_SIZE),
      ...(status && { status }),
      ...(cursor && { cursor }),
    });
    sendPage(
      res,
      200,
      listPage(pageContext(req, await flashes.take(req)), {
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
    // The history names who answered and assigned: the partner's people as they are now.
    const people = new Map((await users.list(signedInPartner(req))).map((u) => [u.email, u.name]));
    sendPage(
      res,
      200,
      requestPage(pageContext(req, await flashes.take(req)), { request, people, now: now(), formKey: newToken() }),
    );
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
    sendPage(res, status, confirmPage(pageContext(req), data));
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
      answered = await requests.answer(viewer(req), id, input, key);
    } catch (error) {
      const { status, text } = await sentenceFor(requests, req, error, 'answer', id);
      if (status === 404) return sendPage(res, 404, errorPage(pageContext(req), text));
      await flashes.put(req, 'error', text);
      return res.redirect(303, requestPath(id));
    }
    await flashes.put(
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
      const { status, text } = await sentenceFor(requests, req, error, 'assign', id);
      return sendPage(res, status, errorPage(pageContext(req), text));
    }
    // "Mark all remaining": every school still waiting, as the page showed them.
    if (single(body.all) === '1') {
      schools = before.schools.filter((s) => s.assignment === 'PENDING').map((s) => s.skolonId);
    }
    const key = formIdempotencyKey('assign', single(body.formKey), schools);
    let after: LicenseRequestView;
    try {
      after = await requests.assign(viewer(req), id, { schools }, key);
    } catch (error) {
      const { text } = await sentenceFor(requests, req, error, 'assign', id);
      await flashes.put(req, 'error', text);
      return res.redirect(303, requestPath(id));
    }
    const names = new Map(after.schools.map((s) => [s.skolonId, s.name]));
    await flashes.put(
      req,
      'success',
      after.status === 'COMPLETED' ? t.flash.completed : t.flash.assigned(schools.map((s) => names.get(s) ?? s)),
    );
    res.redirect(303, requestPath(id));
  });

  return router;
}

export interface SettingsPagesDeps {
  partners: PartnerService;
  users: PartnerUserService;
  sessions: PortalSessionService;
  flashes: Flashes;
  webhooks: WebhookService;
}

/** The notification address and language (the partner's settings), and the session's language switch. */
export function settingsPages({ partners, users, sessions, flashes, webhooks }: SettingsPagesDeps): Router {
  const router = Router();

  /** The partner's webhook, or null when it has none. */
  async function webhookOf(req: Parameters<typeof signedInPartner>[0]): Promise<WebhookView | null> {
    try {
      return await webhooks.get(signedInPartner(req));
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return null;
      throw error;
    }
  }

  /** The Settings page as it is now, with the webhook's part as given (e.g. a secret to show once). */
  async function showSettings(
    req: Parameters<typeof signedInPartner>[0],
    res: Parameters<typeof sendPage>[0],
    status: number,
    webhook: Omit<WebhookSettings, 'webhook'> = {},
    refusedPerson?: PeopleSettings['refused'],
  ) {
    const partner = signedInPartner(req);
    sendPage(
      res,
      status,
      settingsPage(
        pageContext(req, status === 200 ? await flashes.take(req) : undefined),
        { notificationEmail: partner.notificationEmail, locale: partner.locale },
        undefined,
        { ...webhook, webhook: await webhookOf(req) },
        { users: await users.list(partner), ...(refusedPerson && { refused: refusedPerson }) },
      ),
    );
  }

  /**
   * Changing the partner's settings (its notification address and language, its people, its webhook
   * and the webhook's signing secret) is for its admins; members see them. Redelivering an event to
   * the partner's own endpoint changes nothing, and stays open to everyone.
   */
  function requireAdmin(req: Parameters<typeof signedInPartner>[0]): void {
    if (state(req).session?.user.role !== 'admin') {
      throw new HttpError(403, ADMINS_ONLY, "Only the partner's admins can change its settings.");
    }
  }

  // A new person: added, and told by mail (services/partner-users.ts sends the invitation).
  router.post('/settings/people', async (req, res) => {
    requireAdmin(req);
    const { t } = state(req);
    const body = req.body as Record<string, unknown>;
    const person = {
      email: (single(body.email) ?? '').trim(),
      name: (single(body.name) ?? '').trim(),
      role: single(body.role) ?? '',
    };
    let added: PartnerUserView;
    try {
      added = await users.add(signedInPartner(req), person, state(req).session!.user);
    } catch (error) {
      if (!(error instanceof HttpError) || (error.status !== 400 && error.status !== 409)) throw error;
      const field = error.details?.[0]?.field;
      const message =
        error.status === 409
          ? t.people.exists(person.email.toLowerCase())
          : field === 'email'
            ? t.errors.badEmail
            : t.errors.invalidForm;
      return showSettings(req, res, error.status, {}, { ...person, message });
    }
    await flashes.put(req, 'success', t.people.invited(added.email));
    res.redirect(303, '/portal/settings#people');
  });

  // Removing a person ends their sessions at once (this one too, if they remove themselves).
  router.post('/settings/people/remove', async (req, res) => {
    requireAdmin(req);
    const { t } = state(req);
    const email = single((req.body as Record<string, unknown>).email) ?? '';
    try {
      await users.remove(signedInPartner(req), email);
    } catch (error) {
      if (!(error instanceof HttpError) || (error.status !== 404 && error.status !== 409)) throw error;
      await flashes.put(req, 'error', error.status === 404 ? t.people.notFound : t.people.lastAdmin);
      return res.redirect(303, '/portal/settings#people');
    }
    if (email.toLowerCase() === state(req).session!.user.email) {
      return res.redirect(303, `/portal/sign-in?notice=signed-out&lang=${state(req).locale}`);
    }
    await flashes.put(req, 'success', t.people.removed(email.toLowerCase()));
    res.redirect(303, '/portal/settings#people');
  });

  // The webhook (services/webhooks.ts, as the API's PUT/DELETE/POST): a new secret is shown in the
  // answer to the form that made it, once, and never stored in the session.
  router.post('/settings/webhook', async (req, res) => {
    requireAdmin(req);
    const body = req.body as Record<string, unknown>;
    const url = (single(body.url) ?? '').trim();
    // Every box ticked is "all events", so that event types added later are delivered too.
    const events = many(body.events);
    try {
      const set = await webhooks.put(signedInPartner(req), {
        url,
        ...(events.length < WEBHOOK_EVENT_TYPES.length && { events }),
      });
      if (set.secret) return showSettings(req, res, 200, { secret: { value: set.secret, rotated: false } });
    } catch (error) {
      if (error instanceof HttpError && error.status === 400) {
        return showSettings(req, res, 400, { refused: { url, message: error.message } });
      }
      throw error;
    }
    await flashes.put(req, 'success', state(req).t.settings.webhook.saved);
    res.redirect(303, '/portal/settings#webhook');
  });

  router.post('/settings/webhook/secret', async (req, res) => {
    requireAdmin(req);
    const { secret } = await webhooks.rotateSecret(signedInPartner(req), {});
    await showSettings(req, res, 200, { secret: { value: secret, rotated: true } });
  });

  router.post('/settings/webhook/remove', async (req, res) => {
    requireAdmin(req);
    await webhooks.remove(signedInPartner(req));
    await flashes.put(req, 'success', state(req).t.settings.webhook.removed);
    res.redirect(303, '/portal/settings');
  });

  router.post('/settings/webhook/deliveries/:id/redeliver', async (req, res) => {
    const { t } = state(req);
    try {
      await webhooks.redeliver(signedInPartner(req), String(req.params.id));
      await flashes.put(req, 'success', t.settings.webhook.redelivering);
    } catch (error) {
      // A disabled webhook (409) or a delivery that is not there (404): said on the page.
      if (!(error instanceof HttpError) || error.status >= 500) throw error;
      await flashes.put(req, 'error', error.message);
    }
    res.redirect(303, '/portal/settings#webhook');
  });

  router.post('/language', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const locale = single(body.locale);
    if (isLocale(locale)) await sessions.setLocale(state(req).session!.tokenHash, locale);
    res.redirect(303, safeNextPath(single(body.return)) ?? '/portal/');
  });

  router.get('/settings', async (req, res) => {
    await showSettings(req, res, 200);
  });

  router.post('/settings', async (req, res) => {
    requireAdmin(req);
    const body = req.body as Record<string, unknown>;
    const notificationEmail = (single(body.notificationEmail) ?? '').trim();
    const locale = single(body.locale) ?? '';
    try {
      await partners.updateSettings(signedInPartner(req), { notificationEmail, locale });
    } catch (error) {
      const field = settingsFieldRefused(error);
      const { t } = state(req);
      return sendPage(
        res,
        400,
        settingsPage(
          pageContext(req),
          { notificationEmail, locale },
          { field, message: field === 'notificationEmail' ? t.errors.badEmail : t.errors.invalidForm },
          { webhook: await webhookOf(req) },
          { users: await users.list(signedInPartner(req)) },
        ),
      );
    }
    const session = state(req).session!;
    // The portal follows the partner's language from now on (a switch made earlier is replaced).
    await sessions.setLocale(session.tokenHash, null);
    const saved = isLocale(locale) ? locale : state(req).locale;
    await sessions.setFlash(session.tokenHash, { kind: 'success', text: catalogue(saved).flash.settingsSaved });
    res.redirect(303, '/portal/settings');
  });

  return router;
}
