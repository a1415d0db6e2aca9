/** How failures become HTTP answers: a database that is away is a 503 to retry, never a 500. */
import { toHttpError } from './services/errors';

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
