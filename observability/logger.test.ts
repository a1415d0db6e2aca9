import { Writable } from 'node:stream';
import { createLogger, temporalLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), destination };
}

test('a log line is one JSON object with time, level name, service and message', () => {
  const out = capture();
  createLogger({ service: 'api', destination: out.destination }).info({ requestId: 'r-1' }, 'request');
  expect(out.parsed()).toEqual([
    {
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      service: 'api',
      requestId: 'r-1',
      msg: 'request',
    },
  ]);
});

test('credentials are redacted wherever a field can hold one', () => {
  const out = capture();
  const logger = createLogger({ service: 'api', destination: out.destination });
  logger.info(
    {
      authorization: 'Bearer lrk_top',
      apiKey: 'lrk_top2',
      partner: { apiKey: 'lrk_top3', name: 'Kept AB' },
      req: { headers: { authorization: 'Bearer admin-secret', cookie: 'session=abc', accept: 'application/json' } },
      smtp: { password: 'hunter2' },
    },
    'with secrets',
  );
  const [line] = out.lines;
  for (const secret of ['lrk_top', 'admin-secret', 'session=abc', 'hunter2']) expect(line).not.toContain(secret);
  expect(out.parsed()[0]).toMatchObject({
    authorization: '[redacted]',
    partner: { apiKey: '[redacted]', name: 'Kept AB' },
    req: { headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'application/json' } },
  });
});

test('LOG_LEVEL drops the lines below it', () => {
  const out = capture();
  const logger = createLogger({ service: 'worker', level: 'warn', destination: out.destination });
  logger.info('not shown');
  logger.warn('shown');
  expect(out.parsed().map((l) => l.msg)).toEqual(['shown']);
});

test("the Temporal SDK's log lines come out as our JSON lines, with their metadata and error", () => {
  const out = capture();
  const sdk = temporalLogger(createLogger({ service: 'worker', level: 'debug', destination: out.destination }));
  sdk.warn('Activity failed', {
    workflowId: 'license-request-1',
    activityType: 'sendRequestMail',
    taskToken: 'AAdkZWZhdWx0',
    error: new Error('connect ECONNREFUSED'),
  });
  sdk.debug('a debug line');
  sdk.trace('dropped: below debug');
  const [failed, debug, ...rest] = out.parsed();
  expect(failed).toMatchObject({
    level: 'warn',
    msg: 'Activity failed',
    workflowId: 'license-request-1',
    activityType: 'sendRequestMail',
    err: { type: 'Error', message: 'connect ECONNREFUSED', stack: expect.any(String) },
  });
  expect(failed).not.toHaveProperty('taskToken');
  expect(debug).toMatchObject({ level: 'debug', msg: 'a debug line' });
  expect(rest).toEqual([]);
});
