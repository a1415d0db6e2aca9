/**
 * When reminders, escalation and overdue mail go out, on the time-skipping test server with the
 * real workflow and the real calendar activities. Every test moves the server's clock to a fixed
 * Stockholm date and asserts the exact local time of each mail.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { createWorkingDayCalendar, STOCKHOLM, swedishHolidays } from '../domain/working-days';
import {
  freshWorkflowTestEnvPerTest,
  newInput,
  recordingActivities,
  withWorkflow,
  type Recording,
  type WorkflowTestEnv,
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

/** A Stockholm wall-clock time, e.g. '2027-01-11 09:00'. */
const local = (text: string) => DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone: STOCKHOLM }).toJSDate();

/** Moves the test server's clock forward to a Stockholm wall-clock time. */
async function skipTo(text: string): Promise<Date> {
  const target = local(text);
  const now = await testEnv.env.currentTimeMs();
  if (target.getTime() < now) throw new Error(`${text} is already in the past on the test server`);
  await testEnv.env.sleep(target.getTime() - now);
  return target;
}

/** Waits until the workflow has no activity or workflow task outstanding. */
async function settled(handle: WorkflowHandle): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { raw } = await handle.describe();
    if ((raw.pendingActivities?.length ?? 0) === 0 && !raw.pendingWorkflowTask) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the workflow did not settle');
}

/** The mails so far as "OCCASION at yyyy-MM-dd HH:mm" (Stockholm time). */
const sent = (rec: Recording) =>
  rec.mails.map(
    (m) => `${m.occasion} at ${DateTime.fromJSDate(m.at, { zone: STOCKHOLM }).toFormat('yyyy-MM-dd HH:mm')}`,
  );

test('silent partner: reminders after 2 and 5 working days at 08:00, support escalation after 10, then nothing more', async () => {
  const createdAt = await skipTo('2027-01-11 09:00'); // a Monday
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await skipTo('2027-02-22 12:00');
      expect(sent(rec)).toEqual([
        'CREATED at 2027-01-11 09:00',
        'UNANSWERED_REMINDER at 2027-01-13 08:00',
        'UNANSWERED_REMINDER at 2027-01-18 08:00',
        'UNANSWERED_ESCALATION at 2027-01-25 08:00',
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
  const createdAt = await skipTo('2027-03-01 10:00'); // Monday
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      expect(yes.deadline).toBe('2027-03-08T23:59:59.999+01:00');

      await skipTo('2027-03-08 23:59');
      expect((await handle.query(statusQuery)).status).toBe('AWAITING_ASSIGNMENT');
      await skipTo('2027-03-09 00:01');
      expect((await handle.query(statusQuery)).status).toBe('OVERDUE');
      // Operators filter on it: the search attribute follows the status.
      const attributes = (await handle.describe()).typedSearchAttributes;
      expect(attributes.get(SearchAttributes.status)).toBe('OVERDUE');
      expect(attributes.get(SearchAttributes.assignmentDeadline)).toEqual(new Date(yes.deadline!));
      const overdue = rec.transitions.find((t) => t.status === 'OVERDUE');
      expect(Date.parse(overdue!.events[0]!.at)).toBeGreaterThan(Date.parse(yes.deadline!));

      await skipTo('2027-03-16 12:00');
      expect(sent(rec)).toEqual([
        'CREATED at 2027-03-01 10:00',
        'ANSWERED_YES at 2027-03-01 10:00',
        'DEADLINE_NEAR at 2027-03-05 08:00',
        'OVERDUE at 2027-03-09 08:00',
        'OVERDUE at 2027-03-11 08:00',
        'OVERDUE at 2027-03-15 08:00',
      ]);
      expect(rec.mails.filter((m) => m.occasion === 'OVERDUE').map((m) => m.sequence)).toEqual([0, 1, 2]);

      await handle.executeUpdate(assignSchoolsUpdate, {
        args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }],
      });
      expect((await handle.result()).status).toBe('COMPLETED');
      expect(sent(rec).at(-1)).toBe('COMPLETED at 2027-03-16 12:00');
    },
    newInput({ createdAt }),
  );
});

test('YES then partial assignment, the rest before the deadline: one deadline-near reminder, no overdue mail', async () => {
  const createdAt = await skipTo('2027-04-12 10:00'); // Monday
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await handle.executeUpdate(answerUpdate, {
        args: [{ response: 'YES', schools: ['sch-1', 'sch-2'], by: partner }],
      });
      await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] });
      await skipTo('2027-04-19 12:00'); // the deadline day
      await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-2'], by: partner }] });
      expect((await handle.result()).status).toBe('COMPLETED');
      expect(sent(rec)).toEqual([
        'CREATED at 2027-04-12 10:00',
        'ANSWERED_YES at 2027-04-12 10:00',
        'DEADLINE_NEAR at 2027-04-16 08:00',
        'COMPLETED at 2027-04-19 12:00',
      ]);
    },
    newInput({ createdAt }),
  );
});

test('withdrawn while unanswered after the first reminder: no further reminder or escalation', async () => {
  const createdAt = await skipTo('2027-05-03 10:00'); // Monday
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await skipTo('2027-05-06 12:00'); // Ascension Day, after the first reminder
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      await skipTo('2027-05-31 12:00');
      expect(sent(rec)).toEqual([
        'CREATED at 2027-05-03 10:00',
        'UNANSWERED_REMINDER at 2027-05-05 08:00',
        'WITHDRAWN at 2027-05-06 12:00',
      ]);
    },
    newInput({ createdAt }),
  );
});

test('withdrawn while awaiting assignment before the deadline-near reminder: that reminder never goes out', async () => {
  const createdAt = await skipTo('2027-06-07 10:00'); // Monday
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      await skipTo('2027-06-08 12:00');
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      await skipTo('2027-06-21 12:00');
      expect(sent(rec)).toEqual([
        'CREATED at 2027-06-07 10:00',
        'ANSWERED_YES at 2027-06-07 10:00',
        'WITHDRAWN at 2027-06-08 12:00',
      ]);
    },
    newInput({ createdAt }),
  );
});

test('YES the day before midsommarafton: the eve does not count, the reminder comes on Thursday 1 July', async () => {
  const createdAt = await skipTo('2027-06-24 14:00'); // Thursday; Friday 25 June is midsommarafton
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      expect(yes.deadline).toBe('2027-07-02T23:59:59.999+02:00');
      await skipTo('2027-07-01 12:00');
      await handle.executeUpdate(assignSchoolsUpdate, {
        args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }],
      });
      expect((await handle.result()).status).toBe('COMPLETED');
      expect(sent(rec)).toEqual([
        'CREATED at 2027-06-24 14:00',
        'ANSWERED_YES at 2027-06-24 14:00',
        'DEADLINE_NEAR at 2027-07-01 08:00',
        'COMPLETED at 2027-07-01 12:00',
      ]);
    },
    newInput({ createdAt }),
  );
});

test('YES just before Christmas: deadline after the holidays, overdue mail skips nyårsafton and trettondagen, withdrawn while OVERDUE', async () => {
  const createdAt = await skipTo('2027-12-22 10:00'); // Wednesday; 24 and 31 December are eves
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      expect(yes.deadline).toBe('2027-12-30T23:59:59.999+01:00');
      await skipTo('2028-01-11 12:00');
      expect(sent(rec)).toEqual([
        'CREATED at 2027-12-22 10:00',
        'ANSWERED_YES at 2027-12-22 10:00',
        'DEADLINE_NEAR at 2027-12-29 08:00',
        'OVERDUE at 2028-01-03 08:00',
        'OVERDUE at 2028-01-05 08:00',
        'OVERDUE at 2028-01-10 08:00',
      ]);
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      await skipTo('2028-01-31 12:00');
      expect(sent(rec).at(-1)).toBe('WITHDRAWN at 2028-01-11 12:00');
      expect(rec.mails).toHaveLength(7);
    },
    newInput({ createdAt }),
  );
});

test('a request left unanswered for a year keeps a small workflow history', async () => {
  const createdAt = await skipTo('2028-02-01 10:00');
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await skipTo('2029-02-01 10:00');
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
  const createdAt = await skipTo('2029-02-05 10:00'); // Monday
  // Table A: the Swedish one plus an extra holiday on Tuesday 6 February 2029.
  const tableA = createWorkingDayCalendar((year) => {
    const holidays = new Map(swedishHolidays(year));
    if (year === 2029) holidays.set('2029-02-06', 'extra holiday');
    return holidays;
  });
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
    expect(yes.deadlineDate).toBe('2029-02-13'); // under table B it would be 2029-02-12
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
    await skipTo('2029-02-13 12:00');
    const state = await handle.query(statusQuery);
    expect(state.deadlineDate).toBe('2029-02-13');
    expect(state.status).toBe('AWAITING_ASSIGNMENT');
    await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
    await handle.result();
  });
  await Worker.runReplayHistory({ workflowBundle: bundle }, await handle.fetchHistory(), handle.workflowId);
});

test('a mail server that is down does not hold up the clock: OVERDUE at the deadline while mail keeps failing', async () => {
  const createdAt = await skipTo('2029-03-05 10:00'); // Monday
  const rec = recordingActivities();
  rec.activities.sendRequestMail = async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:25'); // retried for as long as it takes
  };
  await withWorkflow(
    testEnv,
    async (handle) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      expect(yes.deadline).toBe('2029-03-12T23:59:59.999+01:00');
      await skipTo('2029-03-13 00:01');
      expect((await handle.query(statusQuery)).status).toBe('OVERDUE');
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
    },
    newInput({ createdAt }),
    rec,
  );
});

test('started late (e.g. after an outage): of the reminders already due only the latest of each kind goes out', async () => {
  const now = await skipTo('2029-04-16 10:00'); // Monday
  // Created 15 working days ago: both reminders and the escalation are already due.
  const createdAt = new Date(now.getTime() - 21 * 86_400_000);
  await withWorkflow(
    testEnv,
    async (handle, rec) => {
      await skipTo('2029-04-16 11:00');
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
  await skipTo('2029-05-07 10:00');
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
      const withdrawn = await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      expect(withdrawn.status).toBe('WITHDRAWN');
      release();
      const answered = await yes;
      expect(answered).toMatchObject({ status: 'WITHDRAWN', response: 'YES', deadline: null });
      const result = await handle.result();
      expect(result.deadline).toBeNull();
      expect(rec.transitions.flatMap((t) => t.events.map((e) => e.event))).not.toContain('DEADLINE_SET');
      expect(rec.occasions()).toEqual(['CREATED', 'WITHDRAWN']);
    },
    newInput(),
    rec,
  );
});
