/**
 * The organisation's view of a request's history (domain/status-page.ts picks what it may see) as
 * sentences in the reader's language: when (Stockholm time) and what, with school names for ids.
 */
import type { Locale } from '../domain/locale';
import type { ContactHistoryEntry } from '../domain/status-page';
import type { Catalogue } from './catalogue';
import { dateTime, longDate } from './format';

export function describeContactEvent(
  entry: ContactHistoryEntry,
  request: { schools: ReadonlyArray<{ skolonId: string; name: string }> },
  t: Catalogue,
  locale: Locale,
): { when: string; what: string; reason?: string } {
  const e = t.statusPage.events;
  const names = new Map(request.schools.map((s) => [s.skolonId, s.name]));
  const total = request.schools.length;
  let what: string;
  let reason: string | null = null;
  switch (entry.event) {
    case 'CREATED':
      what = e.CREATED(entry.numberOfSchools ?? total);
      break;
    case 'ANSWERED':
      what = entry.response === 'NO' ? e.ANSWERED_NO : e.ANSWERED_YES(entry.licensedSchools?.length ?? total, total);
      break;
    case 'DEADLINE_SET':
      what = entry.deadlineDate ? e.DEADLINE_SET(longDate(entry.deadlineDate, locale)) : t.facts.deadline;
      break;
    case 'SCHOOLS_ASSIGNED':
      what = e.SCHOOLS_ASSIGNED(entry.schools.map((id) => names.get(id) ?? id));
      break;
    case 'DEADLINE_EXTENDED':
      what = entry.to ? e.DEADLINE_EXTENDED(longDate(entry.to, locale)) : t.facts.deadline;
      reason = entry.reason;
      break;
    case 'REOPENED':
      what = e.REOPENED;
      reason = entry.reason;
      break;
    default:
      what = e[entry.event];
  }
  return { when: dateTime(entry.at), what, ...(reason !== null && { reason: e.reason(reason) }) };
}
