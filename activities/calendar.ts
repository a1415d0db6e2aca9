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
import { assignmentDeadline, type AssignmentDeadline } from '../domain/license-request';
import { swedishCalendar, type WorkingDayCalendar } from '../domain/working-days';

export interface DeadlinePlan extends AssignmentDeadline {
  /** The reminder before the deadline, or null when it is too close for that. */
  deadlineNear: PlannedReminder | null;
}

export function createCalendarActivities(policy: ReminderPolicy, calendar: WorkingDayCalendar = swedishCalendar) {
  return {
    /** The assignment deadline for a YES given at `answeredAt`, and the reminder before it. */
    async computeDeadline(input: { answeredAt: string; desiredAvailability: string | null }): Promise<DeadlinePlan> {
      const answeredAt = new Date(input.answeredAt);
      const deadline = assignmentDeadline(calendar, answeredAt, input.desiredAvailability);
      return { ...deadline, deadlineNear: deadlineNearReminder(calendar, policy, answeredAt, deadline) };
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
