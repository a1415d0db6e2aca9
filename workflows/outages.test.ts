/**
 * Timers after an outage, on the time-skipping test server with the real workflow and the real
 * calendar activities: the worker is stopped, the server's clock runs on across ten working days,
 * and then the worker comes back. In each waiting state only the latest reminder of each kind goes
 * out, a "deadline near" mail never goes out after the deadline, and every reminder left out is in
 * the request's history with its reason. Scenario dates come from the test server's clock and the
 * expected ones from the independent calendar oracle (test/helpers/calendar-oracle.ts).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import {
  atStockholm,
  nextMondayWorkingWeek,
  nthWorkingDayAfterOracle,
  stockholmWallClock,
} from '../test/helpers/calendar-oracle';
import {
  freshWorkflowTestEnvPerTest,
  hasWorkOutstanding,
  newInput,
  recordingActivities,
  settled,
  type Recording,
  type WorkflowTestEnv,
  serverClock,
} from '../test/helpers/workflow-env';
import type { LicenseRequestInput } from '../domain/license-request';
import {
  answerUpdate,
  assignSchoolsUpdate,
  licenseRequestWorkflowId,
  statusQuery,
  withdrawUpdate,
} from './definitions';
import { licenseRequestWorkflow } from './license-request';

const partner = { role: 'partner' as const, partnerId: 'acme' };
const admin = { role: 'admin' as const };

let testEnv: WorkflowTestEnv;
freshWorkflowTestEnvPerTest((env) => (testEnv = env));

/** Moves the test server's clock to an instant (while a worker runs, or while none does: an outage). */
const skipTo = serverClock(() => testEnv).skipToInstant;

/**
 * The worker is down (none runs) while the server's clock moves on to `until`. The test server
 * stops its clock while a workflow task waits for a worker, as it would wait forever here; so once
 * the workflow's timer has fired and its task waits, that task's hold on the clock is lifted for
 * the outage and put back after it (the server counts holds: each unlock is matched by a lock).
 */
async function outage(handle: WorkflowHandle, until: Date): Promise<void> {
  const testService = testEnv.env.connection.testService!;
  const now = await testEnv.env.currentTimeMs();
  let done = false;
  const sleeping = testEnv.env.sleep(until.getTime() - now).finally(() => (done = true));
  let lifted = false;
  while (!done) {
    if (!lifted && (await hasWorkOutstanding(handle))) {
      await testService.unlockTimeSkipping({});
      lifted = true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await sleeping;
  if (lifted) await testService.lockTimeSkipping({});
  expect(await testEnv.env.currentTimeMs()).toBeGreaterThanOrEqual(until.getTime());
}

/** A Monday ahead of the test server's today with 25 holiday-free working days after it. */
async function clearMonday(): Promise<string> {
  return nextMondayWorkingWeek(await testEnv.env.currentTimeMs(), { atLeastDaysAhead: 1, workingDays: 25 });
}

/** 08:00 in Stockholm on the `n`th working day after `date`: when reminders go out. */
const eightOn = (date: string, n: number) => atStockholm(nthWorkingDayAfterOracle(date, n), '08:00');

/**
 * One request whose worker can be stopped and started again. No workflow cache: a worker that comes
 * back replays the history, as a new deployment after an outage would.
 */
async function request(input: LicenseRequestInput) {
  const rec = recordingActivities();
  const taskQueue = `outage-${input.requestId}`;
  const handle = await testEnv.env.client.workflow.start(licenseRequestWorkflow, {
    workflowId: licenseRequestWorkflowId(input.requestId),
    taskQueue,
    args: [input],
  });
  /** Runs a worker while `body` runs, then stops it with nothing left in flight. */
  async function withWorker(body: () => Promise<void> = async () => undefined): Promise<void> {
    const worker = await Worker.create({
      connection: testEnv.env.nativeConnection,
      taskQueue,
      workflowBundle: testEnv.bundle,
      activities: rec.activities,
      maxCachedWorkflows: 0,
    });
    await worker.runUntil(async () => {
      await body();
      await settled(handle);
    });
  }
  return { handle, rec, withWorker };
}

/** A request created at `time` on a clear Monday ahead (the server's clock moved there), with its worker. */
async function requestOnAClearMonday(time: string) {
  const monday = await clearMonday();
  const createdAt = atStockholm(monday, time);
  await skipTo(createdAt);
  return { monday, deadlineDate: nthWorkingDayAfterOracle(monday, 5), ...(await request(newInput({ createdAt }))) };
}

/** The mails so far as "OCCASION #sequence at yyyy-MM-dd HH:mm" (Stockholm), `+support` when copied. */
const sent = (rec: Recording) =>
  rec.mails.map(
    (m) => `${m.occasion} #${m.sequence} at ${stockholmWallClock(m.at)}${m.alsoToSupport ? ' +support' : ''}`,
  );

/** The REMINDER_SKIPPED events recorded in the read model, as "OCCASION #sequence: REASON". */
const skipped = (rec: Recording) =>
  rec.transitions
    .flatMap((t) => t.events)
    .filter((e) => e.event === 'REMINDER_SKIPPED')
    .map((e) => {
      const detail = e.detail as { occasion: string; sequence: number; reason: string };
      return `${detail.occasion} #${detail.sequence}: ${detail.reason}`;
    });

const historyLength = async (handle: WorkflowHandle) => (await handle.fetchHistory()).events?.length ?? 0;

test('unanswered, worker down across 10 working days: the latest reminder and the escalation go out once, the earlier reminder is recorded as skipped', async () => {
  const { monday, handle, rec, withWorker } = await requestOnAClearMonday('09:00');
  await withWorker(); // the request mail goes out
  // Down from Monday 09:00 until 12:00 on the 11th working day: both reminders (2nd and 5th working
  // day) and the escalation (10th) fall inside the outage.
  const back = atStockholm(nthWorkingDayAfterOracle(monday, 11), '12:00');
  await outage(handle, back);
  await withWorker();
  expect(sent(rec)).toEqual([
    `CREATED #0 at ${monday} 09:00`,
    `UNANSWERED_REMINDER #1 at ${stockholmWallClock(back)}`,
    `UNANSWERED_ESCALATION #0 at ${stockholmWallClock(back)}`,
  ]);
  expect(skipped(rec)).toEqual(['UNANSWERED_REMINDER #0: LATER_REMINDER_DUE']);
  // Nothing more later: the request waits for its answer with no timer.
  await withWorker(() => skipTo(atStockholm(nthWorkingDayAfterOracle(monday, 25), '12:00')));
  expect(rec.mails).toHaveLength(3);
  await withWorker(async () => {
    expect((await handle.query(statusQuery)).status).toBe('AWAITING_ANSWER');
    await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
    await handle.result();
  });
});

test('unanswered, down across the first reminder only: it goes out once when the worker is back, and the next ones on time', async () => {
  const { monday, handle, rec, withWorker } = await requestOnAClearMonday('09:00');
  await withWorker();
  const back = atStockholm(nthWorkingDayAfterOracle(monday, 3), '15:00');
  await outage(handle, back);
  await withWorker(() => skipTo(atStockholm(nthWorkingDayAfterOracle(monday, 11), '12:00')));
  expect(sent(rec)).toEqual([
    `CREATED #0 at ${monday} 09:00`,
    `UNANSWERED_REMINDER #0 at ${stockholmWallClock(back)}`,
    `UNANSWERED_REMINDER #1 at ${stockholmWallClock(eightOn(monday, 5))}`,
    `UNANSWERED_ESCALATION #0 at ${stockholmWallClock(eightOn(monday, 10))}`,
  ]);
  expect(skipped(rec)).toEqual([]);
  await withWorker(() => handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] }).then(() => undefined));
});

test('answered while the worker is down across a reminder: no unanswered reminder after the answer', async () => {
  const { monday, handle, rec, withWorker } = await requestOnAClearMonday('09:00');
  await withWorker();
  await outage(handle, atStockholm(nthWorkingDayAfterOracle(monday, 3), '10:00')); // past the first reminder's moment
  // The partner answers during the outage; the answer waits for the worker, as the API's call would.
  const answer = handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
  await withWorker(async () => {
    expect((await answer).status).toBe('DECLINED');
    await handle.result();
  });
  expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_NO']);
  expect(skipped(rec)).toEqual(['UNANSWERED_REMINDER #0: NO_LONGER_APPLIES']);
});

test('answered while the worker is down across every unanswered reminder: none goes out, each is recorded as skipped', async () => {
  const { monday, handle, rec, withWorker } = await requestOnAClearMonday('09:00');
  await withWorker();
  await outage(handle, atStockholm(nthWorkingDayAfterOracle(monday, 11), '10:00')); // past the escalation too
  const answer = handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
  await withWorker(async () => {
    expect((await answer).status).toBe('DECLINED');
    await handle.result();
  });
  expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_NO']);
  expect(skipped(rec)).toEqual([
    'UNANSWERED_REMINDER #0: NO_LONGER_APPLIES',
    'UNANSWERED_REMINDER #1: NO_LONGER_APPLIES',
    'UNANSWERED_ESCALATION #0: NO_LONGER_APPLIES',
  ]);
});

test('YES, worker down across 10 working days: no deadline-near mail after the deadline, OVERDUE, and one overdue mail (to support too)', async () => {
  const { monday, deadlineDate, handle, rec, withWorker } = await requestOnAClearMonday('10:00');
  let deadline = '';
  await withWorker(async () => {
    deadline = (await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] })).deadline!;
  });
  expect(stockholmWallClock(new Date(deadline))).toBe(`${deadlineDate} 23:59`);
  // Down until 12:00 on the 10th working day after the YES: the deadline-near moment, the deadline,
  // and the overdue mails of the 1st, 3rd and 5th working day after the deadline date all pass.
  const back = atStockholm(nthWorkingDayAfterOracle(monday, 10), '12:00');
  await outage(handle, back);
  await withWorker(async () => expect((await handle.query(statusQuery)).status).toBe('OVERDUE'));
  expect(sent(rec)).toEqual([
    `CREATED #0 at ${monday} 10:00`,
    `ANSWERED_YES #0 at ${monday} 10:00`,
    `OVERDUE #2 at ${stockholmWallClock(back)} +support`,
  ]);
  expect(skipped(rec)).toEqual([
    'DEADLINE_NEAR #0: DEADLINE_PASSED',
    'OVERDUE #0: LATER_REMINDER_DUE',
    'OVERDUE #1: LATER_REMINDER_DUE',
  ]);
  // The next overdue mail comes on time, to the partner only (support has had one).
  await withWorker(() => skipTo(atStockholm(nthWorkingDayAfterOracle(deadlineDate, 7), '12:00')));
  expect(sent(rec).at(-1)).toBe(`OVERDUE #3 at ${stockholmWallClock(eightOn(deadlineDate, 7))}`);
  await withWorker(async () => {
    await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }] });
    expect((await handle.result()).status).toBe('COMPLETED');
  });
});

test('OVERDUE, worker down across 10 working days: one overdue mail catches up, then the rest on time up to the last, which support gets too', async () => {
  const { monday, deadlineDate, handle, rec, withWorker } = await requestOnAClearMonday('10:00');
  await withWorker(async () => {
    await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
    await skipTo(atStockholm(nthWorkingDayAfterOracle(deadlineDate, 1), '12:00')); // the first overdue mail is out
  });
  // Down from then until 12:00 ten working days later: the overdue mails #1 to #5 fall inside.
  const back = atStockholm(nthWorkingDayAfterOracle(deadlineDate, 11), '12:00');
  await outage(handle, back);
  await withWorker();
  expect(skipped(rec)).toEqual([1, 2, 3, 4].map((n) => `OVERDUE #${n}: LATER_REMINDER_DUE`));
  // Then every two working days, up to the tenth overdue mail; nothing after it.
  await withWorker(() => skipTo(atStockholm(nthWorkingDayAfterOracle(deadlineDate, 40), '12:00')));
  expect(sent(rec)).toEqual([
    `CREATED #0 at ${monday} 10:00`,
    `ANSWERED_YES #0 at ${monday} 10:00`,
    `DEADLINE_NEAR #0 at ${stockholmWallClock(eightOn(monday, 4))}`,
    `OVERDUE #0 at ${stockholmWallClock(eightOn(deadlineDate, 1))} +support`,
    `OVERDUE #5 at ${stockholmWallClock(back)}`,
    ...[6, 7, 8].map((n) => `OVERDUE #${n} at ${stockholmWallClock(eightOn(deadlineDate, 1 + 2 * n))}`),
    `OVERDUE #9 at ${stockholmWallClock(eightOn(deadlineDate, 19))} +support`,
  ]);
  await withWorker(async () => {
    expect((await handle.query(statusQuery)).status).toBe('OVERDUE');
    await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
    await handle.result();
  });
  expect(rec.occasions().at(-1)).toBe('WITHDRAWN');
});

test('overdue reminders stop after the tenth, which support gets too; the request stays OVERDUE with a bounded history', async () => {
  const { deadlineDate, handle, rec, withWorker } = await requestOnAClearMonday('10:00');
  await withWorker(async () => {
    await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
    // Two months on: far past the tenth overdue mail.
    await skipTo(atStockholm(nthWorkingDayAfterOracle(deadlineDate, 45), '12:00'));
  });
  const overdue = rec.mails.filter((m) => m.occasion === 'OVERDUE');
  expect(overdue.map((m) => stockholmWallClock(m.at))).toEqual(
    Array.from({ length: 10 }, (_, n) => stockholmWallClock(eightOn(deadlineDate, 1 + 2 * n))),
  );
  expect(overdue.map((m) => m.alsoToSupport === true)).toEqual([true, ...Array(8).fill(false), true]);
  const events = await historyLength(handle);
  console.log(`history of a request overdue past its last reminder: ${events} events`);
  expect(events).toBeLessThan(200);
  await withWorker(async () => {
    expect((await handle.query(statusQuery)).status).toBe('OVERDUE');
    await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }] });
    expect((await handle.result()).status).toBe('COMPLETED');
  });
});

test('database away when a request is made: stored once it is back; between attempts the workflow waits on server timers, not on a held task', async () => {
  const { handle, rec, withWorker } = await request(newInput());
  // The first six attempts to store the request fail, as they do while PostgreSQL is away: about
  // 15 s of quick local retries (1, 2, 4, 8 s apart), then waits of 16 and 32 s on server timers.
  let attempts = 0;
  const { activities } = rec;
  const store = activities.recordRequest.bind(activities);
  activities.recordRequest = async (input) => {
    if (++attempts <= 6) throw new Error('Connection terminated unexpectedly');
    return store(input);
  };
  const startedAt = Date.now();
  await withWorker(async () => {
    while (rec.requests.length === 0) await testEnv.env.sleep('10 seconds');
  });
  expect(attempts).toBe(7);
  expect(rec.requests).toHaveLength(1);
  const { EventType } = temporal.api.enums.v1;
  const events = (await handle.fetchHistory()).events ?? [];
  const count = (type: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;
  // Held locally for the whole outage, the task would be heartbeated (a new task every 8 s or so).
  expect(count(EventType.EVENT_TYPE_TIMER_STARTED)).toBeGreaterThanOrEqual(2);
  expect(count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toBeLessThanOrEqual(6);
  expect(Date.now() - startedAt).toBeLessThan(45_000); // the 48 s of timers were skipped
}, 90_000);
