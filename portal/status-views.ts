/**
 * The organisation's status page and its plain not-found page: the portal's look (its stylesheet,
 * no script), server-rendered and escaped by `html`, in the reader's language with a link to the
 * other one. Nothing here is a form: the page only reads.
 */
import type { Locale } from '../domain/locale';
import { LOCALES } from '../domain/locale';
import { catalogue, describeContactEvent, longDate, type Catalogue, type MailWords } from '../i18n';
import type { StatusPageView } from '../services/status-pages';
import { html, type HtmlValue, type SafeHtml } from './html';
import { assignmentBadge } from './views';

export interface StatusPageContext {
  t: Catalogue;
  locale: Locale;
}

function languageSwitch(locale: Locale): SafeHtml {
  // A relative link: the same page (the token stays where it is) in the other language.
  return html`${LOCALES.filter((l) => l !== locale).map(
    (l) => html`<a href="?lang=${l}" lang="${l}" hreflang="${l}">${catalogue(l).languageName}</a>`,
  )}`;
}

function layout(ctx: StatusPageContext, title: string, body: HtmlValue, options: { languages: boolean }): string {
  const { t } = ctx;
  return html`<!doctype html>
    <html lang="${t.htmlLang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>${title} – Skolon ${t.statusPage.appName}</title>
        <link rel="stylesheet" href="/portal/static/portal.css" />
      </head>
      <body>
        <a class="skip" href="#main">${t.skipToContent}</a>
        <header class="top">
          <p class="brand"><span class="logo">Skolon</span> ${t.statusPage.appName}</p>
          ${options.languages ? html`<div class="account">${languageSwitch(ctx.locale)}</div>` : ''}
        </header>
        <main id="main" tabindex="-1">${body}</main>
      </body>
    </html> `.value;
}

export function statusPage(ctx: StatusPageContext, request: StatusPageView): string {
  const { t, locale } = ctx;
  const s = t.statusPage;
  const r = t.request;
  const f = t.facts;
  const words: MailWords = {
    organisation: request.organisation.name,
    partner: request.partner.name,
    deadline: request.deadline ? longDate(request.deadline, locale) : '',
  };
  const row = (label: string, value: HtmlValue) =>
    html`<div>
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
  return layout(
    ctx,
    request.organisation.name,
    html`<h1>${request.organisation.name}</h1>
      <p>${s.intro(words)}</p>
      <section aria-labelledby="facts-h">
        <h2 id="facts-h" class="visually-hidden">${r.facts}</h2>
        <dl class="facts">
          ${row(f.organisation, html`<span data-organisation>${request.organisation.name}</span>`)}
          ${row(s.partner, html`<span data-partner>${request.partner.name}</span>`)}
          ${row(
            f.status,
            html`<span class="badge status-${request.status.toLowerCase()}" data-status="${request.status}"
              >${s.statuses[request.status]}</span
            >`,
          )}
          ${row(
            f.deadline,
            html`<span data-deadline="${request.deadline ?? ''}"
              >${request.deadline ? longDate(request.deadline, locale) : s.noDeadlineYet}</span
            >`,
          )}
          ${row(
            f.desiredAvailability,
            request.desiredAvailability ? longDate(request.desiredAvailability, locale) : f.notGiven,
          )}
          ${row(s.sent, longDate(request.createdAt, locale))}
        </dl>
      </section>
      <p class="result" data-explained>${s.explained[request.status](words)}</p>
      <section aria-labelledby="schools-h">
        <h2 id="schools-h">${f.schools}</h2>
        <table class="stack schools">
          <thead>
            <tr>
              <th scope="col">${r.schoolName}</th>
              <th scope="col">${r.assignment}</th>
            </tr>
          </thead>
          <tbody>
            ${request.schools.map(
              (school) =>
                html`<tr data-school="${school.skolonId}">
                  <th scope="row" data-label="${r.schoolName}">${school.name}</th>
                  <td data-label="${r.assignment}">${assignmentBadge(t, school.assignment)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
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
            ${request.history.map((entry) => {
              const line = describeContactEvent(entry, request, t, locale);
              return html`<tr data-event="${entry.event}">
                <td data-label="${r.when}"><time datetime="${entry.at}">${line.when}</time></td>
                <td data-label="${r.what}">
                  ${line.what}${line.reason ? html`<br /><span class="muted">${line.reason}</span>` : ''}
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </section>
      <p class="hint">${s.footer}</p>`,
    { languages: true },
  );
}

/** A page with one message and no more: not found, too many wrong tokens, the service away. */
function messagePage(ctx: StatusPageContext, title: string, message: string): string {
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
      <p>${message}</p>`,
    { languages: false },
  );
}

/** Wrong, malformed or unknown token, and any other path: the same plain page, saying nothing more. */
export function statusNotFoundPage(ctx: StatusPageContext): string {
  return messagePage(ctx, ctx.t.statusPage.notFoundTitle, ctx.t.statusPage.notFound);
}

/** Too many wrong tokens from one address. */
export function statusTooManyPage(ctx: StatusPageContext, minutes: number): string {
  return messagePage(ctx, ctx.t.errors.title, ctx.t.statusPage.tooManyAttempts(minutes));
}

/** The database or something else of ours failed: no detail, try again. */
export function statusErrorPage(ctx: StatusPageContext): string {
  return messagePage(ctx, ctx.t.errors.title, ctx.t.errors.unavailable);
}
