/**
 * The baseline's activities: the license-request workflow's activities as they were named and
 * shaped when the baseline was fixed, each a no-op that answers at once. What is left is what
 * Temporal itself costs. Typed on their own: the baseline does not follow the real workflow's changes.
 */
import type { SendRequestMailResult } from '../activities';

const DAY = 24 * 60 * 60_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

export function createBareActivities() {
  return {
    async recordTransition(): Promise<void> {},
    async computeDeadline(): Promise<{ deadlineDate: string; deadline: string; deadlineNearAt: string }> {
      return { deadlineDate: inDays(7).slice(0, 10), deadline: inDays(7), deadlineNearAt: inDays(6) };
    },
    // Two reminders and an escalation, days away, like the real plan.
    async planUnansweredReminders(): Promise<
      Array<{ occasion: 'UNANSWERED_REMINDER' | 'UNANSWERED_ESCALATION'; at: string }>
    > {
      return [
        { occasion: 'UNANSWERED_REMINDER', at: inDays(2) },
        { occasion: 'UNANSWERED_REMINDER', at: inDays(5) },
        { occasion: 'UNANSWERED_ESCALATION', at: inDays(10) },
      ];
    },
    async overdueReminderAt(): Promise<string> {
      return inDays(1);
    },
    async sendRequestMail(): Promise<SendRequestMailResult> {
      return 'SENT';
    },
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
