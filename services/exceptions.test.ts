/**
 * Support's exceptions in the application service, against a real PostgreSQL read model and a
 * Temporal client that only records the updates it is sent: what the service decides by itself
 * (400, 404, 409 from the read model) never reaches the workflow, and what it sends is the
 * rulebook's input. The workflow's own decisions are tested with the workflow; the whole path in
 * test/e2e/exceptions.test.ts.
 */
import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { insertPartner } from '../db/repositories/partners';
import { applyTransition, insertLicenseRequest } from '../db/repositories/license-requests';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database';
import {
  calendarDaysAfter,
  endOfDayOracle,
  isWorkingDayOracle,
  nthWorkingDayAfterOracle,
  stockholmDateOf,
  workingDayBeforeOracle,
} from '../test/helpers/calendar-oracle';
import { HttpError } from './errors';
import { createLicenseRequestService, type LicenseRequestService } from './license-requests';

let database: TestDatabase;
let service: LicenseRequestService;
const sent: Array<{ workflowId: string; update: string; args: unknown[]; updateId?: string }> = [];

/**
 * A client that takes every update (the workflow would accept it) and remembers it. The workflows
 * of the finished requests here have closed: a refusal read in the read model stands as it is.
 */
const recordingClient = {
  withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
  workflow: {
    getHandle: (workflowId: string) => ({
      describe: async () => ({ status: { name: 'COMPLETED' } }),
      executeUpdate: async (definition: { name: string }, options: { args: unknown[]; updateId?: string }) => {
        sent.push({ workflowId, update: definition.name, args: options.args, updateId: options.updateId });
        return { applied: true };
      },
    }),
  },
} as unknown as Client;

const PARTNER = 'exceptions-partner';
const today = () => stockholmDateOf(new Date());
/** The current deadline of the requests waiting for assignments: a few working days ahead. */
const currentDeadlineDate = () => nthWorkingDayAfterOracle(today(), 3);

beforeAll(async () => {
  database = await createTestDatabase();
  service = createLicenseRequestService({ db: database.db, temporal: recordingClient, taskQueue: 'unused' });
  await insertPartner(database.db, {
    id: PARTNER,
    name: 'Acme',
    notificationEmail: 'acme@partner.test',
    locale: 'en',
    apiKeyHash: crypto.randomBytes(32).toString('hex'),
  });
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

beforeEach(() => {
  sent.length = 0;
});

/** A stored request in `status`; those past the YES carry the current deadline. */
async function storedRequest(status: string): Promise<string> {
  const id = crypto.randomUUID();
  await insertLicenseRequest(database.db, {
    id,
    partnerId: PARTNER,
    organisation: { skolonId: 'org-1', name: 'Skolonkommunen' },
    schools: [{ skolonId: 'sch-1', name: 'Norra skolan' }],
    desiredAvailability: null,
    contacts: [{ name: 'Anna', email: 'anna@kommun.test' }],
    createdAt: new Date(),
  });
  if (status === 'AWAITING_ANSWER') return id;
  const answeredYes = status !== 'DECLINED' && status !== 'WITHDRAWN';
  const deadlineDate = answeredYes ? currentDeadlineDate() : null;
  await applyTransition(database.db, {
    requestId: id,
    version: 2,
    status,
    response: status === 'DECLINED' ? 'NO' : answeredYes ? 'YES' : 'UNANSWERED',
    answeredAt: status === 'WITHDRAWN' ? null : new Date().toISOString(),
    deadline: deadlineDate && endOfDayOracle(deadlineDate),
    deadlineDate,
    finishedAt: ['DECLINED', 'COMPLETED', 'WITHDRAWN'].includes(status) ? new Date().toISOString() : null,
    schools: [{ skolonId: 'sch-1', assignment: status === 'COMPLETED' ? 'ASSIGNED' : 'PENDING' }],
    events: [{ key: `test-${status}`, at: new Date().toISOString(), event: status, detail: {} }],
  });
  return id;
}

/** The HttpError a call is refused with. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string; fields: string[] }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HttpError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { status: error.status, code: error.code, fields: (error.details ?? []).map((d) => d.field ?? '') };
}

/** A date ahead of the run date that is not a working day (a weekend day, or a holiday). */
function nonWorkingDayAhead(): string {
  let date = calendarDaysAfter(currentDeadlineDate(), 1);
  while (isWorkingDayOracle(date)) date = calendarDaysAfter(date, 1);
  return date;
}

describe('extending a deadline', () => {
  test('bad dates are 400 invalid_deadline naming the date, decided by the API: the workflow is never asked', async () => {
    const id = await storedRequest('AWAITING_ASSIGNMENT');
    const problems: Array<[unknown, string]> = [
      ['2027-02-30', 'must be a real date as YYYY-MM-DD'],
      ['next friday', 'must be a real date as YYYY-MM-DD'],
      [nonWorkingDayAhead(), 'NOT_A_WORKING_DAY'],
      [workingDayBeforeOracle(today()), 'IN_THE_PAST'],
      [currentDeadlineDate(), 'NOT_AFTER_CURRENT_DEADLINE'],
      [workingDayBeforeOracle(currentDeadlineDate()), 'NOT_AFTER_CURRENT_DEADLINE'],
      // A working day centuries ahead: the workflow could not arm a timer for it.
      ['9999-12-30', 'TOO_FAR_AHEAD'],
      [nthWorkingDayAfterOracle(calendarDaysAfter(today(), 367), 1), 'TOO_FAR_AHEAD'],
    ];
    for (const [date, problem] of problems) {
      const error = (await service
        .extendDeadline(id, { date, reason: 'Renewal' })
        .catch((e: unknown) => e)) as HttpError;
      expect({ date, status: error.status, code: error.code, details: error.details }).toEqual({
        date,
        status: 400,
        code: 'invalid_deadline',
        details: [{ field: 'date', message: problem }],
      });
    }
    // Other bad input is the usual invalid_request, naming the field.
    const later = nthWorkingDayAfterOracle(currentDeadlineDate(), 2);
    expect(await refusal(service.extendDeadline(id, { date: later, reason: '  ' }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
      fields: ['reason'],
    });
    expect(await refusal(service.extendDeadline(id, { date: later }))).toMatchObject({ fields: ['reason'] });
    expect(await refusal(service.extendDeadline(id, { date: 20270301, reason: 'x' }))).toMatchObject({
      code: 'invalid_request',
      fields: ['date'],
    });
    expect(await refusal(service.extendDeadline(id, { date: later, reason: 'x', by: 'me' }))).toMatchObject({
      code: 'invalid_request',
    });
    expect(await refusal(service.extendDeadline(id, { date: later, reason: 'x'.repeat(1001) }))).toMatchObject({
      fields: ['reason'],
    });
    expect(sent).toEqual([]);
  });

  test('a later working day goes to the workflow with the trimmed reason, by the admin', async () => {
    const id = await storedRequest('OVERDUE');
    const date = nthWorkingDayAfterOracle(currentDeadlineDate(), 2);
    const request = await service.extendDeadline(id, { date, reason: '  Licenses renewed  ' });
    expect(request.id).toBe(id);
    expect(sent).toEqual([
      {
        workflowId: `license-request-${id}`,
        update: 'extendDeadline',
        args: [{ date, reason: 'Licenses renewed', by: { role: 'admin' } }],
        updateId: undefined,
      },
    ]);
  });

  test('with an Idempotency-Key a repeat goes to the workflow (which answers with the first outcome); the key with another body is 409', async () => {
    const id = await storedRequest('AWAITING_ASSIGNMENT');
    const date = nthWorkingDayAfterOracle(currentDeadlineDate(), 2);
    const key = `extend-${crypto.randomUUID()}`;
    await service.extendDeadline(id, { date, reason: 'Renewal' }, key);
    // The workflow moved the deadline: the read model now shows the new date.
    await applyTransition(database.db, {
      requestId: id,
      version: 3,
      status: 'AWAITING_ASSIGNMENT',
      response: 'YES',
      answeredAt: new Date().toISOString(),
      deadline: endOfDayOracle(date),
      deadlineDate: date,
      finishedAt: null,
      schools: [{ skolonId: 'sch-1', assignment: 'PENDING' }],
      events: [],
    });
    await service.extendDeadline(id, { date, reason: 'Renewal' }, key);
    expect(sent.map((s) => s.updateId)).toEqual([`extendDeadline:${key}`, `extendDeadline:${key}`]);
    expect(await refusal(service.extendDeadline(id, { date, reason: 'Another reason' }, key))).toMatchObject({
      status: 409,
      code: 'idempotency_key_reused',
    });
    // Without the key, the same date is now refused by the API: it is the current deadline.
    expect(await refusal(service.extendDeadline(id, { date, reason: 'Renewal' }))).toMatchObject({
      status: 400,
      code: 'invalid_deadline',
    });
    expect(sent).toHaveLength(2);
  });

  test('a finished request is 409 whatever the body, an unknown one 404; neither reaches the workflow', async () => {
    for (const status of ['DECLINED', 'COMPLETED', 'WITHDRAWN']) {
      const id = await storedRequest(status);
      expect(await refusal(service.extendDeadline(id, { date: 'nonsense' }))).toMatchObject({ status: 409 });
    }
    expect(await refusal(service.extendDeadline(crypto.randomUUID(), {}))).toMatchObject({ status: 404 });
    expect(sent).toEqual([]);
  });
});

describe('reopening', () => {
  test('a DECLINED request is sent to the workflow with the reason; a blank reason, unknown fields, or a withdrawn request are refused here', async () => {
    const declined = await storedRequest('DECLINED');
    expect(await refusal(service.reopen(declined, { reason: '' }))).toMatchObject({ status: 400, fields: ['reason'] });
    expect(await refusal(service.reopen(declined, { reason: 'x', status: 'AWAITING_ANSWER' }))).toMatchObject({
      status: 400,
    });
    const withdrawn = await storedRequest('WITHDRAWN');
    expect(await refusal(service.reopen(withdrawn, { reason: 'x' }))).toMatchObject({ status: 409 });
    expect(sent).toEqual([]);

    await service.reopen(declined, { reason: 'NO on the wrong request' }, 'reopen-1');
    expect(sent).toEqual([
      {
        workflowId: `license-request-${declined}`,
        update: 'reopen',
        args: [{ reason: 'NO on the wrong request', by: { role: 'admin' } }],
        updateId: 'reopen:reopen-1',
      },
    ]);
  });
});

describe('resending the notification', () => {
  test('an open request is sent to the workflow (no body is {}), a finished one is 409 and a body with fields 400', async () => {
    const open = await storedRequest('AWAITING_ANSWER');
    expect(await refusal(service.resendNotification(open, { to: 'someone@else.test' }))).toMatchObject({
      status: 400,
    });
    const completed = await storedRequest('COMPLETED');
    expect(await refusal(service.resendNotification(completed, {}))).toMatchObject({ status: 409 });
    expect(sent).toEqual([]);
    await service.resendNotification(open, undefined);
    expect(sent).toEqual([
      {
        workflowId: `license-request-${open}`,
        update: 'resendNotification',
        args: [{ by: { role: 'admin' } }],
        updateId: undefined,
      },
    ]);
  });
});
