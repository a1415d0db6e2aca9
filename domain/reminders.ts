/**
 * When reminders go out (issue: "Reminders and escalation"). Always at a fixed hour (08:00) in
 * Europe/Stockholm on a working day: never at night, on a weekend or on a holiday. Offsets count
 * working days strictly after a date, like the deadline rule.
 */
import type { AssignmentDeadline } from './license-request';
import { stockholmDate, stockholmTimeOn, type IsoDate, type WorkingDayCalendar } from './working-days';

export interface ReminderPolicy {
  /** Reminders to a partner who has not answered, N working days after the request (default 2 and 5). */
  unansweredReminderDays: number[];
  /** One mail to support about a request still unanswered after N working days (default 10). */
  unansweredEscalationDays: number;
  /** While overdue, a reminder every N working days (default 2). */
  overdueReminderEveryDays: number;
  /** Overdue reminders stop after this many; the last one tells support again (default 10). */
  overdueReminderMax: number;
  /** The local hour at which reminders go out (default 8). */
  reminderHour: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  unansweredReminderDays: [2, 5],
  unansweredEscalationDays: 10,
  overdueReminderEveryDays: 2,
  overdueReminderMax: 10,
  reminderHour: 8,
};

export type ReminderOccasion = 'UNANSWERED_REMINDER' | 'UNANSWERED_ESCALATION' | 'DEADLINE_NEAR' | 'OVERDUE';

/**
 * Why a reminder whose moment has come no longer goes out (recorded in the request's history):
 * - LATER_REMINDER_DUE: a later reminder of the same kind is due too (the workers, the cluster or
 *   the mail server were down across both); only the latest of a kind catches up.
 * - DEADLINE_PASSED: a "deadline near" reminder after the deadline would be wrong.
 * - NO_LONGER_APPLIES: the request has left the status the reminder is about (or was reopened).
 * - DEADLINE_EXTENDED: support moved the deadline the reminder was planned from; the new deadline
 *   has reminders of its own.
 */
export type ReminderSkipReason = 'LATER_REMINDER_DUE' | 'DEADLINE_PASSED' | 'NO_LONGER_APPLIES' | 'DEADLINE_EXTENDED';

export interface PlannedReminder {
  /** ISO-8601 instant with the Stockholm offset. */
  at: string;
  occasion: ReminderOccasion;
  /** 0 for the first reminder of its kind, 1 for the next... (the mail's once-only key). */
  sequence: number;
  /** From this instant on the reminder is stale and is skipped for `expiresBecause`; null: never. */
  expiresAt: string | null;
  expiresBecause: ReminderSkipReason | null;
  /** With an overdue reminder: support is told too (the last one of the plan). */
  alsoToSupport?: boolean;
}

/** Each reminder expires when the next one of its kind is due: after an outage only the latest goes. */
function withExpiry(planned: Array<Pick<PlannedReminder, 'at' | 'occasion'>>): PlannedReminder[] {
  const sequences = new Map<ReminderOccasion, number>();
  return planned.map((reminder, index) => {
    const sequence = sequences.get(reminder.occasion) ?? 0;
    sequences.set(reminder.occasion, sequence + 1);
    const nextOfKind = planned.slice(index + 1).find((later) => later.occasion === reminder.occasion);
    return {
      ...reminder,
      sequence,
      expiresAt: nextOfKind?.at ?? null,
      expiresBecause: nextOfKind ? 'LATER_REMINDER_DUE' : null,
    };
  });
}

/** The reminders and the escalation for a request created at `createdAt`, in time order. */
export function unansweredReminders(
  calendar: WorkingDayCalendar,
  policy: ReminderPolicy,
  createdAt: Date,
): PlannedReminder[] {
  const created = stockholmDate(createdAt);
  const at = (days: number) => stockholmTimeOn(calendar.nthWorkingDayAfter(created, days), policy.reminderHour);
  const planned = [
    ...policy.unansweredReminderDays.map((days) => ({ days, occasion: 'UNANSWERED_REMINDER' as const })),
    { days: policy.unansweredEscalationDays, occasion: 'UNANSWERED_ESCALATION' as const },
  ];
  return withExpiry(planned.sort((a, b) => a.days - b.days).map(({ days, occasion }) => ({ at: at(days), occasion })));
}

/**
 * The "deadline near" reminder: on the last working day before the deadline date, or none when
 * that moment is not after the answer (the deadline is too close for a reminder to help). It is
 * never sent once the deadline has passed.
 */
export function deadlineNearReminder(
  calendar: WorkingDayCalendar,
  policy: ReminderPolicy,
  answeredAt: Date,
  deadline: AssignmentDeadline,
): PlannedReminder | null {
  const at = stockholmTimeOn(calendar.workingDayBefore(deadline.deadlineDate), policy.reminderHour);
  if (Date.parse(at) <= answeredAt.getTime()) return null;
  return {
    at,
    occasion: 'DEADLINE_NEAR',
    sequence: 0,
    expiresAt: deadline.deadline,
    expiresBecause: 'DEADLINE_PASSED',
  };
}

/**
 * The overdue mails: on the first working day after the deadline date, then every
 * `overdueReminderEveryDays` working days, `overdueReminderMax` of them. Support hears of the first
 * and of the last (and the workflow makes sure of the first even when it was skipped).
 */
export function overdueReminders(
  calendar: WorkingDayCalendar,
  policy: ReminderPolicy,
  deadlineDate: IsoDate,
): PlannedReminder[] {
  const planned = Array.from({ length: policy.overdueReminderMax }, (_, index) => ({
    at: stockholmTimeOn(
      calendar.nthWorkingDayAfter(deadlineDate, 1 + index * policy.overdueReminderEveryDays),
      policy.reminderHour,
    ),
    occasion: 'OVERDUE' as const,
  }));
  return withExpiry(planned).map((reminder, index) =>
    index === 0 || index === planned.length - 1 ? { ...reminder, alsoToSupport: true } : reminder,
  );
}
