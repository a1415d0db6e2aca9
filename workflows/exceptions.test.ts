/**
 * Support's exceptions on the real Temporal time-skipping test server: extending the deadline
 * (before and after it passed), reopening a NO, resending the partner's notification, each in every
 * status, and their races with the partner's and the administrator's own calls. Every scenario
 * starts from the test server's clock; expected dates come from the independent calendar oracle.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  calendarDaysAfter,
  endOfDayOracle,
  isWorkingDayOracle,
  nonexistentDateAfter,
  nthWorkingDayAfterOracle,
  stockholmDateOf,
  stockholmWallClock,
  workingDayBeforeOracle,
} from '../test/helpers/calendar-oracle';
import {
  freshWorkflowTestEnvPerTest,
  newInput,
  withWorkflow,
  type Recording,
  type WorkflowTestEnv,
  serverClock,
} from '../test/helpers/workflow-env';
import {
  answerUpdate,
  assignSchoolsUpdate,
  extendDeadlineUpdate,
  reopenUpdate,
  resendNotificationUpdate,
  SearchAttributes,
  statusQuery,
  withdrawUpdate,
} from './definitions';

const partner = { role: 'partner' as const, partnerId: 'acme' };
const admin = { role: 'admin' as const };
const ALL = ['sch-1', 'sch-2', 'sch-3'];

let testEnv: WorkflowTestEnv;
freshWorkflowTestEnvPerTest((env) => (testEnv = env));

const clock = serverClock(() => testEnv);
const serverNow = clock.now;
const skipTo = clock.skipTo;
const clearMonday = (workingDays = 20) => clock.clearMonday(workingDays);

/** The mails so far as "OCCASION#sequence at yyyy-MM-dd HH:mm" (Stockholm time). */
const sent = (rec: Recording) => rec.mails.map((m) => `${m.occasion}#${m.sequence} at ${stockholmWallClock(m.at)}`);
const events = (rec: Recording) => rec.transitions.flatMap((t) => t.events);

/** Mail goes out in the background: waits until `count` mails of the occasion have been asked for. */
async function mailed(rec: Recording, occasion: string, count = 1): Promise<void> {
  for (let i = 0; i < 200 && rec.occasions().filter((o) => o === occasion).length < count; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function rejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

const extend = (date: string, reason = 'The schools renew their licenses') => ({
  args: [{ date, reason, by: admin }] as [{ date: string; reason: string; by: typeof admin }],
});

describe('extending the deadline', () => {
  test('while AWAITING_ASSIGNMENT: the deadline-near reminder comes a working day before the new date, the old one never', async () => {
    const monday = await clearMonday();
    const createdAt = await skipTo(monday, '10:00');
    const oldDate = nthWorkingDayAfterOracle(monday, 5);
    const newDate = nthWorkingDayAfterOracle(oldDate, 3);
    await withWorkflow(
      testEnv,
      async (handle, rec) => {
        const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        expect(yes.deadline).toBe(endOfDayOracle(oldDate));

        const extended = await handle.executeUpdate(extendDeadlineUpdate, extend(newDate));
        expect(extended).toMatchObject({
          status: 'AWAITING_ASSIGNMENT',
          deadline: endOfDayOracle(newDate),
          deadlineDate: newDate,
        });
        // Operators see the new deadline: the search attribute and the Web UI details follow it.
        const description = await handle.describe();
        expect(description.typedSearchAttributes.get(SearchAttributes.assignmentDeadline)).toEqual(
          new Date(endOfDayOracle(newDate)),
        );
        expect(events(rec).find((e) => e.event === 'DEADLINE_EXTENDED')?.detail).toEqual({
          from: endOfDayOracle(oldDate),
          to: endOfDayOracle(newDate),
          reason: 'The schools renew their licenses',
          by: admin,
        });

        // Past the old deadline: still waiting, nothing overdue.
        await skipTo(calendarDaysAfter(oldDate, 1), '12:00');
        expect((await handle.query(statusQuery)).status).toBe('AWAITING_ASSIGNMENT');
        await skipTo(calendarDaysAfter(newDate, 1), '00:01');
        expect((await handle.query(statusQuery)).status).toBe('OVERDUE');

        expect(sent(rec)).toEqual([
          `CREATED#0 at ${monday} 10:00`,
          `ANSWERED_YES#0 at ${monday} 10:00`,
          `DEADLINE_EXTENDED#0 at ${monday} 10:00`,
          `DEADLINE_EXTENDED_CONTACTS#0 at ${monday} 10:00`,
          `DEADLINE_NEAR#1 at ${workingDayBeforeOracle(newDate)} 08:00`,
        ]);
        expect(rec.mails.filter((m) => m.occasion.startsWith('DEADLINE_EXTENDED')).map((m) => m.reason)).toEqual([
          'The schools renew their licenses',
          'The schools renew their licenses',
        ]);
        // The reminder planned for the old date is recorded as cancelled.
        expect(
          events(rec)
            .filter((e) => e.event === 'REMINDER_SKIPPED')
            .map((e) => e.detail),
        ).toEqual([expect.objectContaining({ occasion: 'DEADLINE_NEAR', sequence: 0, reason: 'DEADLINE_EXTENDED' })]);
        await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
        expect((await handle.result()).status).toBe('WITHDRAWN');
      },
      newInput({ createdAt }),
    );
  });

  test('while OVERDUE: back to AWAITING_ASSIGNMENT, OVERDUE again only after the new deadline, with overdue mails of its own', async () => {
    const monday = await clearMonday();
    const createdAt = await skipTo(monday, '10:00');
    const oldDate = nthWorkingDayAfterOracle(monday, 5);
    const extendedOn = nthWorkingDayAfterOracle(oldDate, 1);
    const newDate = nthWorkingDayAfterOracle(oldDate, 4);
    await withWorkflow(
      testEnv,
      async (handle, rec) => {
        await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        await skipTo(extendedOn, '12:00'); // after the first overdue mail
        expect((await handle.query(statusQuery)).status).toBe('OVERDUE');

        const extended = await handle.executeUpdate(extendDeadlineUpdate, extend(newDate));
        expect(extended).toMatchObject({ status: 'AWAITING_ASSIGNMENT', deadline: endOfDayOracle(newDate) });
        expect((await handle.describe()).typedSearchAttributes.get(SearchAttributes.status)).toBe(
          'AWAITING_ASSIGNMENT',
        );

        await skipTo(newDate, '23:59');
        expect((await handle.query(statusQuery)).status).toBe('AWAITING_ASSIGNMENT');
        const secondOverdue = nthWorkingDayAfterOracle(newDate, 1);
        await skipTo(secondOverdue, '12:00');
        expect((await handle.query(statusQuery)).status).toBe('OVERDUE');
        expect(rec.transitions.map((t) => t.status).filter((s, i, all) => s !== all[i - 1])).toEqual([
          'AWAITING_ASSIGNMENT',
          'OVERDUE',
          'AWAITING_ASSIGNMENT',
          'OVERDUE',
        ]);
        // The second round's overdue mails never reuse the first round's keys (0-9), and support
        // hears of this overdue too.
        expect(sent(rec)).toEqual([
          `CREATED#0 at ${monday} 10:00`,
          `ANSWERED_YES#0 at ${monday} 10:00`,
          `DEADLINE_NEAR#0 at ${workingDayBeforeOracle(oldDate)} 08:00`,
          `OVERDUE#0 at ${extendedOn} 08:00`,
          `DEADLINE_EXTENDED#0 at ${extendedOn} 12:00`,
          `DEADLINE_EXTENDED_CONTACTS#0 at ${extendedOn} 12:00`,
          `DEADLINE_NEAR#1 at ${workingDayBeforeOracle(newDate)} 08:00`,
          `OVERDUE#10 at ${secondOverdue} 08:00`,
        ]);
        expect(rec.mails.at(-1)?.alsoToSupport).toBe(true);
        // The first round's next overdue mail (two working days after the first) was cancelled.
        expect(
          events(rec)
            .filter((e) => e.event === 'REMINDER_SKIPPED')
            .map((e) => e.detail),
        ).toEqual([expect.objectContaining({ occasion: 'OVERDUE', sequence: 1, reason: 'DEADLINE_EXTENDED' })]);

        await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ALL, by: partner }] });
        expect((await handle.result()).status).toBe('COMPLETED');
      },
      newInput({ createdAt }),
    );
  });

  test('a bad date is refused with what is wrong with it, and nothing changes', async () => {
    const monday = await clearMonday();
    const createdAt = await skipTo(monday, '10:00');
    const deadlineDate = nthWorkingDayAfterOracle(monday, 5);
    let notWorkingDay = calendarDaysAfter(deadlineDate, 1);
    while (isWorkingDayOracle(notWorkingDay)) notWorkingDay = calendarDaysAfter(notWorkingDay, 1);
    await withWorkflow(
      testEnv,
      async (handle, rec) => {
        await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        const before = await handle.query(statusQuery);
        const writes = rec.transitions.length;
        const problems: Array<[string, string]> = [
          [notWorkingDay, 'NOT_A_WORKING_DAY'],
          [deadlineDate, 'NOT_AFTER_CURRENT_DEADLINE'],
          [nthWorkingDayAfterOracle(monday, 2), 'NOT_AFTER_CURRENT_DEADLINE'],
          [calendarDaysAfter(monday, -3), 'IN_THE_PAST'],
          [nonexistentDateAfter(monday), 'NOT_A_WORKING_DAY'],
        ];
        for (const [date, problem] of problems) {
          const refused = await rejection(handle.executeUpdate(extendDeadlineUpdate, extend(date)));
          expect(refused.type).toBe('INVALID_DEADLINE');
          expect(refused.details).toEqual([
            {
              code: 'INVALID_DEADLINE',
              action: 'extend',
              status: 'AWAITING_ASSIGNMENT',
              response: 'YES',
              deadlineProblem: problem,
            },
          ]);
        }
        expect(await handle.query(statusQuery)).toEqual(before);
        expect(rec.transitions).toHaveLength(writes);
        await mailed(rec, 'ANSWERED_YES');
        expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_YES']);
        // Only support extends.
        const byPartner = { args: [{ date: nthWorkingDayAfterOracle(deadlineDate, 2), reason: 'x', by: partner }] };
        expect((await rejection(handle.executeUpdate(extendDeadlineUpdate, byPartner as never))).type).toBe(
          'WRONG_ROLE',
        );
      },
      newInput({ createdAt }),
    );
  });

  test('refused in every other status: before the answer, after a NO, once completed or withdrawn', async () => {
    const later = nthWorkingDayAfterOracle(stockholmDateOf(await serverNow()), 20);
    const refusedWith = async (setUp: (handle: Parameters<Parameters<typeof withWorkflow>[1]>[0]) => Promise<void>) => {
      let code: string | undefined;
      await withWorkflow(testEnv, async (handle, rec) => {
        await setUp(handle);
        code = (await rejection(handle.executeUpdate(extendDeadlineUpdate, extend(later)))).type ?? undefined;
        expect(events(rec).some((e) => e.event === 'DEADLINE_EXTENDED')).toBe(false);
        expect(rec.occasions()).not.toContain('DEADLINE_EXTENDED');
      });
      return code;
    };
    expect(await refusedWith(async () => undefined)).toBe('NOT_YET_ANSWERED');
    expect(
      await refusedWith(
        async (h) => void (await h.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] })),
      ),
    ).toBe('FINISHED');
    expect(
      await refusedWith(async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        await h.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ALL, by: partner }] });
      }),
    ).toBe('FINISHED');
    expect(
      await refusedWith(async (h) => {
        await h.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        await h.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      }),
    ).toBe('WITHDRAWN');
  });

  test('racing an assignment: both succeed and the state has both', async () => {
    await withWorkflow(testEnv, async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      const newDate = nthWorkingDayAfterOracle(yes.deadlineDate!, 2);
      const [extended, assigned] = await Promise.all([
        handle.executeUpdate(extendDeadlineUpdate, extend(newDate)),
        handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] }),
      ]);
      expect(extended.deadlineDate).toBe(newDate);
      expect(assigned.status).toBe('AWAITING_ASSIGNMENT');
      const state = await handle.query(statusQuery);
      expect(state).toMatchObject({ status: 'AWAITING_ASSIGNMENT', deadlineDate: newDate });
      expect(state.schools['sch-1']).toBe('ASSIGNED');
      // The read model's last write has both.
      expect(rec.transitions.at(-1)).toMatchObject({ deadline: endOfDayOracle(newDate) });
      expect(rec.transitions.flatMap((t) => t.schools)).toContainEqual({ skolonId: 'sch-1', assignment: 'ASSIGNED' });
    });
  });

  test('racing the assignment that completes the request: the extension is refused once it is COMPLETED, or comes first', async () => {
    await withWorkflow(testEnv, async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      const newDate = nthWorkingDayAfterOracle(yes.deadlineDate!, 2);
      const [extension, assignment] = await Promise.allSettled([
        handle.executeUpdate(extendDeadlineUpdate, extend(newDate)),
        handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ALL, by: partner }] }),
      ]);
      expect(assignment.status).toBe('fulfilled');
      const result = await handle.result();
      expect(result.status).toBe('COMPLETED');
      if (extension.status === 'rejected') {
        expect(((extension.reason as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('FINISHED');
        expect(result.deadlineDate).toBe(yes.deadlineDate);
        expect(rec.occasions()).not.toContain('DEADLINE_EXTENDED');
      } else expect(result.deadlineDate).toBe(newDate);
    });
  });

  test('racing a withdrawal: the withdrawal wins, the extension is refused and mails nobody', async () => {
    await withWorkflow(testEnv, async (handle, rec) => {
      const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      const newDate = nthWorkingDayAfterOracle(yes.deadlineDate!, 2);
      const [extension, withdrawal] = await Promise.allSettled([
        handle.executeUpdate(extendDeadlineUpdate, extend(newDate)),
        handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] }),
      ]);
      expect(withdrawal.status).toBe('fulfilled');
      const result = await handle.result();
      expect(result.status).toBe('WITHDRAWN');
      if (extension.status === 'rejected') {
        // Refused by its validator, or after its date was checked: either way nothing of it remains.
        expect(((extension.reason as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('WITHDRAWN');
        expect(result.deadlineDate).toBe(yes.deadlineDate);
        expect(events(rec).some((e) => e.event === 'DEADLINE_EXTENDED')).toBe(false);
        expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_YES', 'WITHDRAWN']);
      } else {
        // The extension was done before the withdrawal arrived: one after the other, both stand.
        expect(result.deadlineDate).toBe(newDate);
      }
    });
  });
});

describe('reopening a NO', () => {
  test('within the window: AWAITING_ANSWER as new, the partner mailed with the reason, reminders start over, then a YES works as usual', async () => {
    const monday = await clearMonday(30);
    const createdAt = await skipTo(monday, '10:00');
    const reopenedOn = nthWorkingDayAfterOracle(monday, 3);
    await withWorkflow(
      testEnv,
      async (handle, rec) => {
        const no = await handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
        expect(no.status).toBe('DECLINED');
        // The NO's window, decided with the NO and recorded with it: 30 days.
        const answered = events(rec).find((e) => e.event === 'ANSWERED')!;
        const until = new Date((answered.detail as { reopenableUntil: string }).reopenableUntil);
        expect(stockholmWallClock(until)).toBe(`${calendarDaysAfter(monday, 30)} 10:00`);

        await skipTo(reopenedOn, '11:00');
        const reopened = await handle.executeUpdate(reopenUpdate, {
          args: [{ reason: 'The partner clicked NO by mistake', by: admin }],
        });
        expect(reopened).toMatchObject({
          status: 'AWAITING_ANSWER',
          response: 'UNANSWERED',
          answeredAt: null,
          deadline: null,
          finishedAt: null,
          pendingSchools: 3,
        });
        expect((await handle.query(statusQuery)).schools).toEqual({
          'sch-1': 'PENDING',
          'sch-2': 'PENDING',
          'sch-3': 'PENDING',
        });
        const reopenWrite = rec.transitions.at(-1)!;
        expect(reopenWrite).toMatchObject({ status: 'AWAITING_ANSWER', response: 'UNANSWERED', finishedAt: null });
        expect(reopenWrite.schools.map((s) => s.assignment)).toEqual(['PENDING', 'PENDING', 'PENDING']);
        expect(reopenWrite.events.map((e) => [e.event, e.detail])).toEqual([
          ['REOPENED', { reason: 'The partner clicked NO by mistake', by: admin }],
        ]);

        // The reminders start over from the reopening (the first round's keys are not reused).
        await skipTo(nthWorkingDayAfterOracle(reopenedOn, 5), '12:00');
        expect(sent(rec)).toEqual([
          `CREATED#0 at ${monday} 10:00`,
          `ANSWERED_NO#0 at ${monday} 10:00`,
          `REOPENED#0 at ${reopenedOn} 11:00`,
          `UNANSWERED_REMINDER#2 at ${nthWorkingDayAfterOracle(reopenedOn, 2)} 08:00`,
          `UNANSWERED_REMINDER#3 at ${nthWorkingDayAfterOracle(reopenedOn, 5)} 08:00`,
        ]);
        expect(rec.mails.find((m) => m.occasion === 'REOPENED')?.reason).toBe('The partner clicked NO by mistake');
        // Resending now sends this round's request mail, with its reason.
        await handle.executeUpdate(resendNotificationUpdate, { args: [{ by: admin }] });

        const yes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        expect(yes.status).toBe('AWAITING_ASSIGNMENT');
        await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ALL, by: partner }] });
        // Same workflow, same run, to the end.
        expect((await handle.result()).status).toBe('COMPLETED');
        expect(rec.mails.slice(5).map((m) => [m.occasion, m.sequence, m.reason])).toEqual([
          ['REOPENED', 1, 'The partner clicked NO by mistake'],
          ['ANSWERED_YES', 0, undefined],
          ['COMPLETED', 0, undefined],
        ]);
        // The history keeps the NO and the reopening.
        expect(
          events(rec)
            .map((e) => e.event)
            .filter((e) => e !== 'REMINDER_SKIPPED'),
        ).toEqual([
          'ANSWERED',
          'REOPENED',
          'NOTIFICATION_RESENT',
          'ANSWERED',
          'DEADLINE_SET',
          'SCHOOLS_ASSIGNED',
          'COMPLETED',
        ]);
      },
      newInput({ createdAt }),
    );
  });

  test('a second NO after a reopening opens a new window, and its mail has a key of its own', async () => {
    await withWorkflow(testEnv, async (handle, rec) => {
      await handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
      await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'Mistake', by: admin }] });
      const again = await handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
      expect(again.status).toBe('DECLINED');
      await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'Mistake again', by: admin }] });
      expect((await handle.query(statusQuery)).status).toBe('AWAITING_ANSWER');
      await mailed(rec, 'REOPENED', 2);
      expect(rec.mails.map((m) => `${m.occasion}#${m.sequence}`)).toEqual([
        'CREATED#0',
        'ANSWERED_NO#0',
        'REOPENED#0',
        'ANSWERED_NO#1',
        'REOPENED#1',
      ]);
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      expect((await handle.result()).status).toBe('WITHDRAWN');
    });
  });

  test('two reopenings at once: one succeeds, the other is refused', async () => {
    await withWorkflow(testEnv, async (handle, rec) => {
      await handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
      const results = await Promise.allSettled([
        handle.executeUpdate(reopenUpdate, { args: [{ reason: 'First', by: admin }] }),
        handle.executeUpdate(reopenUpdate, { args: [{ reason: 'Second', by: admin }] }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(((refused.reason as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('NOT_DECLINED');
      expect(events(rec).filter((e) => e.event === 'REOPENED')).toHaveLength(1);
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      await handle.result();
      expect(rec.occasions().filter((o) => o === 'REOPENED')).toHaveLength(1);
    });
  });

  test('after the window: the workflow has ended DECLINED, and a reopening cannot reach it', async () => {
    await withWorkflow(testEnv, async (handle, rec) => {
      const no = await handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
      // Waiting for the result skips time to the window's end (30 days): nothing else was scheduled.
      const result = await handle.result();
      expect(result.status).toBe('DECLINED');
      const ended = (await handle.describe()).closeTime!;
      expect(ended.getTime() - Date.parse(no.answeredAt!)).toBeGreaterThanOrEqual(30 * 86_400_000 - 3_600_000);
      await expect(handle.executeUpdate(reopenUpdate, { args: [{ reason: 'Too late', by: admin }] })).rejects.toThrow();
      expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_NO']);
    });
  });

  test('refused in every other status', async () => {
    await withWorkflow(testEnv, async (handle, rec) => {
      const reopen = () => rejection(handle.executeUpdate(reopenUpdate, { args: [{ reason: 'x', by: admin }] }));
      expect((await reopen()).type).toBe('NOT_DECLINED');
      await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', schools: ['sch-1'], by: partner }] });
      expect((await reopen()).type).toBe('NOT_DECLINED');
      await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] });
      expect((await reopen()).type).toBe('NOT_DECLINED');
      expect(events(rec).some((e) => e.event === 'REOPENED')).toBe(false);
    });
    await withWorkflow(testEnv, async (handle) => {
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      const refused = await rejection(handle.executeUpdate(reopenUpdate, { args: [{ reason: 'x', by: admin }] }));
      expect(refused.type).toBe('WITHDRAWN');
    });
  });
});

describe('resending the partner notification', () => {
  test('in each open status: the notification for that status, to the partner only, a new key each time', async () => {
    const monday = await clearMonday();
    const createdAt = await skipTo(monday, '10:00');
    const deadlineDate = nthWorkingDayAfterOracle(monday, 5);
    const overdueOn = nthWorkingDayAfterOracle(deadlineDate, 1);
    await withWorkflow(
      testEnv,
      async (handle, rec) => {
        const resend = () => handle.executeUpdate(resendNotificationUpdate, { args: [{ by: admin }] });
        expect((await resend()).status).toBe('AWAITING_ANSWER');
        await resend();
        await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
        expect((await resend()).status).toBe('AWAITING_ASSIGNMENT');
        await skipTo(overdueOn, '12:00');
        expect((await resend()).status).toBe('OVERDUE');
        await mailed(rec, 'OVERDUE', 2);

        expect(sent(rec)).toEqual([
          `CREATED#0 at ${monday} 10:00`,
          `CREATED#1 at ${monday} 10:00`,
          `CREATED#2 at ${monday} 10:00`,
          `ANSWERED_YES#0 at ${monday} 10:00`,
          `DEADLINE_NEAR#1 at ${monday} 10:00`,
          `DEADLINE_NEAR#0 at ${workingDayBeforeOracle(deadlineDate)} 08:00`,
          `OVERDUE#0 at ${overdueOn} 08:00`,
          `OVERDUE#10 at ${overdueOn} 12:00`,
        ]);
        // Each mail is its own (occasion, sequence): its own Message-ID.
        const keys = rec.mails.map((m) => `${m.occasion}-${m.sequence}`);
        expect(new Set(keys).size).toBe(keys.length);
        // Support is copied on the first overdue mail, not on the resend.
        expect(rec.mails.at(-1)?.alsoToSupport).toBeUndefined();
        expect(
          events(rec)
            .filter((e) => e.event === 'NOTIFICATION_RESENT')
            .map((e) => e.detail),
        ).toEqual([
          { occasion: 'CREATED', by: admin },
          { occasion: 'CREATED', by: admin },
          { occasion: 'DEADLINE_NEAR', by: admin },
          { occasion: 'OVERDUE', by: admin },
        ]);
        await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      },
      newInput({ createdAt }),
    );
  });

  test('refused once finished: COMPLETED, DECLINED, WITHDRAWN', async () => {
    await withWorkflow(testEnv, async (handle, rec) => {
      await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ALL, by: partner }] });
      const refused = await rejection(handle.executeUpdate(resendNotificationUpdate, { args: [{ by: admin }] }));
      expect(refused.type).toBe('FINISHED');
      // The mails go out after the updates answer: the run ends once they are sent.
      await handle.result();
      expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_YES', 'COMPLETED']);
    });
    await withWorkflow(testEnv, async (handle) => {
      await handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
      const refused = await rejection(handle.executeUpdate(resendNotificationUpdate, { args: [{ by: admin }] }));
      expect(refused.type).toBe('FINISHED');
    });
    await withWorkflow(testEnv, async (handle) => {
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      const refused = await rejection(handle.executeUpdate(resendNotificationUpdate, { args: [{ by: admin }] }));
      expect(refused.type).toBe('WITHDRAWN');
    });
  });
});
