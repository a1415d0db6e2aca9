/**
 * What the portal's pages say about a request's dates: days left, overdue, and (before an answer)
 * the deadline a YES now would get. The rules are the domain's (domain/license-request.ts), on
 * Sweden's working days; the real deadline is set by the workflow when the YES arrives.
 */
import { deadlineIfAnsweredNow, deadlineStanding, type DeadlineStanding } from '../domain/license-request';
import { swedishCalendar, type IsoDate } from '../domain/working-days';
import type { LicenseRequestView } from '../services/license-request-view';

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
