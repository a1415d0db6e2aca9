/**
 * Every timing decision the workflow needs, made here so that the result is recorded in the
 * workflow's history: a later change of holiday data or reminder settings cannot change a running
 * request (nor break its replay). Run as local activities: pure computations, cheap to repeat.
 */
import {
  deadlineNearReminder,
  overdueReminders,
  unansweredReminders,
  type PlannedReminder,
  type ReminderPolicy,
} from '../domain/reminders';
import { DateTime } from 'luxon';
import {
  assignmentDeadline,
  DEFAULT_REOPEN_WINDOW_DAYS,
  extendedDeadline,
  type AssignmentDeadline,
  type DeadlineProblem,
} from '../domain/license-request';
import { STOCKHOLM, swedishCalendar, type WorkingDayCalendar } from '../domain/working-days';

export interface DeadlinePlan extends AssignmentDeadline {
  /** The reminder before the deadline, or null when it is too close for that. */
  deadlineNear: PlannedReminder | null;
}

export function createCalendarActivities(
  policy: ReminderPolicy,
  calendar: WorkingDayCalendar = swedishCalendar,
  reopenWindowDays: number = DEFAULT_REOPEN_WINDOW_DAYS,
) {
  return {
    /** The assignment deadline for a YES given at `answeredAt`, and the reminder before it. */
    async computeDeadline(input: { answeredAt: string; desiredAvailability: string | null }): Promise<DeadlinePlan> {
      const answeredAt = new Date(input.answeredAt);
      const deadline = assignmentDeadline(calendar, answeredAt, input.desiredAvailability);
      return { ...deadline, deadlineNear: deadlineNearReminder(calendar, policy, answeredAt, deadline) };
    },

    /**
     * Support's new deadline, the end of `date` (see extendedDeadline), and the reminder before it;
     * or what is wrong with the date. `now` is the workflow's clock when the extension arrived.
     */
    async planExtendedDeadline(input: {
      date: string;
      currentDeadlineDate: string;
      now: string;
    }): Promise<DeadlinePlan | { problem: DeadlineProblem }> {
      const now = new Date(input.now);
      const deadline = extendedDeadline(calendar, input.currentDeadlineDate, input.date, now);
      if ('problem' in deadline) return deadline;
      return { ...deadline, deadlineNear: deadlineNearReminder(calendar, policy, now, deadline) };
    },

    /** Until when support may reopen a NO given at `declinedAt`: REOPEN_WINDOW_DAYS calendar days later. */
    async reopenWindow(input: { declinedAt: string }): Promise<{ reopenableUntil: string }> {
      const until = DateTime.fromISO(input.declinedAt, { zone: STOCKHOLM }).plus({ days: reopenWindowDays });
      return { reopenableUntil: until.toISO()! };
    },

    /** The reminders to a partner who stays silent, and the escalation to support. */
    async planUnansweredReminders(input: { createdAt: string }): Promise<PlannedReminder[]> {
      return unansweredReminders(calendar, policy, new Date(input.createdAt));
    },

    /** The overdue mails after the deadline date, at most `overdueReminderMax` of them. */
    async planOverdueReminders(input: { deadlineDate: string }): Promise<PlannedReminder[]> {
      return overdueReminders(calendar, policy, input.deadlineDate);
    },
  };
}
