/**
 * When reminders go out (issue: "Reminders and escalation"). Always at a fixed hour (08:00) in
 * Europe/Stockholm on a working day: never at night, on a weekend or on a holiday. Offsets count
 * working days strictly after a date, like the deadline rule.
 */
import { stockholmDate, stockholmTimeOn, type IsoDate, type WorkingDayCalendar } from './working-days';

export interface ReminderPolicy {
  /** Reminders to a partner who has not answered, N working days after the request (default 2 and 5). */
  unansweredReminderDays: number[];
  /** One mail to support about a request still unanswered after N working days (default 10). */
  unansweredEscalationDays: number;
  /** While overdue, a reminder every N working days (default 2). */
  overdueReminderEveryDays: number;
  /** The local hour at which reminders go out (default 8). */
  reminderHour: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  unansweredReminderDays: [2, 5],
  unansweredEscalationDays: 10,
  overdueReminderEveryDays: 2,
  reminderHour: 8,
};

export interface PlannedReminder {
  /** ISO-8601 instant with the Stockholm offset. */
  at: string;
  occasion: 'UNANSWERED_REMINDER' | 'UNANSWERED_ESCALATION';
}

/** The reminders and the escalation for a request created at `createdAt`, in time order. */
export function unansweredReminders(
  calendar: WorkingDayCalendar,
  policy: ReminderPolicy,
  createdAt: Date,
): PlannedReminder[] {
  const created = stockholmDate(createdAt);
  const at = (days: number) => stockholmTimeOn(calendar.nthWorkingDayAfter(created, days), policy.reminderHour);
  const planned: Array<PlannedReminder & { days: number }> = [
    ...policy.unansweredReminderDays.map((days) => ({ days, at: at(days), occasion: 'UNANSWERED_REMINDER' as const })),
    {
      days: policy.unansweredEscalationDays,
      at: at(policy.unansweredEscalationDays),
      occasion: 'UNANSWERED_ESCALATION',
    },
  ];
  return planned.sort((a, b) => a.days - b.days).map(({ at, occasion }) => ({ at, occasion }));
}

/**
 * The "deadline near" reminder: on the last working day before the deadline date, or none when
 * that moment is not after the answer (the deadline is too close for a reminder to help).
 */
export function deadlineNearReminder(
  calendar: WorkingDayCalendar,
  policy: ReminderPolicy,
  answeredAt: Date,
  deadlineDate: IsoDate,
): string | null {
  const at = stockholmTimeOn(calendar.workingDayBefore(deadlineDate), policy.reminderHour);
  return Date.parse(at) > answeredAt.getTime() ? at : null;
}

/**
 * The `index`th overdue mail (0: the first, which support also gets): on the first working day
 * after the deadline date, then every `overdueReminderEveryDays` working days.
 */
export function overdueReminder(
  calendar: WorkingDayCalendar,
  policy: ReminderPolicy,
  deadlineDate: IsoDate,
  index: number,
): string {
  const days = 1 + index * policy.overdueReminderEveryDays;
  return stockholmTimeOn(calendar.nthWorkingDayAfter(deadlineDate, days), policy.reminderHour);
}
