/**
 * `npm run histories:record`: runs the license-request workflow through each path on the
 * time-skipping test server and saves the histories to workflows/histories/. Those files are the
 * fixtures of workflows/replay.test.ts: every later change to the workflow must replay them without
 * non-determinism (see CONTRIBUTING.md). Record again only when a path is added, never to make a
 * failing replay pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import {
  createWorkflowTestEnv,
  newInput,
  recordingActivities,
  withWorkflow,
  type WorkflowTestEnv,
} from '../test/helpers/workflow-env';
import { webhookDeliveryWorkflowId, webhookEventId } from '../domain/webhook-events';
import { atStockholm, nextMondayWorkingWeek, nthWorkingDayAfterOracle } from '../test/helpers/calendar-oracle';
import { resolveTemporalBinary } from '../dev/temporal-binaries';
import {
  answerUpdate,
  assignSchoolsUpdate,
  extendDeadlineUpdate,
  reopenUpdate,
  resendNotificationUpdate,
  withdrawUpdate,
} from '../workflows/definitions';

const OUT = path.resolve(__dirname, '../workflows/histories');
const partner = { role: 'partner' as const, partnerId: 'acme' };
const admin = { role: 'admin' as const };

/**
 * Moves the server's clock to `time` (Stockholm) on the `n`th working day after the first Monday
 * ahead that has 60 working days clear of holidays: the paths read the same on any run date.
 */
async function skipTo(env: WorkflowTestEnv, n: number, time: string): Promise<Date> {
  const now = await env.env.currentTimeMs();
  base ??= nextMondayWorkingWeek(now, { atLeastDaysAhead: 1, workingDays: 60 });
  const target = atStockholm(n === 0 ? base : nthWorkingDayAfterOracle(base, n), time);
  await env.env.sleep(target.getTime() - now);
  return target;
}
let base: string | undefined;

/** A path's history; or, as Histories, its own and those of workflows it started, saved beside it by name. */
type Path = (env: WorkflowTestEnv) => Promise<unknown>;

class Histories {
  constructor(readonly byName: Record<string, unknown>) {}
}

const paths: Record<string, Path> = {
  // A NO: the run waits out the reopen window (REOPEN_WINDOW_DAYS) and ends DECLINED.
  declined: async (t) => {
    const createdAt = await skipTo(t, 0, '09:00');
    let history: unknown;
    await withWorkflow(
      t,
      async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
        await h.result();
        history = await h.fetchHistory();
      },
      newInput({ createdAt }),
    );
    return history;
  },
  'yes-completed': async (t) => {
    const createdAt = await skipTo(t, 0, '09:00');
    let history: unknown;
    await withWorkflow(
      t,
      async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'YES', schools: ['sch-1', 'sch-2'], by: partner }] });
        await h.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] });
        await skipTo(t, 3, '10:00');
        await h.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-2'], by: partner }] });
        await h.result();
        history = await h.fetchHistory();
      },
      newInput({ createdAt }),
    );
    return history;
  },
  'overdue-completed': async (t) => {
    const createdAt = await skipTo(t, 0, '10:00');
    let history: unknown;
    await withWorkflow(
      t,
      async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        await skipTo(t, 11, '12:00');
        await h.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }] });
        await h.result();
        history = await h.fetchHistory();
      },
      newInput({ createdAt }),
    );
    return history;
  },
  'reminded-withdrawn': async (t) => {
    const createdAt = await skipTo(t, 0, '09:00');
    let history: unknown;
    await withWorkflow(
      t,
      async (h) => {
        await skipTo(t, 15, '12:00'); // both reminders and the escalation have gone out
        await h.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
        await h.result();
        history = await h.fetchHistory();
      },
      newInput({ createdAt }),
    );
    return history;
  },
  'yes-withdrawn': async (t) => {
    const createdAt = await skipTo(t, 0, '09:00');
    let history: unknown;
    await withWorkflow(
      t,
      async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        await skipTo(t, 4, '12:00'); // after the deadline-near reminder
        await h.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
        await h.result();
        history = await h.fetchHistory();
      },
      newInput({ createdAt }),
    );
    return history;
  },
  'yes-subset-assigned': async (t) => {
    const createdAt = await skipTo(t, 0, '09:00');
    let history: unknown;
    await withWorkflow(
      t,
      async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'YES', schools: ['sch-1', 'sch-3'], by: partner }] });
        await h.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-3'], by: partner }] });
        await skipTo(t, 2, '10:00');
        await h.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] });
        await h.result();
        history = await h.fetchHistory();
      },
      newInput({ createdAt }),
    );
    return history;
  },
  // Overdue past its last reminder (OVERDUE_REMINDER_MAX), then withdrawn.
  'overdue-exhausted': async (t) => {
    const createdAt = await skipTo(t, 0, '10:00');
    let history: unknown;
    await withWorkflow(
      t,
      async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        await skipTo(t, 40, '12:00'); // the deadline and all ten overdue mails are past
        await h.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
        await h.result();
        history = await h.fetchHistory();
      },
      newInput({ createdAt }),
    );
    return history;
  },
  // Support's exceptions: an extension while OVERDUE (the timers start over), then completed.
  'extended-completed': async (t) => {
    const createdAt = await skipTo(t, 0, '10:00');
    let history: unknown;
    await withWorkflow(
      t,
      async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        await skipTo(t, 6, '12:00'); // OVERDUE, after its first mail
        await h.executeUpdate(extendDeadlineUpdate, {
          args: [{ date: nthWorkingDayAfterOracle(base!, 9), reason: 'Licenses renewed', by: admin }],
        });
        await skipTo(t, 11, '12:00'); // OVERDUE again, after the second round's first mail
        await h.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }] });
        await h.result();
        history = await h.fetchHistory();
      },
      newInput({ createdAt }),
    );
    return history;
  },
  // A partner with a webhook: each occasion's event starts a delivery workflow (a child the request
  // does not wait for). The request is reminded, then withdrawn; the created event's receiver
  // answers 500 once, so the delivery's own history has a failed attempt, its backoff and the 2xx.
  'webhooks-withdrawn': async (t) => {
    const createdAt = await skipTo(t, 0, '09:00');
    const input = newInput({ createdAt });
    const rec = recordingActivities(undefined, {
      webhook: { answers: [{ kind: 'retry', status: 500, error: 'HTTP 500' }] },
    });
    const histories: Record<string, unknown> = {};
    await withWorkflow(
      t,
      async (h) => {
        await skipTo(t, 3, '12:00'); // after the first reminder
        await h.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
        await h.result();
        histories['webhooks-withdrawn'] = await h.fetchHistory();
        const created = t.env.client.workflow.getHandle(
          webhookDeliveryWorkflowId(webhookEventId(input.requestId, 'CREATED', 0)),
        );
        await created.result();
        histories['webhook-delivery-retried'] = await created.fetchHistory();
      },
      input,
      rec,
    );
    if (rec.webhookAttempts.length < 4) throw new Error(`only ${rec.webhookAttempts.length} delivery attempts`);
    return new Histories(histories);
  },
  // A NO reopened by support, the request mail resent, then a YES and its assignments.
  'reopened-completed': async (t) => {
    const createdAt = await skipTo(t, 0, '09:00');
    let history: unknown;
    await withWorkflow(
      t,
      async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
        await skipTo(t, 2, '10:00');
        await h.executeUpdate(reopenUpdate, { args: [{ reason: 'NO by mistake', by: admin }] });
        await skipTo(t, 5, '12:00'); // after the new round's first reminder
        await h.executeUpdate(resendNotificationUpdate, { args: [{ by: admin }] });
        await h.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        await h.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }] });
        await h.result();
        history = await h.fetchHistory();
      },
      newInput({ createdAt }),
    );
    return history;
  },
};

async function main() {
  process.env.TEMPORAL_TEST_SERVER_PATH ??= resolveTemporalBinary('testServer', { install: true });
  fs.mkdirSync(OUT, { recursive: true });
  // `npm run histories:record -- NAME ...` records only those paths.
  const only = process.argv.slice(2);
  for (const [name, run] of Object.entries(paths)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const env = await createWorkflowTestEnv(); // one server per path (see createWorkflowTestEnv)
    try {
      const recorded = await run(env);
      const histories = recorded instanceof Histories ? recorded.byName : { [name]: recorded };
      for (const [file, history] of Object.entries(histories)) {
        // Binary protobuf: exact, and independent of JSON conventions between SDK versions.
        const bytes = temporal.api.history.v1.History.encode(history as temporal.api.history.v1.IHistory).finish();
        fs.writeFileSync(path.join(OUT, `${file}.binpb`), bytes);
        console.log(`recorded ${file}`);
      }
    } finally {
      await env.env.teardown();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
