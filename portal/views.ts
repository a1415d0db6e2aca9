/**
 * The portal's pages, server-rendered. Every value is escaped by `html` (portal/html.ts); forms are
 * plain HTML that work without JavaScript (portal/static/portal.js only adds a confirmation dialog
 * and "select all"). Each control has a label, each page one h1, and tables have headers.
 */
import type { Partner } from '../services/partners';
import type { PartnerUser, PartnerUserView } from '../services/partner-users';
import type { LicenseRequestSummaryView, LicenseRequestView } from '../services/license-request-view';
import { STATUSES, type Assignment, type Status } from '../domain/license-request';
import { html, type HtmlValue, type SafeHtml } from './html';
import { LOCALES, type Locale } from '../domain/locale';
import { catalogue, dateTime, describeEvent, longDate, type Catalogue } from '../i18n';
import type { WebhookView } from '../services/webhooks';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhooks';
import { assignmentProgress, deadlineState, supportExceptions, yesPreview } from './model';

export interface Flash {
  kind: 'success' | 'error' | 'info';
  text: string;
}

export interface PageContext {
  t: Catalogue;
  locale: Locale;
  /** The path of this page (for the language switch to come back to). */
  path: string;
  /** Set when signed in. */
  partner?: Partner;
  /** The person signed in. */
  user?: PartnerUser;
  /** The session's CSRF token, for the forms in the header (language, sign-out). */
  csrfToken?: string;
  flash?: Flash;
}

export const requestPath = (id: string) => `/portal/requests/${encodeURIComponent(id)}`;

const csrfField = (token: string | undefined) => html`<input type="hidden" name="_csrf" value="${token}" />`;

function flashBox(flash: Flash | undefined): SafeHtml | undefined {
  if (!flash) return undefined;
  // Errors interrupt (alert); confirmations are announced politely (status).
  const role = flash.kind === 'error' ? 'alert' : 'status';
  return html`<div class="flash flash-${flash.kind}" role="${role}">${flash.text}</div>`;
}

function languageSwitch(ctx: PageContext): SafeHtml {
  const others = LOCALES.filter((l) => l !== ctx.locale);
  if (ctx.partner) {
    return html`<form method="post" action="/portal/language" class="inline">
      ${csrfField(ctx.csrfToken)}
      <input type="hidden" name="return" value="${ctx.path}" />
      ${others.map(
        (l) =>
          html`<button type="submit" name="locale" value="${l}" lang="${l}" class="link">
            ${catalogue(l).languageName}
          </button>`,
      )}
    </form>`;
  }
  return html`${others.map(
    (l) => html`<a href="/portal/sign-in?lang=${l}" lang="${l}" hreflang="${l}">${catalogue(l).languageName}</a>`,
  )}`;
}

export function layout(ctx: PageContext, title: string, body: HtmlValue, current?: 'requests' | 'settings'): string {
  const { t } = ctx;
  const nav = ctx.partner
    ? html`<nav aria-label="${t.nav.label}">
        <ul>
          <li><a href="/portal/" ${current === 'requests' ? html`aria-current="page"` : ''}>${t.nav.requests}</a></li>
          <li>
            <a href="/portal/settings" ${current === 'settings' ? html`aria-current="page"` : ''}>${t.nav.settings}</a>
          </li>
        </ul>
      </nav>`
    : '';
  const account = ctx.partner
    ? html`<span class="who">${t.nav.signedInAs(ctx.user?.name ?? '', ctx.partner.name)}</span>
        <form method="post" action="/portal/sign-out" class="inline">
          ${csrfField(ctx.csrfToken)}
          <button type="submit" class="link">${t.nav.signOut}</button>
        </form>`
    : '';
  return html`<!doctype html>
    <html lang="${t.htmlLang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} – Skolon ${t.appName}</title>
        <link rel="stylesheet" href="/portal/static/portal.css" />
        <script src="/portal/static/portal.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t.skipToContent}</a>
        <header class="top">
          <p class="brand"><span class="logo">Skolon</span> ${t.appName}</p>
          ${nav}
          <div class="account">${languageSwitch(ctx)} ${account}</div>
        </header>
        <main id="main" tabindex="-1">${flashBox(ctx.flash)} ${body}</main>
      </body>
    </html> `.value;
}

// --- Sign-in ------------------------------------------------------------------------------------

export function signInPage(
  ctx: PageContext,
  form: { csrfToken: string; email?: string; error?: string; notice?: string },
): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.signIn.title,
    html`<h1>${t.signIn.title}</h1>
      ${form.notice ? html`<div class="flash flash-info" role="status">${form.notice}</div>` : ''}
      ${form.error ? html`<div class="flash flash-error" role="alert" id="sign-in-error">${form.error}</div>` : ''}
      <p>${t.signIn.intro}</p>
      <form method="post" action="/portal/sign-in" class="card narrow">
        ${csrfField(form.csrfToken)}
        <input type="hidden" name="lang" value="${ctx.locale}" />
        <label for="email">${t.signIn.email}</label>
        <input
          type="email"
          id="email"
          name="email"
          value="${form.email ?? ''}"
          required
          autocomplete="email"
          spellcheck="false"
          autocapitalize="off"
          aria-describedby="email-hint${form.error ? ' sign-in-error' : ''}"
          ${form.error ? html`aria-invalid="true" autofocus` : ''}
        />
        <p class="hint" id="email-hint">${t.signIn.emailHint}</p>
        <button type="submit">${t.signIn.submit}</button>
      </form>
      <p class="hint">${t.signIn.help}</p>`,
  );
}

/** After an address is sent: the same page whether or not it has an account. */
export function signInSentPage(ctx: PageContext, data: { email: string; minutes: number }): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.signIn.sentTitle,
    html`<h1>${t.signIn.sentTitle}</h1>
      <div class="card narrow" role="status" data-sign-in-sent>
        <p>${t.signIn.sent(data.email, data.minutes)}</p>
        <p class="hint">${t.signIn.sentHint}</p>
      </div>
      <p><a href="/portal/sign-in?lang=${ctx.locale}">${t.signIn.askAgain}</a></p>`,
  );
}

/** A sign-in link's page: one button that uses the link (opening the page does not). */
export function signInLinkPage(
  ctx: PageContext,
  data: { csrfToken: string; action: string; name: string; partner: string },
): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.signIn.linkTitle,
    html`<h1>${t.signIn.linkTitle}</h1>
      <form method="post" action="${data.action}" class="card narrow">
        ${csrfField(data.csrfToken)}
        <input type="hidden" name="lang" value="${ctx.locale}" />
        <p>${t.signIn.linkIntro(data.name, data.partner)}</p>
        <button type="submit">${t.signIn.linkSubmit}</button>
      </form>`,
  );
}

/** A used, expired or forged sign-in link: what to do now. */
export function signInLinkInvalidPage(ctx: PageContext, data: { minutes: number }): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.signIn.linkTitle,
    html`<h1>${t.signIn.linkTitle}</h1>
      <p class="flash flash-error" role="alert">${t.signIn.linkInvalid(data.minutes)}</p>
      <p><a href="/portal/sign-in?lang=${ctx.locale}" class="button">${t.signIn.askAgain}</a></p>`,
  );
}

// --- The list -----------------------------------------------------------------------------------

export interface ListPageData {
  summary: { answered: number; notAnswered: number };
  items: LicenseRequestSummaryView[];
  status?: Status;
  /** The cursor this page was shown from (absent: the first page). */
  cursor?: string;
  nextCursor: string | null;
}

function listUrl(status: Status | undefined, cursor?: string): string {
  const params = new URLSearchParams();
  if (status) params.set('status', status);
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return `/portal/${query ? `?${query}` : ''}`;
}

export function listPage(ctx: PageContext, data: ListPageData): string {
  const { t } = ctx;
  const l = t.list;
  const f = t.facts;
  const rows = data.items.map(
    (r) =>
      html`<tr>
        <th scope="row" data-label="${f.organisation}"><a href="${requestPath(r.id)}">${r.organisation.name}</a></th>
        <td data-label="${f.numberOfSchools}" class="num">${r.numberOfSchools}</td>
        <td data-label="${f.desiredAvailability}">${r.desiredAvailability ?? l.notGiven}</td>
        <td data-label="${f.response}">
          <span class="badge response-${r.response.toLowerCase()}">${t.responses[r.response]}</span>
        </td>
        <td data-label="${f.status}">
          <span class="badge status-${r.status.toLowerCase()}">${t.statuses[r.status]}</span>
        </td>
      </tr>`,
  );
  return layout(
    ctx,
    l.title,
    html`<p class="breadcrumb">${t.breadcrumb}</p>
      <h1>${l.title}</h1>
      <div class="cards">
        <section class="card summary" aria-labelledby="summary-h">
          <h2 id="summary-h">${l.summaryTitle}</h2>
          <dl>
            <div>
              <dt>${l.answered}</dt>
              <dd data-summary="answered">${data.summary.answered}</dd>
            </div>
            <div>
              <dt>${l.notAnswered}</dt>
              <dd data-summary="not-answered">${data.summary.notAnswered}</dd>
            </div>
          </dl>
        </section>
        <section class="card" aria-labelledby="yes-h">
          <h2 id="yes-h">${l.yesCardTitle}</h2>
          <p>${l.yesCardText}</p>
        </section>
        <section class="card" aria-labelledby="no-h">
          <h2 id="no-h">${l.noCardTitle}</h2>
          <p>${l.noCardText}</p>
        </section>
      </div>
      <form method="get" action="/portal/" class="filter">
        <label for="status-filter">${f.status}</label>
        <select id="status-filter" name="status">
          <option value="">${l.allStatuses}</option>
          ${STATUSES.map(
            (s) => html`<option value="${s}" ${data.status === s ? html`selected` : ''}>${t.statuses[s]}</option>`,
          )}
        </select>
        <button type="submit">${l.filterButton}</button>
      </form>
      ${
        data.items.length === 0
          ? html`<p class="empty">${l.empty}</p>`
          : html`<table class="requests stack">
              <caption>
                ${l.tableCaption}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${f.organisation}</th>
                  <th scope="col" class="num">${f.numberOfSchools}</th>
                  <th scope="col">${f.desiredAvailability}</th>
                  <th scope="col">${f.response}</th>
                  <th scope="col">${f.status}</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
      }
      ${
        data.cursor || data.nextCursor
          ? html`<nav class="paging" aria-label="${l.paging}">
              ${data.cursor ? html`<a href="${listUrl(data.status)}">${l.firstPage}</a>` : ''}
              ${data.nextCursor ? html`<a href="${listUrl(data.status, data.nextCursor)}" rel="next">${l.nextPage} →</a>` : ''}
            </nav>`
          : ''
      }`,
    'requests',
  );
}

// --- One request --------------------------------------------------------------------------------

export interface RequestPageData {
  request: LicenseRequestView;
  /** The partner's people by address, to name who answered and assigned in the history. */
  people?: ReadonlyMap<string, string>;
  now: Date;
  /** A fresh key per rendered form: a double submit is one change (see portal/forms.ts). */
  formKey: string;
}

function facts(ctx: PageContext, request: LicenseRequestView, now: Date): SafeHtml {
  const { t, locale } = ctx;
  const r = t.request;
  const f = t.facts;
  const deadline = deadlineState(request, now);
  const row = (label: string, value: HtmlValue) =>
    html`<div>
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
  let deadlineValue: HtmlValue;
  if (deadline) {
    const date = longDate(deadline.deadline, locale);
    if (deadline.overdue) {
      deadlineValue = html`${date} <strong class="overdue">${r.overdue(deadline.workingDaysOverdue ?? 0)}</strong>`;
    } else if (deadline.workingDaysLeft !== undefined) {
      deadlineValue = html`${date}
        <span class="days-left"
          >(${deadline.workingDaysLeft === 0 ? f.deadlineToday : r.daysLeft(deadline.workingDaysLeft)})</span
        >`;
    } else {
      deadlineValue = date;
    }
  }
  return html`<dl class="facts">
    ${row(f.organisation, request.organisation.name)}
    ${row(f.skolonId, html`<code>${request.organisation.skolonId}</code>`)}
    ${row(f.numberOfSchools, request.numberOfSchools)}
    ${row(f.desiredAvailability, request.desiredAvailability ? longDate(request.desiredAvailability, locale) : f.notGiven)}
    ${row(f.status, html`<span class="badge status-${request.status.toLowerCase()}" data-status="${request.status}">${t.statuses[request.status]}</span>`)}
    ${row(f.response, html`<span data-response="${request.response}">${t.responses[request.response]}</span>`)}
    ${row(r.created, longDate(request.createdAt, locale))}
    ${request.answeredAt ? row(r.answeredAt, longDate(request.answeredAt, locale)) : ''}
    ${deadline ? row(f.deadline, html`<span data-deadline>${deadlineValue}</span>`) : ''}
    ${request.finishedAt ? row(r.finishedAt, longDate(request.finishedAt, locale)) : ''}
  </dl>`;
}

function schoolLabel(school: { name: string; skolonId: string }): SafeHtml {
  return html`${school.name} <span class="muted">(${school.skolonId})</span>`;
}

function answerSection(ctx: PageContext, request: LicenseRequestView): SafeHtml {
  const r = ctx.t.request;
  const answers = ctx.t.responses;
  return html`<section class="card answer" aria-labelledby="answer-h">
    <h2 id="answer-h">${r.answerTitle}</h2>
    <p>${r.answerIntro}</p>
    <form method="get" action="${requestPath(request.id)}/confirm" data-confirm-answer>
      <fieldset>
        <legend>${r.licensedLegend}</legend>
        ${request.schools.map(
          (s, i) =>
            html`<div class="check">
              <input type="checkbox" id="licensed-${i}" name="schools" value="${s.skolonId}" checked />
              <label for="licensed-${i}">${schoolLabel(s)}</label>
            </div>`,
        )}
      </fieldset>
      <div class="answer-buttons">
        <button type="submit" name="response" value="YES" class="yes">${answers.YES}</button>
        <button type="submit" name="response" value="NO" class="no">${answers.NO}</button>
      </div>
    </form>
    <dialog id="confirm-dialog" aria-labelledby="confirm-h"></dialog>
  </section>`;
}

function assignSection(ctx: PageContext, request: LicenseRequestView, formKey: string): SafeHtml {
  const r = ctx.t.request;
  const { licensed, assigned } = assignmentProgress(request);
  const pending = request.schools.filter((s) => s.assignment === 'PENDING');
  const open = request.status === 'AWAITING_ASSIGNMENT' || request.status === 'OVERDUE';
  return html`<section class="card assign" aria-labelledby="assign-h">
    <h2 id="assign-h">${r.assignTitle}</h2>
    <p class="progress-line">
      <label for="assign-progress" id="assign-progress-label">${r.progress(assigned, licensed)}</label>
      <progress id="assign-progress" max="${licensed}" value="${assigned}">${assigned} / ${licensed}</progress>
    </p>
    ${request.status === 'COMPLETED' ? html`<p class="result done" data-result>${r.completed}</p>` : ''}
    ${
      open && pending.length > 0
        ? html`<p>${r.assignIntro}</p>
            <form method="post" action="${requestPath(request.id)}/assignments">
              ${csrfField(ctx.csrfToken)}
              <input type="hidden" name="formKey" value="${formKey}" />
              <fieldset>
                <legend>${r.pendingLegend}</legend>
                <div class="check select-all" hidden>
                  <input type="checkbox" id="assign-all-toggle" data-select-all />
                  <label for="assign-all-toggle">${r.selectAll}</label>
                </div>
                ${pending.map(
                  (s, i) =>
                    html`<div class="check">
                      <input type="checkbox" id="assign-${i}" name="schools" value="${s.skolonId}" />
                      <label for="assign-${i}">${schoolLabel(s)}</label>
                    </div>`,
                )}
              </fieldset>
              <div class="buttons">
                <button type="submit">${r.assignSelected}</button>
                <button type="submit" name="all" value="1" class="secondary">${r.assignAll}</button>
              </div>
            </form>`
        : ''
    }
  </section>`;
}

/**
 * What support changed, and why: the latest extension while the deadline still applies, and the
 * reopening while the request waits for the new answer (the history keeps both for good).
 */
function exceptionNotices(ctx: PageContext, request: LicenseRequestView): SafeHtml {
  const { t, locale } = ctx;
  const { extension, reopening } = supportExceptions(request);
  const open = request.status === 'AWAITING_ASSIGNMENT' || request.status === 'OVERDUE';
  return html`${
    extension && open
      ? html`<div class="flash flash-info" role="status" data-extension>
          <p>
            ${t.request.extended(extension.from && longDate(extension.from, locale), longDate(extension.to, locale))}
          </p>
          ${extension.reason ? html`<p data-reason>${t.request.reason(extension.reason)}</p>` : ''}
        </div>`
      : ''
  }${
    reopening && request.status === 'AWAITING_ANSWER'
      ? html`<div class="flash flash-info" role="status" data-reopened>
          <p>${t.request.reopened(longDate(reopening.at, locale))}</p>
          ${reopening.reason ? html`<p data-reason>${t.request.reason(reopening.reason)}</p>` : ''}
        </div>`
      : ''
  }`;
}

export function requestPage(ctx: PageContext, { request, now, formKey, people }: RequestPageData): string {
  const { t, locale } = ctx;
  const r = t.request;
  const f = t.facts;
  const deadline = deadlineState(request, now);
  const outcome = request.status === 'DECLINED' ? r.declined : request.status === 'WITHDRAWN' ? r.withdrawn : undefined;
  return layout(
    ctx,
    request.organisation.name,
    html`<p class="breadcrumb"><a href="/portal/">${r.allRequests}</a></p>
      <h1>${request.organisation.name}</h1>
      ${deadline?.overdue ? html`<div class="flash flash-error overdue-banner" role="alert">${r.overdueBanner(longDate(deadline.deadline, locale))}</div>` : ''}
      ${outcome ? html`<p class="result" data-result>${outcome}</p>` : ''} ${exceptionNotices(ctx, request)}
      <section aria-labelledby="facts-h">
        <h2 id="facts-h" class="visually-hidden">${r.facts}</h2>
        ${facts(ctx, request, now)}
      </section>
      ${request.status === 'AWAITING_ANSWER' ? answerSection(ctx, request) : ''}
      ${request.response === 'YES' && request.status !== 'WITHDRAWN' ? assignSection(ctx, request, formKey) : ''}
      <section aria-labelledby="schools-h">
        <h2 id="schools-h">${f.schools}</h2>
        <table class="stack schools">
          <thead>
            <tr>
              <th scope="col">${r.schoolName}</th>
              <th scope="col">${f.skolonId}</th>
              <th scope="col">${r.assignment}</th>
            </tr>
          </thead>
          <tbody>
            ${request.schools.map(
              (s) =>
                html`<tr data-school="${s.skolonId}">
                  <th scope="row" data-label="${r.schoolName}">${s.name}</th>
                  <td data-label="${f.skolonId}"><code>${s.skolonId}</code></td>
                  <td data-label="${r.assignment}">${assignmentBadge(t, s.assignment)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="contacts-h">
        <h2 id="contacts-h">${r.contacts}</h2>
        <ul class="contacts">
          ${request.contacts.map((c) => html`<li>${c.name} – <a href="mailto:${c.email}">${c.email}</a></li>`)}
        </ul>
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">${r.history}</h2>
        <table class="stack history">
          <thead>
            <tr>
              <th scope="col">${r.when}</th>
              <th scope="col">${r.what}</th>
            </tr>
          </thead>
          <tbody>
            ${request.history.map((event) => {
              const line = describeEvent(event, request, t, locale, people);
              return html`<tr>
                <td data-label="${r.when}"><time datetime="${event.at}">${line.when}</time></td>
                <td data-label="${r.what}">${line.what}</td>
              </tr>`;
            })}
          </tbody>
        </table>
      </section>`,
    'requests',
  );
}

// --- Confirming an answer -----------------------------------------------------------------------

export type ConfirmData =
  | {
      ok: true;
      request: LicenseRequestView;
      response: 'YES' | 'NO';
      /** With YES: the schools named as holding licenses. */
      schools: string[];
      now: Date;
      formKey: string;
      /** A mail's YES/NO link (no session): where the form goes, its own CSRF token, and the address the mail went to. */
      mailLink?: { action: string; csrfToken: string; sentTo: string };
    }
  | { ok: false; request: LicenseRequestView; message: string };

/**
 * What happens next, before the answer is sent: a page of its own without JavaScript, and the
 * content of the dialog with it (portal.js fetches this page and shows its [data-confirmation]).
 */
export function confirmSection(ctx: PageContext, data: ConfirmData): SafeHtml {
  const { t, locale } = ctx;
  const c = t.confirm;
  const back = requestPath(data.request.id);
  if (!data.ok) {
    return html`<section data-confirmation class="confirmation" aria-labelledby="confirm-h">
      <h2 id="confirm-h">${t.errors.title}</h2>
      <p class="flash flash-error" role="alert">${data.message}</p>
      <p><a href="${back}" class="button secondary" data-cancel>${c.cancel}</a></p>
    </section>`;
  }
  const { request, response } = data;
  const chosen = new Set(data.schools);
  let body: SafeHtml;
  if (response === 'YES') {
    const licensed = request.schools.filter((s) => chosen.has(s.skolonId));
    const notLicensed = request.schools.filter((s) => !chosen.has(s.skolonId));
    const preview = yesPreview(request, data.now);
    body = html`<p>${c.yesSchools(licensed.length, request.schools.length)}</p>
      <ul>
        ${licensed.map((s) => html`<li>${s.name}</li>`)}
      </ul>
      ${notLicensed.length > 0 ? html`<p>${c.notLicensed(notLicensed.map((s) => s.name))}</p>` : ''}
      <p class="next">
        <strong>${c.yesNext(longDate(preview.deadlineDate, locale), preview.desiredIsEarlier)}</strong>
      </p>`;
  } else {
    body = html`<p class="next"><strong>${c.noNext(request.organisation.name)}</strong></p>`;
  }
  const { mailLink } = data;
  return html`<section data-confirmation class="confirmation" aria-labelledby="confirm-h">
    <h2 id="confirm-h">${response === 'YES' ? c.titleYes : c.titleNo}</h2>
    ${mailLink ? html`<p>${t.answerLink.intro(mailLink.sentTo)}</p>` : ''} ${body}
    ${mailLink && response === 'YES' ? html`<p>${t.answerLink.someSchools}</p>` : ''}
    <form method="post" action="${mailLink?.action ?? `${back}/answer`}">
      ${csrfField(mailLink?.csrfToken ?? ctx.csrfToken)}
      <input type="hidden" name="formKey" value="${data.formKey}" />
      <input type="hidden" name="response" value="${response}" />
      ${response === 'YES' ? data.schools.map((id) => html`<input type="hidden" name="schools" value="${id}" />`) : ''}
      <div class="buttons">
        <button type="submit" class="${response === 'YES' ? 'yes' : 'no'}" data-confirm>
          ${response === 'YES' ? c.confirmYes : c.confirmNo}
        </button>
        ${mailLink ? '' : html`<a href="${back}" class="button secondary" data-cancel>${c.cancel}</a>`}
      </div>
    </form>
  </section>`;
}

export function confirmPage(ctx: PageContext, data: ConfirmData): string {
  return layout(
    ctx,
    data.ok ? (data.response === 'YES' ? ctx.t.confirm.titleYes : ctx.t.confirm.titleNo) : ctx.t.errors.title,
    html`<p class="breadcrumb"><a href="/portal/">${ctx.t.request.allRequests}</a></p>
      <h1>${data.request.organisation.name}</h1>
      ${confirmSection(ctx, data)}`,
    'requests',
  );
}

// --- A mail's YES and NO links -----------------------------------------------------------------

/** After a mail link answered: what was answered, the request's status, and the way into the portal. */
export function answerLinkDonePage(ctx: PageContext, data: { request: LicenseRequestView; message: string }): string {
  const { t } = ctx;
  const { request } = data;
  return layout(
    ctx,
    t.answerLink.doneTitle,
    html`<h1>${t.answerLink.doneTitle}</h1>
      <p class="flash flash-success" role="status">${data.message}</p>
      <p>
        ${request.organisation.name}:
        <span class="badge status-${request.status.toLowerCase()}" data-status="${request.status}"
          >${t.statuses[request.status]}</span
        >
      </p>
      <p><a href="${requestPath(request.id)}" class="button">${t.answerLink.signIn}</a></p>`,
  );
}

/** A forged, used, expired or answered-already link: what to do now (sign in, or ask support). */
export function answerLinkInvalidPage(ctx: PageContext, message: string): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.answerLink.invalidTitle,
    html`<h1>${t.answerLink.invalidTitle}</h1>
      <p class="flash flash-error" role="alert">${message}</p>
      <p><a href="/portal/sign-in?lang=${ctx.locale}" class="button">${t.answerLink.signIn}</a></p>`,
  );
}

// --- Settings -----------------------------------------------------------------------------------

/** The Settings page's webhook part: what is set, a secret to show once, and a refusal of the form. */
export interface WebhookSettings {
  webhook: WebhookView | null;
  secret?: { value: string; rotated: boolean };
  /** The URL as typed, with why it was refused. */
  refused?: { url: string; message: string };
}

/** The partner's settings are its admins' to change (controllers.ts refuses anyone else's forms). */
const isAdmin = (ctx: PageContext) => ctx.user?.role === 'admin';

function webhookSection(ctx: PageContext, settings: WebhookSettings): SafeHtml {
  const w = ctx.t.settings.webhook;
  const { webhook, secret, refused } = settings;
  const admin = isAdmin(ctx);
  return html`<section class="card" aria-labelledby="webhook-title" id="webhook">
    <h2 id="webhook-title">${w.title}</h2>
    <p>${w.intro}</p>
    ${
      secret
        ? html`<div class="flash flash-info" role="status" id="webhook-secret">
            <p>${w.secretOnce}${secret.rotated ? html` ${w.rotatedOverlap}` : ''}</p>
            <p><code>${secret.value}</code></p>
          </div>`
        : ''
    }
    ${webhook?.disabled ? html`<div class="flash flash-error" role="alert">${w.disabled(webhook.disabled.reason)}</div>` : ''}
    ${refused ? html`<div class="flash flash-error" role="alert" id="webhook-error">${refused.message}</div>` : ''}
    ${admin ? webhookForm(ctx, settings) : webhookReadOnly(ctx, webhook)}
    ${
      webhook
        ? html`${
              admin
                ? html`<form method="post" action="/portal/settings/webhook/secret">
                      ${csrfField(ctx.csrfToken)}<button type="submit">${w.rotate}</button>
                    </form>
                    <form method="post" action="/portal/settings/webhook/remove">
                      ${csrfField(ctx.csrfToken)}<button type="submit" class="secondary">${w.remove}</button>
                    </form>`
                : ''
            }
            <h3>${w.deliveries}</h3>
            ${webhookDeliveries(ctx, webhook.deliveries)}`
        : ''
    }
  </section>`;
}

/** The webhook's form (an admin's): its URL and the events it wants. */
function webhookForm(ctx: PageContext, { webhook, refused }: WebhookSettings): SafeHtml {
  const w = ctx.t.settings.webhook;
  const chosen = new Set<string>(webhook?.events ?? WEBHOOK_EVENT_TYPES);
  return html`<form method="post" action="/portal/settings/webhook">
    ${csrfField(ctx.csrfToken)}
    <label for="webhook-url">${w.url}</label>
    <input
      type="url"
      id="webhook-url"
      name="url"
      value="${refused?.url ?? webhook?.url ?? ''}"
      required
      ${refused ? html`aria-invalid="true" aria-describedby="webhook-error" autofocus` : ''}
    />
    <fieldset>
      <legend>${w.events}</legend>
      ${WEBHOOK_EVENT_TYPES.map(
        (type, i) =>
          html`<div class="check">
            <input
              type="checkbox"
              id="webhook-event-${String(i)}"
              name="events"
              value="${type}"
              ${chosen.has(type) ? html`checked` : ''}
            />
            <label for="webhook-event-${String(i)}"><code>${type}</code></label>
          </div>`,
      )}
    </fieldset>
    <button type="submit">${w.save}</button>
  </form>`;
}

/** The webhook as a member sees it: where the events go and which, and who may change that. */
function webhookReadOnly(ctx: PageContext, webhook: WebhookView | null): SafeHtml {
  const w = ctx.t.settings.webhook;
  return html`${
      webhook
        ? html`<dl class="webhook-set">
            <dt>${w.url}</dt>
            <dd><code>${webhook.url}</code></dd>
            <dt>${w.events}</dt>
            <dd>${webhook.events.map((type) => html`<code>${type}</code> `)}</dd>
          </dl>`
        : ''
    }
    <p class="muted">${ctx.t.settings.adminsOnly}</p>`;
}

/** The webhook's recent deliveries, each with a button to send it again (open to everyone: it changes nothing). */
function webhookDeliveries(ctx: PageContext, deliveries: WebhookView['deliveries']): SafeHtml {
  const w = ctx.t.settings.webhook;
  if (deliveries.length === 0) return html`<p>${w.noDeliveries}</p>`;
  return html`<table class="deliveries">
    <thead>
      <tr>
        <th scope="col">${w.columns.event}</th>
        <th scope="col">${w.columns.time}</th>
        <th scope="col">${w.columns.status}</th>
        <th scope="col">${w.columns.httpStatus}</th>
        <th scope="col">${w.columns.latency}</th>
        <th scope="col">${w.columns.attempts}</th>
        <th scope="col"></th>
      </tr>
    </thead>
    <tbody>
      ${deliveries.map(
        (d) =>
          html`<tr>
            <td><code>${d.event}</code></td>
            <td>${dateTime(d.lastAttemptAt ?? d.createdAt)}</td>
            <td>${w.deliveryStatuses[d.status]}</td>
            <td>${d.httpStatus === null ? '–' : String(d.httpStatus)}</td>
            <td>${d.latencyMs === null ? '–' : `${d.latencyMs} ms`}</td>
            <td>${String(d.attempts)}</td>
            <td>
              <form method="post" action="/portal/settings/webhook/deliveries/${encodeURIComponent(d.id)}/redeliver">
                ${csrfField(ctx.csrfToken)}<button type="submit" class="link">${w.redeliver}</button>
              </form>
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The Settings page's people: who they are, and for an admin the forms to add and remove them. */
export interface PeopleSettings {
  users: PartnerUserView[];
  /** The add form as typed, with why it was refused. */
  refused?: { email: string; name: string; role: string; message: string };
}

function peopleSection(ctx: PageContext, people: PeopleSettings): SafeHtml {
  const p = ctx.t.people;
  const admin = isAdmin(ctx);
  const { refused } = people;
  return html`<section class="card" aria-labelledby="people-title" id="people">
    <h2 id="people-title">${p.title}</h2>
    <p>${p.intro}${admin ? '' : html` ${p.membersOnly}`}</p>
    ${refused ? html`<div class="flash flash-error" role="alert" id="people-error">${refused.message}</div>` : ''}
    <table class="stack people">
      <thead>
        <tr>
          <th scope="col">${p.columns.name}</th>
          <th scope="col">${p.columns.email}</th>
          <th scope="col">${p.columns.role}</th>
          ${admin ? html`<th scope="col"></th>` : ''}
        </tr>
      </thead>
      <tbody>
        ${people.users.map(
          (u) =>
            html`<tr data-user="${u.email}">
              <th scope="row" data-label="${p.columns.name}">
                ${u.name} ${u.email === ctx.user?.email ? html`<span class="muted">${p.you}</span>` : ''}
              </th>
              <td data-label="${p.columns.email}">${u.email}</td>
              <td data-label="${p.columns.role}">${p.roles[u.role]}</td>
              ${
                admin
                  ? html`<td>
                      <form method="post" action="/portal/settings/people/remove" class="inline">
                        ${csrfField(ctx.csrfToken)}
                        <input type="hidden" name="email" value="${u.email}" />
                        <button type="submit" class="link">${p.remove(u.name)}</button>
                      </form>
                    </td>`
                  : ''
              }
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      admin
        ? html`<h3>${p.inviteTitle}</h3>
            <form method="post" action="/portal/settings/people">
              ${csrfField(ctx.csrfToken)}
              <label for="person-name">${p.name}</label>
              <input
                type="text"
                id="person-name"
                name="name"
                value="${refused?.name ?? ''}"
                required
                maxlength="200"
                autocomplete="off"
              />
              <label for="person-email">${p.email}</label>
              <input
                type="email"
                id="person-email"
                name="email"
                value="${refused?.email ?? ''}"
                required
                autocomplete="off"
                ${refused ? html`aria-invalid="true" aria-describedby="people-error" autofocus` : ''}
              />
              <label for="person-role">${p.role}</label>
              <select id="person-role" name="role">
                ${(['member', 'admin'] as const).map(
                  (r) =>
                    html`<option value="${r}" ${(refused?.role ?? 'member') === r ? html`selected` : ''}>
                      ${p.roles[r]}
                    </option>`,
                )}
              </select>
              <button type="submit">${p.invite}</button>
            </form>`
        : ''
    }
  </section>`;
}

export function settingsPage(
  ctx: PageContext,
  values: { notificationEmail: string; locale: string },
  error?: { field: 'notificationEmail' | 'locale' | 'form'; message: string },
  webhook: WebhookSettings = { webhook: null },
  people: PeopleSettings = { users: [] },
): string {
  const { t } = ctx;
  const s = t.settings;
  const emailError = error?.field === 'notificationEmail';
  const admin = isAdmin(ctx);
  return layout(
    ctx,
    s.title,
    html`<h1>${s.title}</h1>
      ${error ? html`<div class="flash flash-error" role="alert" id="settings-error">${error.message}</div>` : ''}
      <p>${s.intro}</p>
      <form method="post" action="/portal/settings" class="card narrow">
        ${csrfField(ctx.csrfToken)}
        <fieldset class="plain" ${admin ? '' : html`disabled`}>
          <label for="notification-email">${s.email}</label>
          <input
            type="email"
            id="notification-email"
            name="notificationEmail"
            value="${values.notificationEmail}"
            required
            autocomplete="email"
            ${emailError ? html`aria-invalid="true" aria-describedby="settings-error" autofocus` : ''}
          />
          <label for="locale">${s.language}</label>
          <select id="locale" name="locale">
            ${LOCALES.map(
              (l) =>
                html`<option value="${l}" lang="${l}" ${values.locale === l ? html`selected` : ''}>
                  ${catalogue(l).languageName}
                </option>`,
            )}
          </select>
        </fieldset>
        ${admin ? html`<button type="submit">${s.save}</button>` : html`<p class="muted">${s.adminsOnly}</p>`}
      </form>
      ${peopleSection(ctx, people)} ${webhookSection(ctx, webhook)}`,
    'settings',
  );
}

// --- Errors -------------------------------------------------------------------------------------

export function errorPage(ctx: PageContext, message: string): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.errors.title,
    html`<h1>${t.errors.title}</h1>
      <p class="flash flash-error" role="alert">${message}</p>
      <p><a href="/portal/">${t.errors.back}</a></p>`,
  );
}

/** A school's assignment as a badge: the request page's and the status page's school tables. */
export function assignmentBadge(t: Catalogue, assignment: Assignment): SafeHtml {
  return html`<span class="badge assignment-${assignment.toLowerCase()}" data-assignment="${assignment}"
    >${t.assignments[assignment]}</span
  >`;
}
