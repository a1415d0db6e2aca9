import type { Db } from '../db/database';
import { applyTransition, type TransitionRecord } from '../db/repositories/license-requests';
import { businessMetrics } from '../observability/metrics';

export type { TransitionRecord };
export type HistoryEventRecord = TransitionRecord['events'][number];

export function createPersistenceActivities(db: Db) {
  return {
    /** Writes one workflow transition to the read model; safe to retry (see applyTransition). */
    async recordTransition(record: TransitionRecord): Promise<void> {
      // Counted once: a retry after a lost reply finds its events stored and returns none.
      businessMetrics.historyEventsStored(await applyTransition(db, record));
    },
  };
}
