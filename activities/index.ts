/** Everything with side effects that the workflow asks for. */
import type { Db } from '../db/database';
import { createCalendarActivities } from './calendar';
import { createMailActivities, type MailConfig } from './mail';
import type { Mailer } from './mailer';
import type { ReminderPolicy } from '../domain/reminders';
import type { WorkingDayCalendar } from '../domain/working-days';
import { openRequest, type OpenRequestInput } from './opening';
import { createPersistenceActivities } from './persistence';
import { createWebhookActivities, type WebhookActivityDeps } from './webhooks';

export type { HistoryEventRecord, TransitionRecord } from './persistence';
export type { SendRequestMailInput, SendRequestMailResult } from './mail';
export type { DeadlinePlan } from './calendar';
export type { OpenedRequest, OpenRequestInput } from './opening';
export type { RecordRequestWebhookInput, WebhookAttemptResult, WebhookDeliveryInput } from './webhooks';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  config: MailConfig;
  reminders: ReminderPolicy;
  /** Sweden's working days unless a test says otherwise. */
  calendar?: WorkingDayCalendar;
  /** How many days support may reopen a NO (REOPEN_WINDOW_DAYS; 30 unless configured). */
  reopenWindowDays?: number;
  /** Recording and delivering partners' webhook events (the database is `db`). */
  webhooks: Omit<WebhookActivityDeps, 'db'>;
}

export function createActivities({
  db,
  mailer,
  config,
  reminders,
  calendar,
  reopenWindowDays,
  webhooks,
}: ActivityDeps) {
  const activities = {
    ...createPersistenceActivities(db),
    ...createCalendarActivities(reminders, calendar, reopenWindowDays),
    ...createMailActivities(db, mailer, config),
    ...createWebhookActivities({ db, ...webhooks }),
  };
  return { ...activities, openRequest: (input: OpenRequestInput) => openRequest(activities, input) };
}

export type Activities = ReturnType<typeof createActivities>;
