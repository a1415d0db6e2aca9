/**
 * What the portal's pages say about a request's dates, from the stored deadline and the domain's
 * working-day calendar: days left, overdue, and (before an answer) the deadline a YES now would get.
 * The real deadline is set by the workflow when the YES arrives; the preview uses the same rule.
 */
import {
  ASSIGNMENT_WORKING_DAYS,
  stockholmDate,
  stockholmToday,
  swedishCalendar,
  type IsoDate,
} from '../domain/working-days';
import type { LicenseRequestView } from '../api/services/license-request-view';

export interface DeadlineState {
  deadline: string;
  deadlineDate: IsoDate;
  /** Still to be met (AWAITING_ASSIGNMENT or OVERDUE). */
  open: boolean;
  overdue: boolean;
  /** Working days after today up to the deadline date (0: the deadline is today); when open and not overdue. */
  workingDaysLeft?: number;
  /** Working days since the deadline date, when overdue. */
  workingDaysOverdue?: number;
}

export function deadlineState(
  request: Pick<LicenseRequestView, 'deadline' | 'status'>,
  now: Date,
): DeadlineState | undefined {
  if (!request.deadline) return undefined;
  const deadlineDate = stockholmDate(new Date(request.deadline));
  const today = stockholmToday(now);
  const open = request.status === 'AWAITING_ASSIGNMENT' || request.status === 'OVERDUE';
  const passed = now.getTime() > Date.parse(request.deadline);
  const overdue = open && (request.status === 'OVERDUE' || passed);
  return {
    deadline: request.deadline,
    deadlineDate,
    open,
    overdue,
    ...(open && !overdue && { workingDaysLeft: swedishCalendar.workingDaysBetween(today, deadlineDate) }),
    ...(overdue && { workingDaysOverdue: swedishCalendar.workingDaysBetween(deadlineDate, today) }),
  };
}

/** The deadline a YES given now would get, and whether the desired date makes it earlier than five working days. */
export function yesPreview(
  request: Pick<LicenseRequestView, 'desiredAvailability'>,
  now: Date,
): { deadlineDate: IsoDate; desiredIsEarlier: boolean } {
  const { deadlineDate } = swedishCalendar.assignmentDeadline(now, request.desiredAvailability);
  const fiveDays = swedishCalendar.nthWorkingDayAfter(stockholmToday(now), ASSIGNMENT_WORKING_DAYS);
  return { deadlineDate, desiredIsEarlier: deadlineDate < fiveDays };
}

/** Progress of the assignments: licensed schools (not NOT_LICENSED) and how many of them are assigned. */
export function assignmentProgress(request: Pick<LicenseRequestView, 'schools'>): {
  licensed: number;
  assigned: number;
} {
  const licensed = request.schools.filter((s) => s.assignment !== 'NOT_LICENSED');
  return { licensed: licensed.length, assigned: licensed.filter((s) => s.assignment === 'ASSIGNED').length };
}
