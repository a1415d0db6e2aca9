import type { Db } from '../db/database';
import { applyTransition, type TransitionRecord } from '../db/repositories/license-requests';

export type { TransitionRecord };
export type HistoryEventRecord = TransitionRecord['events'][number];

export function createPersistenceActivities(db: Db) {
  return {
    /** Writes one workflow transition to the read model; safe to retry (see applyTransition). */
    async recordTransition(record: TransitionRecord): Promise<void> {
      await applyTransition(db, record);
    },
  };
}
