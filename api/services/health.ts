/** Whether the service's dependencies answer, and how its mail is doing (for /health and /readyz). */
import type { Client } from '@temporalio/client';
import { pingDatabase, type Db } from '../../db/database';
import { countMailTrouble } from '../../db/repositories/sent-mail';

export interface HealthService {
  /** Whether PostgreSQL and Temporal each answer within 3 s. */
  dependencies(): Promise<{ database: boolean; temporal: boolean }>;
  /** Mail refused for good in the last day, and mail waiting to be sent for over 10 minutes. */
  mail(): Promise<{ failedLast24h: number; waitingOver10Min: number }>;
}

async function answersWithin<T>(ms: number, work: Promise<T>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthService({ db, temporal }: { db: Db; temporal: Client }): HealthService {
  return {
    async dependencies() {
      const [database, temporalAnswers] = await Promise.all([
        answersWithin(3000, pingDatabase(db)),
        answersWithin(3000, temporal.workflowService.getSystemInfo({})),
      ]);
      return { database, temporal: temporalAnswers };
    },

    async mail() {
      const counts = await countMailTrouble(db);
      return { failedLast24h: counts.failed_last_24h, waitingOver10Min: counts.sending_over_10_min };
    },
  };
}
