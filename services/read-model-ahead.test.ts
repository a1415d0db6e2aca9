/**
 * The application service when the read model runs ahead of the workflow, against a real
 * PostgreSQL read model and a Temporal client that does what a test says. A workflow's write (a
 * local activity) reaches the read model before the workflow task that made it is recorded; when
 * the worker dies in between, the workflow never made that change. So the service answers from the
 * read model only once the workflow itself has answered, refused, or closed; the whole path under a
 * killed worker is chaos's (scripts/chaos.ts, kill-worker).
 */
import crypto from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import {
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { insertPartner } from '../db/repositories/partners';
import { applyTransition, insertLicenseRequest } from '../db/repositories/license-requests';
import type { LicenseRequestState, Refusal } from '../domain/license-request';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database';
import { endOfDayOracle, nthWorkingDayAfterOracle, stockholmDateOf } from '../test/helpers/calendar-oracle';
import { toHttpError } from './errors';
import { createLicenseRequestService, type LicenseRequestService } from './license-requests';
import type { PartnerCaller } from './caller';

let database: TestDatabase;
let service: LicenseRequestService;
let caller: PartnerCaller;
const PARTNER = 'assignments-partner';

/** What the workflow does with the next update: the test sets it. */
let onUpdate: (requestId: string) => Promise<unknown>;
let updatesSent = 0;
/** The workflow's run and its own state, as describe and the status query give them. */
let workflowRun: 'RUNNING' | 'COMPLETED' = 'RUNNING';
let workflowState: Partial<LicenseRequestState> = {};
let queries = 0;
let queryFails = false;

const client = {
  withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
  workflow: {
    getHandle: (workflowId: string) => ({
      executeUpdate: async () => {
        updatesSent++;
        return onUpdate(workflowId.replace(/^license-request-/, ''));
      },
      describe: async () => ({ status: { name: workflowRun } }),
      query: async () => {
        queries++;
        if (queryFails) throw new ServiceError('no worker answered the query in time');
        return workflowState;
      },
    }),
  },
} as unknown as Client;

beforeAll(async () => {
  database = await createTestDatabase();
  service = createLicenseRequestService({ db: database.db, temporal: client, taskQueue: 'unused' });
  const partner = {
    id: PARTNER,
    name: 'Acme',
    notificationEmail: 'acme@partner.test',
    locale: 'en' as const,
    apiKeyHash: crypto.randomBytes(32).toString('hex'),
  };
  await insertPartner(database.db, partner);
  caller = { role: 'partner', partner: { id: PARTNER, name: partner.name } } as PartnerCaller;
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

beforeEach(() => {
  updatesSent = 0;
  queries = 0;
  queryFails = false;
  workflowRun = 'RUNNING';
});

/** A request answered YES, with its two schools waiting for their licenses. */
async function awaitingAssignment(): Promise<string> {
  const id = crypto.randomUUID();
  await insertLicenseRequest(database.db, {
    id,
    partnerId: PARTNER,
    organisation: { skolonId: 'org-1', name: 'Skolonkommunen' },
    schools: [
      { skolonId: 'sch-1', name: 'Norra skolan' },
      { skolonId: 'sch-2', name: 'Södra skolan' },
    ],
    desiredAvailability: null,
    contacts: [{ name: 'Anna', email: 'anna@kommun.test' }],
    createdAt: new Date(),
  });
  const deadlineDate = nthWorkingDayAfterOracle(stockholmDateOf(new Date()), 5);
  await applyTransition(database.db, {
    requestId: id,
    version: 2,
    status: 'AWAITING_ASSIGNMENT',
    response: 'YES',
    answeredAt: new Date().toISOString(),
    deadline: endOfDayOracle(deadlineDate),
    deadlineDate,
    finishedAt: null,
    schools: [],
    events: [{ key: 'v2.0', at: new Date().toISOString(), event: 'ANSWERED', detail: {} }],
  });
  return id;
}

/** The workflow's write of the assignment that completes the request, as its local activity makes it. */
function completingWrite(requestId: string) {
  const at = new Date().toISOString();
  return applyTransition(database.db, {
    requestId,
    version: 3,
    status: 'COMPLETED',
    response: 'YES',
    answeredAt: at,
    deadline: null,
    deadlineDate: null,
    finishedAt: at,
    schools: [
      { skolonId: 'sch-1', assignment: 'ASSIGNED' },
      { skolonId: 'sch-2', assignment: 'ASSIGNED' },
    ],
    events: [{ key: 'v3.0', at, event: 'COMPLETED', detail: {} }],
  });
}

const assignBoth = (id: string, key?: string) => service.assign(caller, id, { schools: ['sch-1', 'sch-2'] }, key);

/** The workflow's validator refusing an assignment because the request is finished, as the client throws it. */
function refusedAsFinished(status: 'COMPLETED' | 'WITHDRAWN'): never {
  const refusal: Refusal = { code: 'FINISHED', action: 'assign', status, response: 'YES' };
  throw new WorkflowUpdateFailedError(
    'update failed',
    ApplicationFailure.create({ type: 'FINISHED', message: 'FINISHED', details: [refusal], nonRetryable: true }),
  );
}

test('a write whose worker died before the workflow recorded it is no answer: the caller gets 503 and retries', async () => {
  const id = await awaitingAssignment();
  // The local activity wrote, then the worker died: the update never completes.
  onUpdate = async (requestId) => {
    await completingWrite(requestId);
    throw new WorkflowUpdateRPCTimeoutOrCancelledError('timed out', { cause: new Error('deadline exceeded') });
  };
  const error = await assignBoth(id, 'assign-1').catch((e: unknown) => e);
  expect(toHttpError(error).status).toBe(503);

  // The retry reaches the workflow (on another worker), which makes the assignment and answers.
  onUpdate = async () => ({});
  const retried = await assignBoth(id, 'assign-1');
  expect(updatesSent).toBe(2);
  expect(retried.status).toBe('COMPLETED');
});

test('schools the read model shows assigned are still sent to the workflow, which answers for them', async () => {
  const id = await awaitingAssignment();
  await completingWrite(id);
  onUpdate = async () => ({});
  const answer = await assignBoth(id, 'assign-again');
  expect(updatesSent).toBe(1);
  expect(answer.status).toBe('COMPLETED');
});

test("a call racing the one that completed the request gets the request, once the workflow's refusal says it is finished", async () => {
  const id = await awaitingAssignment();
  await completingWrite(id);
  onUpdate = async () => refusedAsFinished('COMPLETED');
  const answer = await assignBoth(id);
  expect(updatesSent).toBe(1);
  expect(answer).toMatchObject({
    status: 'COMPLETED',
    schools: [{ assignment: 'ASSIGNED' }, { assignment: 'ASSIGNED' }],
  });
});

test("the workflow's refusal of schools it does not hold as assigned stands", async () => {
  const id = await awaitingAssignment();
  onUpdate = async () => refusedAsFinished('WITHDRAWN');
  const error = await assignBoth(id).catch((e: unknown) => e);
  expect(toHttpError(error)).toMatchObject({ status: 409, code: 'invalid_transition' });
});

describe('a call without an Idempotency-Key that the read model refuses', () => {
  const answerYes = (id: string) => service.answer(caller, id, { response: 'YES' });

  test('is sent to the workflow when the workflow has not made the change the read model shows', async () => {
    const id = await awaitingAssignment();
    // The YES in the read model came from a workflow task its worker never finished.
    workflowState = { status: 'AWAITING_ANSWER', response: 'UNANSWERED', deadline: null };
    onUpdate = async () => ({});
    const answered = await answerYes(id);
    expect(queries).toBeGreaterThan(0);
    expect(updatesSent).toBe(1);
    expect(answered.response).toBe('YES');
  });

  test("is refused (409) when the workflow's own state refuses it too, and never sent", async () => {
    const id = await awaitingAssignment();
    workflowState = {
      status: 'AWAITING_ASSIGNMENT',
      response: 'YES',
      deadline: endOfDayOracle(stockholmDateOf(new Date())),
    };
    const error = await answerYes(id).catch((e: unknown) => e);
    expect(toHttpError(error)).toMatchObject({ status: 409, code: 'invalid_transition' });
    expect(updatesSent).toBe(0);
  });

  test('is refused from the read model once the workflow has closed, without asking it', async () => {
    const id = await awaitingAssignment();
    await completingWrite(id);
    workflowRun = 'COMPLETED';
    const answer = await answerYes(id).catch((e: unknown) => e);
    expect(toHttpError(answer)).toMatchObject({ status: 409, code: 'invalid_transition' });
    expect(queries).toBe(0);
  });

  test('is 503 when the workflow cannot be asked (no worker answers its query)', async () => {
    const id = await awaitingAssignment();
    workflowState = { status: 'AWAITING_ANSWER', response: 'UNANSWERED', deadline: null };
    queryFails = true;
    const error = await answerYes(id).catch((e: unknown) => e);
    expect(toHttpError(error).status).toBe(503);
    expect(updatesSent).toBe(0);
  });
});
