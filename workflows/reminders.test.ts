/**
 * When reminders, escalation and overdue mail go out, on the time-skipping test server with the
 * real workflow and the real calendar activities. Every scenario starts from the test server's
 * current time (a Monday with no holiday in the way, or the next holiday of its kind ahead), so the
 * suite passes on any run date; the exact local time of each mail comes from the independent
 * calendar oracle (test/helpers/calendar-oracle), never from domain/reminders or working-days.
 */
import { Worker } from '@temporalio/worker';
import { createWorkingDayCalendar, swedishHolidays } from '../domain/working-days';
import {
  atStockholm,
  calendarDaysAfter,
  endOfDayOracle,
  nextHoliday,
  nthWorkingDayAfterOracle,
  stockholmWallClock,
  weekdayOf,
  workingDayBeforeOracle,
  type OracleDate,
} from '../test/helpers/calendar-oracle';
import {
  freshWorkflowTestEnvPerTest,
  newInput,
  recordingActivities,
  settled,
  withWorkflow,
  type Recording,
  type WorkflowTestEnv,
  serverClock,
} from '../test/helpers/workflow-env';
import {
  answerUpdate,
  assignSchoolsUpdate,
  licenseRequestWorkflowId,
  SearchAttributes,
  statusQuery,
  withdrawUpdate,
} from './definitions';
import { licenseRequestWorkflow } from './license-request';

const partner = { role: 'partner' as const, partnerId: 'acme' };
const admin = { role: 'admin' as const };

let testEnv: WorkflowTestEnv;
freshWorkflowTestEnvPerTest((env) => (testEnv = env));

const clock = serverClock(() => testEnv);
const serverNow = clock.now;
const skipTo = clock.skipTo;
const clearMonday = (workingDays = 10) => clock.clearMonday(workingDays);

/** The mails so far as "OCCASION at yyyy-MM-dd HH:mm" (Stockholm time). */
const sent = (rec: Recording) => rec.mails.map((m) => `${m.occasion} at ${stockholmWallClock(m.at)}`);

/** The reminder hour on the `n`th working day after `date`, as `sent` writes it. */
const at8 = (date: OracleDate, n: number) => `${nthWorkingDayAfterOracle(date, n)} 08:00`;

test('silent partner: reminders after 2 and 5 working days at 08:00, support escalation after 10, then nothing more', async () => {
  const monday = await clearMonday();
  const createdAt = await skipTo(monday, '09:00');
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await skipTo(calendarDaysAfter(monday, 42), '12:00');
      expect(sent(rec)).toEqual([
        `CREATED at ${monday} 09:00`,
        `UNANSWERED_REMINDER at ${at8(monday, 2)}`,
        `UNANSWERED_REMINDER at ${at8(monday, 5)}`,
        `UNANSWERED_ESCALATION at ${at8(monday, 10)}`,
      ]);
      expect(rec.mails.map((m) => m.sequence)).toEqual([0, 0, 1, 0]);
      // Still open: the partner can answer weeks later.
      expect((await handle.query(statusQuery)).status).toBe('AWAITING_ANSWER');
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      expect((await handle.result()).status).toBe('WITHDRAWN');
    },
    newInput({ createdAt }),
  );
});

test('YES then silence: deadline-near reminder, OVERDUE at the deadline, overdue mail every 2 working days, then completed', async () => {
  const monday = await clearMonday();
  const createdAt = await skipTo(monday, '10:00');
  const deadlineDate = nthWorkingDayAfterOracle(monday, 5);
  const afterDeadline = calendarDaysAfter(deadlineDate, 1);
  const overdueDays = [1, 3, 5].map((n) => nthWorkingDayAfterOracle(deadlineDate, n));
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      expect(yes.deadline).toBe(endOfDayOracle(deadlineDate));

      await skipTo(deadlineDate, '23:59');
      expect((await handle.query(statusQuery)).status).toBe('AWAITING_ASSIGNMENT');
      await skipTo(afterDeadline, '00:01');
      expect((await handle.query(statusQuery)).status).toBe('OVERDUE');
      // Operators filter on it: the search attribute follows the status.
      const attributes = (await handle.describe()).typedSearchAttributes;
      expect(attributes.get(SearchAttributes.status)).toBe('OVERDUE');
      expect(attributes.get(SearchAttributes.assignmentDeadline)).toEqual(new Date(yes.deadline!));
      const overdue = rec.transitions.find((t) => t.status === 'OVERDUE');
      expect(Date.parse(overdue!.events[0]!.at)).toBeGreaterThan(Date.parse(yes.deadline!));

      // The day after the third overdue mail, before the fourth (two working days later).
      const completedOn = calendarDaysAfter(overdueDays[2]!, 1);
      await skipTo(completedOn, '12:00');
      expect(sent(rec)).toEqual([
        `CREATED at ${monday} 10:00`,
        `ANSWERED_YES at ${monday} 10:00`,
        `DEADLINE_NEAR at ${workingDayBeforeOracle(deadlineDate)} 08:00`,
        ...overdueDays.map((date) => `OVERDUE at ${date} 08:00`),
      ]);
      expect(rec.mails.filter((m) => m.occasion === 'OVERDUE').map((m) => m.sequence)).toEqual([0, 1, 2]);

      await handle.executeUpdate(assignSchoolsUpdate, {
        args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }],
      });
      expect((await handle.result()).status).toBe('COMPLETED');
      expect(sent(rec).at(-1)).toBe(`COMPLETED at ${completedOn} 12:00`);
    },
    newInput({ createdAt }),
  );
});

test('YES then partial assignment, the rest before the deadline: one deadline-near reminder, no overdue mail', async () => {
  const monday = await clearMonday();
  const createdAt = await skipTo(monday, '10:00');
  const deadlineDate = nthWorkingDayAfterOracle(monday, 5);
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await handle.executeUpdate(answerUpdate, {
        args: [{ response: 'YES', schools: ['sch-1', 'sch-2'], by: partner }],
      });
      await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] });
      await skipTo(deadlineDate, '12:00'); // the deadline day
      await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-2'], by: partner }] });
      expect((await handle.result()).status).toBe('COMPLETED');
      expect(sent(rec)).toEqual([
        `CREATED at ${monday} 10:00`,
        `ANSWERED_YES at ${monday} 10:00`,
        `DEADLINE_NEAR at ${workingDayBeforeOracle(deadlineDate)} 08:00`,
        `COMPLETED at ${deadlineDate} 12:00`,
      ]);
    },
    newInput({ createdAt }),
  );
});

test('withdrawn on Kristi himmelsfärdsdag after the first reminder: no further reminder or escalation', async () => {
  // Ascension Day is always a Thursday: the request comes on the Monday of that week.
  const ascension = nextHoliday(await serverNow(), 'Kristi himmelsfärdsdag', { atLeastDaysAhead: 14 });
  expect(weekdayOf(ascension)).toBe(4);
  const monday = calendarDaysAfter(ascension, -3);
  const createdAt = await skipTo(monday, '10:00');
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await skipTo(ascension, '12:00'); // after the first reminder, before the second
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      await skipTo(calendarDaysAfter(ascension, 25), '12:00');
      expect(sent(rec)).toEqual([
        `CREATED at ${monday} 10:00`,
        `UNANSWERED_REMINDER at ${at8(monday, 2)}`,
        `WITHDRAWN at ${ascension} 12:00`,
      ]);
    },
    newInput({ createdAt }),
  );
});

test('withdrawn while awaiting assignment before the deadline-near reminder: that reminder never goes out', async () => {
  const monday = await clearMonday();
  const createdAt = await skipTo(monday, '10:00');
  const tuesday = calendarDaysAfter(monday, 1);
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      await skipTo(tuesday, '12:00');
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      await skipTo(calendarDaysAfter(monday, 14), '12:00');
      expect(sent(rec)).toEqual([
        `CREATED at ${monday} 10:00`,
        `ANSWERED_YES at ${monday} 10:00`,
        `WITHDRAWN at ${tuesday} 12:00`,
      ]);
    },
    newInput({ createdAt }),
  );
});

test('YES the day before midsommarafton: the eve does not count, the reminder comes on the Thursday after', async () => {
  const eve = nextHoliday(await serverNow(), 'midsommarafton', { atLeastDaysAhead: 14 });
  const thursday = calendarDaysAfter(eve, -1);
  const createdAt = await skipTo(thursday, '14:00');
  // Mon–Fri of the week after midsommar: the deadline is the Friday a week after the eve.
  const deadlineDate = nthWorkingDayAfterOracle(thursday, 5);
  expect(deadlineDate).toBe(calendarDaysAfter(eve, 7));
  const reminderDay = workingDayBeforeOracle(deadlineDate);
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      expect(yes.deadline).toBe(endOfDayOracle(deadlineDate));
      await skipTo(reminderDay, '12:00');
      await handle.executeUpdate(assignSchoolsUpdate, {
        args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }],
      });
      expect((await handle.result()).status).toBe('COMPLETED');
      expect(sent(rec)).toEqual([
        `CREATED at ${thursday} 14:00`,
        `ANSWERED_YES at ${thursday} 14:00`,
        `DEADLINE_NEAR at ${reminderDay} 08:00`,
        `COMPLETED at ${reminderDay} 12:00`,
      ]);
    },
    newInput({ createdAt }),
  );
});

test('YES just before Christmas: deadline after the holidays, overdue mail skips nyårsafton and trettondagen, withdrawn while OVERDUE', async () => {
  // The next Christmas with julafton on a Friday (2027, 2032, 2038, …): then nyårsafton is a
  // Friday and trettondagen a Thursday, all three in the way of the deadline and the overdue mail.
  const julafton = nextHoliday(await serverNow(), 'julafton', { atLeastDaysAhead: 14, weekday: 5 });
  const wednesday = calendarDaysAfter(julafton, -2);
  const createdAt = await skipTo(wednesday, '10:00');
  const deadlineDate = nthWorkingDayAfterOracle(wednesday, 5);
  const overdueDays = [1, 3, 5].map((n) => nthWorkingDayAfterOracle(deadlineDate, n));
  // By hand: Thu 23, Mon 27, Tue 28, Wed 29, Thu 30 December; then Mon 3, Wed 5 and Mon 10 January.
  expect(deadlineDate).toBe(calendarDaysAfter(julafton, 6));
  expect(overdueDays).toEqual([10, 12, 17].map((days) => calendarDaysAfter(julafton, days)));
  const withdrawnOn = calendarDaysAfter(overdueDays[2]!, 1);
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      expect(yes.deadline).toBe(endOfDayOracle(deadlineDate));
      await skipTo(withdrawnOn, '12:00');
      expect(sent(rec)).toEqual([
        `CREATED at ${wednesday} 10:00`,
        `ANSWERED_YES at ${wednesday} 10:00`,
        `DEADLINE_NEAR at ${workingDayBeforeOracle(deadlineDate)} 08:00`,
        ...overdueDays.map((date) => `OVERDUE at ${date} 08:00`),
      ]);
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      await skipTo(calendarDaysAfter(withdrawnOn, 20), '12:00');
      expect(sent(rec).at(-1)).toBe(`WITHDRAWN at ${withdrawnOn} 12:00`);
      expect(rec.mails).toHaveLength(7);
    },
    newInput({ createdAt }),
  );
});

test('a request left unanswered for a year keeps a small workflow history', async () => {
  const createdOn = calendarDaysAfter(await serverNow(), 7);
  const createdAt = await skipTo(createdOn, '10:00');
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await skipTo(calendarDaysAfter(createdOn, 366), '10:00');
      const history = await handle.fetchHistory();
      const events = history.events?.length ?? 0;
      // Reminders are planned once; after the escalation the workflow waits with no timer at all.
      expect(events).toBeLessThanOrEqual(60); // 49 with the default policy
      expect(rec.mails).toHaveLength(4);
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      await handle.result();
    },
    newInput({ createdAt }),
  );
});

test('a deadline set under one holiday table stays, and the workflow replays, after the table changes', async () => {
  const monday = await clearMonday();
  const createdAt = await skipTo(monday, '10:00');
  // Table A: the Swedish one plus an extra holiday on the Tuesday, a working day in table B.
  const extra = calendarDaysAfter(monday, 1);
  const tableA = createWorkingDayCalendar((year) => {
    const holidays = new Map(swedishHolidays(year));
    if (year === Number(extra.slice(0, 4))) holidays.set(extra, 'extra holiday');
    return holidays;
  });
  // The week has no other holiday, so with the Tuesday off the 5th working day is the 6th weekday.
  const deadlineUnderA = nthWorkingDayAfterOracle(monday, 6);
  const deadlineUnderB = nthWorkingDayAfterOracle(monday, 5);
  expect(deadlineUnderA).not.toBe(deadlineUnderB);
  const input = newInput({ createdAt });
  const taskQueue = `replay-${input.requestId}`;
  const { env, bundle } = testEnv;
  const handle = await env.client.workflow.start(licenseRequestWorkflow, {
    workflowId: licenseRequestWorkflowId(input.requestId),
    taskQueue,
    args: [input],
  });

  const underA = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: recordingActivities(tableA).activities,
    // No cache and so no sticky queue: every workflow task replays the history, and the next
    // worker picks up where this one stopped without waiting for a sticky queue to time out.
    maxCachedWorkflows: 0,
  });
  await underA.runUntil(async () => {
    const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
    expect(yes.deadlineDate).toBe(deadlineUnderA);
    // Let this worker finish what it has started, so no task is left in flight when it stops.
    await settled(handle);
  });

  // A new worker with the plain Swedish table replays the history and carries on with it.
  const underB = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: recordingActivities().activities,
    maxCachedWorkflows: 0,
  });
  await underB.runUntil(async () => {
    // Past the end of the deadline under table B: still awaiting assignment, under A's deadline.
    await skipTo(deadlineUnderA, '12:00');
    const state = await handle.query(statusQuery);
    expect(state.deadlineDate).toBe(deadlineUnderA);
    expect(state.status).toBe('AWAITING_ASSIGNMENT');
    await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
    await handle.result();
  });
  await Worker.runReplayHistory({ workflowBundle: bundle }, await handle.fetchHistory(), handle.workflowId);
});

test('a mail server that is down does not hold up the clock: OVERDUE at the deadline while mail keeps failing', async () => {
  const monday = await clearMonday();
  const createdAt = await skipTo(monday, '10:00');
  const deadlineDate = nthWorkingDayAfterOracle(monday, 5);
  const rec = recordingActivities();
  rec.activities.sendRequestMail = async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:25'); // retried for as long as it takes
  };
  await withWorkflow(
    testEnv,
    async (handle) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      expect(yes.deadline).toBe(endOfDayOracle(deadlineDate));
      await skipTo(calendarDaysAfter(deadlineDate, 1), '00:01');
      expect((await handle.query(statusQuery)).status).toBe('OVERDUE');
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
    },
    newInput({ createdAt }),
    rec,
  );
});

test('started late (e.g. after an outage): of the reminders already due only the latest of each kind goes out', async () => {
  // Created three weeks before the workflow starts, on a Monday followed by ten clear working
  // days: both reminders and the escalation are already due.
  const createdOn = await clearMonday();
  const startedOn = calendarDaysAfter(createdOn, 21);
  expect(nthWorkingDayAfterOracle(createdOn, 10) < startedOn).toBe(true);
  const createdAt = atStockholm(createdOn, '10:00');
  await skipTo(startedOn, '10:00');
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await skipTo(startedOn, '11:00');
      expect(rec.mails.map((m) => `${m.occasion} #${m.sequence}`)).toEqual([
        'CREATED #0',
        'UNANSWERED_REMINDER #1',
        'UNANSWERED_ESCALATION #0',
      ]);
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
    },
    newInput({ createdAt }),
  );
});

test('withdrawn while the YES is still computing its deadline: WITHDRAWN with no deadline', async () => {
  const createdAt = await serverNow();
  const rec = recordingActivities();
  let release: () => void = () => undefined;
  const computing = new Promise<void>((resolve) => (release = resolve));
  const real = recordingActivities().activities;
  rec.activities.computeDeadline = async (input) => {
    await computing;
    return real.computeDeadline(input);
  };
  await withWorkflow(
    testEnv,
    async (handle) => {
      const yes = handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      await new Promise((r) => setTimeout(r, 300));
      // The withdrawal takes effect at once; its write waits in line behind the deadline's
      // computation (no two local activities at once), so the computation is let go only then.
      const withdrawing = handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      while ((await handle.query(statusQuery)).status !== 'WITHDRAWN') await new Promise((r) => setTimeout(r, 50));
      release();
      expect((await withdrawing).status).toBe('WITHDRAWN');
      const answered = await yes;
      expect(answered).toMatchObject({ status: 'WITHDRAWN', response: 'YES', deadline: null });
      const result = await handle.result();
      expect(result.deadline).toBeNull();
      expect(rec.transitions.flatMap((t) => t.events.map((e) => e.event))).not.toContain('DEADLINE_SET');
      expect(rec.occasions()).toEqual(['CREATED', 'WITHDRAWN']);
    },
    newInput({ createdAt }),
    rec,
  );
});
