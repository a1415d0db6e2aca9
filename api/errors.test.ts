/** How failures become HTTP answers: a database that is away is a 503 to retry, never a 500. */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Action, Refusal, RefusalCode } from '../domain/license-request';
import { refused, toHttpError } from '../services/errors';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

test.each([
  ['a refused connection', withCode('ECONNREFUSED')],
  ['a broken pipe', withCode('EPIPE')],
  ['PostgreSQL shutting down (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
  ['PostgreSQL crash recovery (57P02)', withCode('57P02')],
  ['PostgreSQL not accepting connections yet (57P03)', withCode('57P03')],
  ['a connection exception (08003)', withCode('08003')],
  ['pg after a connection error', new Error('Client has encountered a connection error and is not queryable')],
  ['pg when the server went away', new Error('Connection terminated unexpectedly')],
  ['every address of the host refused', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
])('%s is 503 service_unavailable', (_what, error) => {
  expect(toHttpError(error)).toMatchObject({ status: 503, code: 'service_unavailable' });
});

test('an unexpected error is a 500 that says nothing about its cause', () => {
  const answer = toHttpError(withCode('42P01', 'relation "secret_table" does not exist'));
  expect(answer).toMatchObject({ status: 500, code: 'internal_error' });
  expect(answer.message).not.toContain('secret_table');
});

describe("the rulebook's refusals keep the API's statuses and error codes", () => {
  const refusal = (code: RefusalCode, action: Action = 'answer'): Refusal => ({
    code,
    action,
    status: 'DECLINED',
    response: 'NO',
    schools: ['sch-9'],
  });
  test.each([
    ['ALREADY_ANSWERED', 'answer', 409, 'invalid_transition', 'The request is DECLINED: it cannot be answered now.'],
    ['NOT_YET_ANSWERED', 'assign', 409, 'invalid_transition', 'The request is DECLINED: it cannot be assigned now.'],
    ['FINISHED', 'withdraw', 409, 'invalid_transition', 'The request is DECLINED: it cannot be withdrawn now.'],
    ['WITHDRAWN', 'assign', 409, 'invalid_transition', 'The request is DECLINED: it cannot be assigned now.'],
    [
      'SCHOOL_NOT_LICENSED',
      'assign',
      409,
      'school_not_licensed',
      'These schools were answered as holding no licenses and cannot be assigned: sch-9',
    ],
    ['NO_WITH_SCHOOLS', 'answer', 400, 'invalid_request', 'A NO answer cannot name schools.'],
    ['NO_SCHOOLS_NAMED', 'answer', 400, 'invalid_request', 'A YES answer must name at least one school, or answer NO.'],
    ['NO_SCHOOLS_NAMED', 'assign', 400, 'invalid_request', 'Name at least one school to assign.'],
    ['UNKNOWN_SCHOOLS', 'assign', 400, 'invalid_request', 'Unknown schools in this request: sch-9'],
    ['SCHOOL_NAMED_TWICE', 'answer', 400, 'invalid_request', 'A school is named twice.'],
    ['WRONG_ROLE', 'withdraw', 403, 'forbidden', 'This needs the admin token.'],
    ['WRONG_ROLE', 'answer', 403, 'forbidden', "This needs a partner's API key."],
  ] as const)('%s (%s) is %i %s', (code, action, status, errorCode, message) => {
    const error = refused(refusal(code, action));
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status,
      code: errorCode,
      message,
    });
    expect(error.refusal).toEqual(refusal(code, action));
  });

  test('a NO naming schools names the field, as the body check did', () => {
    expect(refused(refusal('NO_WITH_SCHOOLS')).details).toEqual([{ field: 'schools', message: 'only with YES' }]);
  });

  test("a workflow validator's rejection is mapped by its refusal", () => {
    const rejection = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({
        message: 'ALREADY_ANSWERED',
        type: 'ALREADY_ANSWERED',
        details: [refusal('ALREADY_ANSWERED')],
      }),
    );
    expect(toHttpError(rejection)).toMatchObject({ status: 409, code: 'invalid_transition' });
  });
});

test('a create that no worker stored in time is a 503 to send again, not a 500', () => {
  const abandoned = new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({ message: 'not stored in time', type: 'CreateAbandoned', nonRetryable: true }),
  );
  expect(toHttpError(abandoned)).toMatchObject({ status: 503 });
});
