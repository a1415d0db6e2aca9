/**
 * Every timing decision the workflow needs, made here so that the result is recorded in the
 * workflow's history: a later change of holiday data or reminder settings cannot change a running
 * request (nor break its replay).
 */
import {
  deadlineNearReminder,
  overdueReminder,
  unansweredReminders,
  type PlannedReminder,
  type ReminderPolicy,
} from '../domain/reminders';
import { swedishCalendar, type AssignmentDeadline, type WorkingDayCalendar } from '../domain/working-days';

export interface DeadlinePlan extends AssignmentDeadline {
  /** When to remind the partner that the deadline is near, or null when it is too close for that. */
  deadlineNearAt: string | null;
}

export function createCalendarActivities(policy: ReminderPolicy, calendar: WorkingDayCalendar = swedishCalendar) {
  return {
    /** The assignment deadline for a YES given at `answeredAt`, and the reminder before it. */
    async computeDeadline(input: { answeredAt: string; desiredAvailability: string | null }): Promise<DeadlinePlan> {
      const answeredAt = new Date(input.answeredAt);
      const deadline = calendar.assignmentDeadline(answeredAt, input.desiredAvailability);
      return { ...deadline, deadlineNearAt: deadlineNearReminder(calendar, policy, answeredAt, deadline.deadlineDate) };
    },

    /** The reminders to a partner who stays silent, and the escalation to support. */
    async planUnansweredReminders(input: { createdAt: string }): Promise<PlannedReminder[]> {
      return unansweredReminders(calendar, policy, new Date(input.createdAt));
    },

    /** When the `index`th overdue mail goes out. */
    async overdueReminderAt(input: { deadlineDate: string; index: number }): Promise<string> {
      return overdueReminder(calendar, policy, input.deadlineDate, input.index);
    },
  };
}
