import type { Db } from '../db/database';
import {
  applyTransition,
  findRequestHeader,
  storeLicenseRequestInput,
  type TransitionRecord,
} from '../db/repositories/license-requests';
import type { LicenseRequestInput } from '../domain/license-request';
import { businessMetrics } from '../observability/metrics';

export type { TransitionRecord };
export type HistoryEventRecord = TransitionRecord['events'][number];

export function createPersistenceActivities(db: Db) {
  return {
    /**
     * Stores a new request in the read model: the workflow's first step, so that every workflow has
     * its request and no request is without a workflow. Safe to retry (a stored request is kept), and
     * to run beside a keyed create's own write of the same input (services/start-workflow.ts).
     * False when a create without a key comes after its `storeBy`: its caller got 503 and may send
     * it again, so it is not stored (unless an earlier attempt of this activity stored it already).
     */
    async recordRequest(input: LicenseRequestInput): Promise<boolean> {
      if (input.storeBy && Date.now() > Date.parse(input.storeBy)) {
        return (await findRequestHeader(db, input.requestId)) !== undefined;
      }
      await storeLicenseRequestInput(db, input);
      return true;
    },

    /** Writes one workflow transition to the read model; safe to retry (see applyTransition). */
    async recordTransition(record: TransitionRecord): Promise<void> {
      // Counted once: a retry after a lost reply finds its events stored and returns none.
      businessMetrics.historyEventsStored(await applyTransition(db, record));
    },
  };
}
