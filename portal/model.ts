/**
 * What the portal's pages say about a request's dates: days left, overdue, and (before an answer)
 * the deadline a YES now would get. The rules are the domain's (domain/license-request.ts), on
 * Sweden's working days; the real deadline is set by the workflow when the YES arrives.
 */
import { deadlineIfAnsweredNow, deadlineStanding, type DeadlineStanding } from '../domain/license-request';
import { swedishCalendar, type IsoDate } from '../domain/working-days';
import type { HistoryEventView, LicenseRequestView } from '../db/repositories/license-requests';
import { dateTime, longDate, type Locale, type Strings } from './i18n';

export type DeadlineState = DeadlineStanding;

export function deadlineState(
  request: Pick<LicenseRequestView, 'deadline' | 'status'>,
  now: Date,
): DeadlineState | undefined {
  return deadlineStanding(swedishCalendar, request, now);
}

/** The deadline a YES given now would get, and whether the desired date makes it earlier than five working days. */
export function yesPreview(
  request: Pick<LicenseRequestView, 'desiredAvailability'>,
  now: Date,
): { deadlineDate: IsoDate; desiredIsEarlier: boolean } {
  return deadlineIfAnsweredNow(swedishCalendar, request.desiredAvailability, now);
}

/** Progress of the assignments: licensed schools (not NOT_LICENSED) and how many of them are assigned. */
export function assignmentProgress(request: Pick<LicenseRequestView, 'schools'>): {
  licensed: number;
  assigned: number;
} {
  const licensed = request.schools.filter((s) => s.assignment !== 'NOT_LICENSED');
  return { licensed: licensed.length, assigned: licensed.filter((s) => s.assignment === 'ASSIGNED').length };
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** One line of the request's history, for a person: when, and what happened in their language. */
export function describeEvent(
  event: HistoryEventView,
  request: Pick<LicenseRequestView, 'schools'>,
  t: Strings,
  locale: Locale,
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
  return { when: dateTime(event.at), what };
}
