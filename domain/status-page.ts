/**
 * What an organisation's contacts may see of their request's history on its status page: what
 * happened to the request, never who at the partner did it, nor anything about mail, reminders or
 * failures (the partner's and operators' business). Each event is reduced to the fields a contact
 * reads; stored details that are odd or missing give a shorter line, never a broken page.
 */
import type { IsoDate } from './working-days';

export type ContactEvent =
  | { event: 'CREATED'; numberOfSchools: number | null }
  | { event: 'ANSWERED'; response: 'YES'; licensedSchools: string[] | null }
  | { event: 'ANSWERED'; response: 'NO' }
  | { event: 'DEADLINE_SET'; deadlineDate: IsoDate | null }
  | { event: 'SCHOOLS_ASSIGNED'; schools: string[] }
  | { event: 'OVERDUE' }
  | { event: 'DEADLINE_EXTENDED'; to: IsoDate | null; reason: string | null }
  | { event: 'REOPENED'; reason: string | null }
  | { event: 'COMPLETED' }
  | { event: 'WITHDRAWN' };

export type ContactHistoryEntry = ContactEvent & { at: string };

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const strings = (value: unknown): string[] | null =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null;
/** A deadline as its date: DEADLINE_EXTENDED's `to` may be a date or the deadline instant. */
const isoDate = (value: unknown): IsoDate | null =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.slice(0, 10)) ? value.slice(0, 10) : null;

/** One stored event as a contact may see it, or undefined when it is not theirs to see. */
export function contactEvent(event: string, detail: unknown): ContactEvent | undefined {
  const d = record(detail);
  switch (event) {
    case 'CREATED':
      return { event, numberOfSchools: typeof d.numberOfSchools === 'number' ? d.numberOfSchools : null };
    case 'ANSWERED':
      if (d.response === 'NO') return { event, response: 'NO' };
      if (d.response === 'YES') return { event, response: 'YES', licensedSchools: strings(d.licensedSchools) };
      return undefined;
    case 'DEADLINE_SET':
      return { event, deadlineDate: isoDate(d.deadlineDate) ?? isoDate(d.deadline) };
    case 'SCHOOLS_ASSIGNED':
      return { event, schools: strings(d.schools) ?? [] };
    case 'DEADLINE_EXTENDED':
      return { event, to: isoDate(d.to), reason: text(d.reason) };
    case 'REOPENED':
      return { event, reason: text(d.reason) };
    case 'OVERDUE':
    case 'COMPLETED':
    case 'WITHDRAWN':
      return { event };
    default:
      // Mail sent or failed, reminders skipped, notifications resent, and whatever comes later:
      // not the organisation's to see until someone decides it is.
      return undefined;
  }
}

/** The history as a contact sees it, in the order it happened. */
export function contactHistory(
  history: ReadonlyArray<{ at: string; event: string; detail: unknown }>,
): ContactHistoryEntry[] {
  return history.flatMap((h) => {
    const seen = contactEvent(h.event, h.detail);
    return seen ? [{ ...seen, at: h.at }] : [];
  });
}
