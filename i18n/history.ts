/**
 * A request's history as a person reads it: when (Stockholm time) and what happened, in their
 * language, with school names in place of ids. Details come from stored JSON, so odd or missing
 * ones give a shorter line, never a broken page.
 */
import type { Locale } from '../domain/locale';
import type { Catalogue } from './catalogue';
import { dateTime, longDate } from './format';

/** One history row as stored: the event's name and its JSON detail. */
export interface HistoryEntry {
  at: string;
  event: string;
  detail: unknown;
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/**
 * `people`: the names of the partner's people by e-mail address, for the events a person did in
 * the portal (`detail.by.user`); someone no longer among them is named by their address.
 */
export function describeEvent(
  event: HistoryEntry,
  request: { schools: ReadonlyArray<{ skolonId: string; name: string }> },
  t: Catalogue,
  locale: Locale,
  people: ReadonlyMap<string, string> = new Map(),
): { when: string; what: string } {
  const detail = record(event.detail);
  const names = new Map(request.schools.map((s) => [s.skolonId, s.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const e = t.events;
  let what: string;
  switch (event.event) {
    case 'CREATED':
      what = e.CREATED(typeof detail.numberOfSchools === 'number' ? detail.numberOfSchools : request.schools.length);
      break;
    case 'ANSWERED':
      what =
        detail.response === 'NO'
          ? e.ANSWERED_NO
          : e.ANSWERED_YES(
              Array.isArray(detail.licensedSchools) ? strings(detail.licensedSchools).length : request.schools.length,
              request.schools.length,
            );
      break;
    case 'DEADLINE_SET':
      what =
        typeof detail.deadlineDate === 'string' ? e.DEADLINE_SET(longDate(detail.deadlineDate, locale)) : event.event;
      break;
    case 'SCHOOLS_ASSIGNED':
      what = e.SCHOOLS_ASSIGNED(strings(detail.schools).map(nameOf));
      break;
    case 'COMPLETED':
    case 'OVERDUE':
    case 'WITHDRAWN':
      what = e[event.event];
      break;
    case 'REMINDER_SKIPPED':
      what = e.REMINDER_SKIPPED(typeof detail.reason === 'string' ? detail.reason : '');
      break;
    case 'DEADLINE_EXTENDED':
      what =
        typeof detail.to === 'string'
          ? e.DEADLINE_EXTENDED(longDate(detail.to, locale), typeof detail.reason === 'string' ? detail.reason : '')
          : event.event;
      break;
    case 'REOPENED':
      what = e.REOPENED(typeof detail.reason === 'string' ? detail.reason : '');
      break;
    case 'NOTIFICATION_RESENT':
      what = e.NOTIFICATION_RESENT;
      break;
    case 'PARTNER_NOTIFIED':
    case 'PARTNER_REMINDED':
    case 'ESCALATED_TO_SUPPORT':
    case 'CONTACTS_NOTIFIED':
    case 'MAIL_FAILED': {
      // Mail: to whom it went (or did not).
      const to = strings(detail.to);
      what = to.length > 0 ? `${e[event.event]}: ${to.join(', ')}` : e[event.event];
      break;
    }
    default:
      what = event.event;
  }
  const by = record(detail.by);
  if (typeof by.user === 'string' && by.user) what = `${what} (${e.by(people.get(by.user) ?? by.user)})`;
  else if (by.via === 'mail-link' && typeof by.to === 'string' && by.to) {
    // The mail went to one of the partner's people (the notification address is its first admin): name them.
    // (A person named by their address only, as a partner's first admin is, is not named twice.)
    const person = people.get(by.to.toLowerCase());
    const named = person && person.toLowerCase() !== by.to.toLowerCase();
    what = `${what} (${named ? `${e.by(person)}, ` : ''}${e.byMailLink(by.to)})`;
  }
  return { when: dateTime(event.at), what };
}
