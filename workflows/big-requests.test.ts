/**
 * A request at the contract's limit (1,000 schools) stays within Temporal's history limits even
 * when the partner assigns its schools one call at a time: updates answer without the per-school
 * map, and the read-model writes are local activities. Run on the time-skipping test server.
 */
import { temporal } from '@temporalio/proto';
import {
  freshWorkflowTestEnvPerTest,
  newInput,
  withWorkflow,
  type WorkflowTestEnv,
} from '../test/helpers/workflow-env';
import { answerUpdate, assignSchoolsUpdate, statusQuery } from './definitions';

const partner = { role: 'partner' as const, partnerId: 'acme' };

/** Temporal warns from 10,240 events; we want to stay under that and well under its size limits. */
const MAX_EVENTS = 10_240;
const MAX_BYTES = 2 * 1024 * 1024;

let testEnv: WorkflowTestEnv;
freshWorkflowTestEnvPerTest((env) => (testEnv = env));

test('1,000 schools assigned one per call: the request completes with a history under 10,240 events and 2 MB', async () => {
  const schoolIds = Array.from({ length: 1000 }, (_, i) => `school-${String(i).padStart(4, '0')}`);
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      expect(yes.pendingSchools).toBe(1000);
      // What an update answers does not grow with the number of schools.
      expect(JSON.stringify(yes).length).toBeLessThan(400);
      for (const [i, id] of schoolIds.entries()) {
        const after = await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: [id], by: partner }] });
        expect(after.pendingSchools).toBe(999 - i);
      }
      expect((await handle.result()).status).toBe('COMPLETED');
      expect(Object.values((await handle.query(statusQuery)).schools).every((a) => a === 'ASSIGNED')).toBe(true);
      expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_YES', 'COMPLETED']);

      const history = await handle.fetchHistory();
      const events = history.events?.length ?? 0;
      const bytes = temporal.api.history.v1.History.encode(history).finish().length;
      console.log(`1,000 schools, one assignment per call: ${events} history events, ${(bytes / 1024).toFixed(0)} KiB`);
      expect(events).toBeLessThan(MAX_EVENTS);
      expect(bytes).toBeLessThan(MAX_BYTES);
    },
    newInput({ schoolIds }),
  );
}, 600_000);
