/**
 * The process on the real Temporal time-skipping test server: every path of contract.md's "The
 * process" and every transition the validators must refuse. Reminder timing: reminders.test.ts.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import {
  assignmentDeadlineDateOracle,
  endOfDayOracle,
  nthWorkingDayAfterOracle,
  stockholmDateOf,
} from '../test/helpers/calendar-oracle';
import {
  createByUpdateWithStart,
  freshWorkflowTestEnvPerTest,
  newInput,
  recordingActivities,
  withTestWorker,
  withWorkflow as withWorkflowIn,
  type WorkflowTestEnv,
} from '../test/helpers/workflow-env';
import {
  answerUpdate,
  assignSchoolsUpdate,
  createUpdate,
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

const withWorkflow = (...args: Parameters<typeof withWorkflowIn> extends [unknown, ...infer Rest] ? Rest : never) =>
  withWorkflowIn(testEnv, ...args);

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

test('partner answers YES for all schools and assigns them: contacts told, request COMPLETED', async () => {
  await withWorkflow(async (handle, rec) => {
    const afterYes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
    expect(afterYes.status).toBe('AWAITING_ASSIGNMENT');
    expect(afterYes.response).toBe('YES');
    expect(afterYes.deadline).toMatch(/T23:59:59\.999\+0[12]:00$/);
    expect(afterYes.pendingSchools).toBe(3);
    expect(Object.values((await handle.query(statusQuery)).schools)).toEqual(['PENDING', 'PENDING', 'PENDING']);

    const partly = await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] });
    expect(partly.status).toBe('AWAITING_ASSIGNMENT');
    const done = await handle.executeUpdate(assignSchoolsUpdate, {
      args: [{ schools: ['sch-2', 'sch-3'], by: partner }],
    });
    expect(done.status).toBe('COMPLETED');
    expect(done.finishedAt).not.toBeNull();

    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_YES', 'COMPLETED']);
    // The read model got every transition, in order, ending COMPLETED.
    expect(rec.transitions.map((t) => t.version)).toEqual([1, 2, 3]);
    expect(rec.transitions.at(-1)?.status).toBe('COMPLETED');
    expect(rec.transitions.flatMap((t) => t.events.map((e) => e.event))).toEqual([
      'ANSWERED',
      'DEADLINE_SET',
      'SCHOOLS_ASSIGNED',
      'SCHOOLS_ASSIGNED',
      'COMPLETED',
    ]);
  });
});

test('partner answers YES for a subset: the other schools are NOT_LICENSED and only the subset is needed', async () => {
  await withWorkflow(async (handle, rec) => {
    const afterYes = await handle.executeUpdate(answerUpdate, {
      args: [{ response: 'YES', schools: ['sch-2'], by: partner }],
    });
    expect(afterYes.pendingSchools).toBe(1);
    expect((await handle.query(statusQuery)).schools).toEqual({
      'sch-1': 'NOT_LICENSED',
      'sch-2': 'PENDING',
      'sch-3': 'NOT_LICENSED',
    });

    const notLicensed = await rejection(
      handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] }),
    );
    expect(notLicensed.type).toBe('SCHOOL_NOT_LICENSED');
    expect(notLicensed.details).toEqual([
      {
        code: 'SCHOOL_NOT_LICENSED',
        action: 'assign',
        status: 'AWAITING_ASSIGNMENT',
        response: 'YES',
        schools: ['sch-1'],
      },
    ]);

    const done = await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-2'], by: partner }] });
    expect(done.status).toBe('COMPLETED');
    expect((await handle.result()).status).toBe('COMPLETED');
    expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_YES', 'COMPLETED']);
  });
});

test('partner answers NO: contacts are told, request DECLINED, no reminders or further mail', async () => {
  await withWorkflow(async (handle, rec) => {
    const declined = await handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] });
    expect(declined.status).toBe('DECLINED');
    expect(declined.response).toBe('NO');
    expect(declined.deadline).toBeNull();
    const result = await handle.result();
    expect(result.status).toBe('DECLINED');
    expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_NO']);
  });
});

test('withdrawn while awaiting the answer: WITHDRAWN and the partner is told', async () => {
  await withWorkflow(async (handle, rec) => {
    const withdrawn = await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
    expect(withdrawn.status).toBe('WITHDRAWN');
    expect((await handle.result()).status).toBe('WITHDRAWN');
    expect(rec.occasions()).toEqual(['CREATED', 'WITHDRAWN']);
  });
});

test('withdrawn while awaiting assignment: WITHDRAWN, partner told, no overdue mail ever', async () => {
  await withWorkflow(async (handle, rec) => {
    await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
    await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
    expect((await handle.result()).status).toBe('WITHDRAWN');
    await testEnv.env.sleep('30 days');
    expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_YES', 'WITHDRAWN']);
  });
});

test('a desired availability earlier than five working days sets the deadline', async () => {
  // Two working days after the test server's today: earlier than the five-day date.
  const desired = nthWorkingDayAfterOracle(stockholmDateOf(await testEnv.env.currentTimeMs()), 2);
  await withWorkflow(
    async (handle) => {
      const afterYes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      // Even if the YES crossed midnight, the desired date is still after the answer day and
      // before its five-day date, so it is the deadline.
      expect(afterYes.deadlineDate).toBe(desired);
      expect(afterYes.deadlineDate).toBe(assignmentDeadlineDateOracle(new Date(afterYes.answeredAt!), desired));
      expect(afterYes.deadline).toBe(endOfDayOracle(afterYes.deadlineDate!));
    },
    newInput({ schoolIds: ['sch-1'], desiredAvailability: desired }),
  );
});

test('a desired availability already past when the partner says YES: the deadline is the end of the answer day', async () => {
  await withWorkflow(
    async (handle) => {
      const afterYes = await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      const answeredOn = stockholmDateOf(new Date(afterYes.answeredAt!));
      expect(afterYes.deadlineDate).toBe(answeredOn);
      expect(afterYes.deadline).toBe(endOfDayOracle(answeredOn));
    },
    newInput({ schoolIds: ['sch-1'], desiredAvailability: '2020-01-01' }),
  );
});

test('validators refuse what the status does not allow, and nothing changes', async () => {
  await withWorkflow(async (handle, rec) => {
    // Assigning before any answer.
    expect(
      (await rejection(handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] })))
        .type,
    ).toBe('NOT_YET_ANSWERED');
    // YES naming a school that is not in the request, or naming none.
    expect(
      (
        await rejection(
          handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', schools: ['nope'], by: partner }] }),
        )
      ).type,
    ).toBe('UNKNOWN_SCHOOLS');
    expect(
      (await rejection(handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', schools: [], by: partner }] })))
        .type,
    ).toBe('NO_SCHOOLS_NAMED');
    // The platform's administrator does not answer, nor the partner withdraw.
    expect((await rejection(handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: admin }] }))).type).toBe(
      'WRONG_ROLE',
    );
    expect((await rejection(handle.executeUpdate(withdrawUpdate, { args: [{ by: partner }] }))).type).toBe(
      'WRONG_ROLE',
    );
    expect((await handle.query(statusQuery)).status).toBe('AWAITING_ANSWER');
    expect(rec.transitions).toHaveLength(0);

    await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
    // A second answer.
    expect(
      (await rejection(handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] }))).type,
    ).toBe('ALREADY_ANSWERED');
    // Assigning a school twice is not an error and changes nothing.
    await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] });
    const writes = rec.transitions.length;
    const again = await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] });
    expect(again.pendingSchools).toBe(2);
    expect((await handle.query(statusQuery)).schools['sch-1']).toBe('ASSIGNED');
    expect(rec.transitions).toHaveLength(writes);
    expect((await handle.query(statusQuery)).response).toBe('YES');
  });
});

test('concurrent answers: exactly one is accepted', async () => {
  await withWorkflow(async (handle) => {
    const results = await Promise.allSettled([
      handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] }),
      handle.executeUpdate(answerUpdate, { args: [{ response: 'NO', by: partner }] }),
      handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ response: string }>;
    expect((await handle.query(statusQuery)).response).toBe(winner.value.response);
  });
});

test('school ids that look like object internals ("constructor", "__proto__") are ordinary ids', async () => {
  await withWorkflow(
    async (handle) => {
      const unknown = await rejection(
        handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', schools: ['constructor'], by: partner }] }),
      );
      expect(unknown.type).toBe('UNKNOWN_SCHOOLS');
      await handle.executeUpdate(answerUpdate, {
        args: [{ response: 'YES', schools: ['__proto__'], by: partner }],
      });
      expect((await handle.query(statusQuery)).schools).toEqual(
        Object.fromEntries([
          ['__proto__', 'PENDING'],
          ['toString', 'NOT_LICENSED'],
        ]),
      );
      const done = await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['__proto__'], by: partner }] });
      expect(done.status).toBe('COMPLETED');
    },
    newInput({ schoolIds: ['__proto__', 'toString'] }),
  );
});

test('operators can filter on the pending schools: LicenseRequestPendingSchools follows the answer and each assignment', async () => {
  await withWorkflow(async (handle) => {
    const pending = async () => (await handle.describe()).typedSearchAttributes.get(SearchAttributes.pendingSchools);
    expect(await pending()).toBeUndefined(); // not answered yet
    await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', schools: ['sch-1', 'sch-3'], by: partner }] });
    expect(await pending()).toBe(2);
    await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-3'], by: partner }] });
    expect(await pending()).toBe(1);
    await handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: ['sch-1'], by: partner }] });
    await handle.result();
    expect(await pending()).toBe(0);
  });
});

test('the workflow stores its request first, and the create update answers once it has', async () => {
  const rec = recordingActivities();
  rec.activities.recordRequest = async (input) => {
    // A slow database: the create must still answer only after the request is stored.
    await new Promise((resolve) => setTimeout(resolve, 300));
    rec.requests.push(input);
    return true;
  };
  const input = newInput();
  await withWorkflow(
    async (handle) => {
      // withWorkflow's create (update-with-start) has answered: the request is stored.
      expect(rec.requests).toEqual([input]);
      // The create again (a retried create call) is the same update, answered with the first outcome.
      const again = await handle.executeUpdate(createUpdate, { updateId: 'create' });
      expect(again).toMatchObject({ requestId: input.requestId, status: 'AWAITING_ANSWER', pendingSchools: 3 });
      expect(rec.requests).toHaveLength(1);
    },
    input,
    rec,
  );
});

test('a create without a key that reaches a worker after its storeBy is not stored: the workflow ends with no request and no mail', async () => {
  // Its caller was told 503 (no worker answered in time) and may send it again without a key: the
  // first must not turn up later as a second request.
  const rec = recordingActivities();
  const input = { ...newInput(), storeBy: new Date(Date.now() - 1000).toISOString() };
  const taskQueue = `test-${input.requestId}`;
  await withTestWorker(testEnv, taskQueue, rec, async () => {
    const { created, handle: workflow } = createByUpdateWithStart(testEnv, input, taskQueue);
    await expect(created).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await created.catch((error: WorkflowUpdateFailedError) =>
      expect((error.cause as ApplicationFailure).type).toBe('CreateAbandoned'),
    );
    const handle = await workflow();
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
  expect(rec.requests).toEqual([]);
  expect(rec.mails).toEqual([]);
  expect(rec.transitions).toEqual([]);
});

test('the CREATED webhook event refused for good costs the event, not the request: the create answers, the mail goes out, reminders and the process carry on', async () => {
  // The first step stores the request and records its CREATED event in one local activity: a
  // failure for good of the event's part must not fail the store, the create, or the workflow.
  const rec = recordingActivities(undefined, { webhook: {} });
  const record = rec.activities.recordRequestWebhookEvent.bind(rec.activities);
  rec.activities.recordRequestWebhookEvent = async (input) => {
    if (input.occasion === 'CREATED') throw ApplicationFailure.nonRetryable('the endpoint lookup failed for good');
    return record(input);
  };
  const input = newInput();
  await withWorkflow(
    async (handle) => {
      expect(rec.requests).toEqual([input]);
      await handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by: partner }] });
      await handle.executeUpdate(withdrawUpdate, { args: [{ by: admin }] });
      expect((await handle.result()).status).toBe('WITHDRAWN');
    },
    input,
    rec,
  );
  expect(rec.occasions()).toEqual(['CREATED', 'ANSWERED_YES', 'WITHDRAWN']);
  // A later occasion's event is recorded as usual; CREATED's alone is missing.
  expect(rec.webhookEvents.map((event) => event.occasion)).toEqual(['WITHDRAWN']);
});

test.each(['YES', 'NO'] as const)(
  'an answer (%s) that reaches the workflow with its first task (a keyed create answers before any worker has run): the request is stored first, then answered, and every mail goes out once',
  async (response) => {
    const rec = recordingActivities();
    const input = newInput();
    const taskQueue = `test-${input.requestId}`;
    // As a keyed create leaves it: the workflow started, no worker has run it yet.
    const handle = await testEnv.env.client.workflow.start(licenseRequestWorkflow, {
      workflowId: licenseRequestWorkflowId(input.requestId),
      taskQueue,
      args: [input],
    });
    const answered = handle.executeUpdate(answerUpdate, { args: [{ response, by: partner }] });
    await withTestWorker(testEnv, taskQueue, rec, async () => {
      expect((await answered).status).toBe(response === 'YES' ? 'AWAITING_ASSIGNMENT' : 'DECLINED');
      if (response === 'YES') {
        await handle.executeUpdate(assignSchoolsUpdate, {
          args: [{ schools: ['sch-1', 'sch-2', 'sch-3'], by: partner }],
        });
        expect((await handle.result()).status).toBe('COMPLETED');
      } else {
        // A DECLINED request waits for a possible reopening; its two mails are what to see.
        while (rec.occasions().length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    expect(rec.requests).toEqual([input]);
    // The request's first write (its transition) comes after the request is stored: version 1.
    expect(rec.transitions[0]).toMatchObject({ version: 1, response });
    expect(rec.occasions().slice(0, 2).sort()).toEqual(
      ['CREATED', response === 'YES' ? 'ANSWERED_YES' : 'ANSWERED_NO'].sort(),
    );
    expect(new Set(rec.occasions()).size).toBe(rec.occasions().length);
    // A worker that takes the request over (the first one died, or evicted it) replays this history.
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: testEnv.bundle }, history, handle.workflowId);
  },
);
