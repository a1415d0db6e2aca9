/** Everything with side effects that the workflow asks for. */
import type { Db } from '../db/database';
import { createCalendarActivities } from './calendar';
import { createMailActivities, type MailConfig } from './mail';
import type { Mailer } from './mailer';
import { createPersistenceActivities } from './persistence';

export type { HistoryEventRecord, TransitionRecord } from './persistence';
export type { SendRequestMailInput, SendRequestMailResult } from './mail';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  config: MailConfig;
}

export function createActivities({ db, mailer, config }: ActivityDeps) {
  return {
    ...createPersistenceActivities(db),
    ...createCalendarActivities(),
    ...createMailActivities(db, mailer, config),
  };
}

export type Activities = ReturnType<typeof createActivities>;
