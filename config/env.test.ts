import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, temporalConnectionOptions } from './env';

const problem = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
};

test('an invalid value stops the start with a message that names the variable', () => {
  expect(problem({ PORT: 'abc' })).toMatch(/PORT/);
  expect(problem({ DATABASE_URL: 'mysql://x' })).toMatch(/DATABASE_URL/);
  expect(problem({ SMTP_URL: 'http://mail' })).toMatch(/SMTP_URL/);
  expect(problem({ REMINDER_UNANSWERED_WORKING_DAYS: 'two' })).toMatch(/REMINDER_UNANSWERED_WORKING_DAYS/);
  expect(problem({ RATE_LIMIT_PER_MINUTE: '0' })).toMatch(/RATE_LIMIT_PER_MINUTE/);
  expect(problem({ OVERDUE_REMINDER_MAX: '0' })).toMatch(/OVERDUE_REMINDER_MAX/);
  expect(problem({ WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toMatch(/WORKER_MAX_CACHED_WORKFLOWS/);
  expect(problem({ TEMPORAL_TLS_CERT_PATH: '/x.pem' })).toMatch(/TEMPORAL_TLS_KEY_PATH/);
  expect(problem({ TEMPORAL_TLS_CERT_PATH: '/nope.pem', TEMPORAL_TLS_KEY_PATH: '/nope.key' })).toMatch(
    /TEMPORAL_TLS_CERT_PATH: cannot read/,
  );
});

test('defaults match the contract', () => {
  const config = loadConfig({});
  expect(config.port).toBe(3000);
  expect(config.temporal).toMatchObject({
    namespace: 'default',
    taskQueue: 'license-requests',
    devPort: 7233,
    uiPort: 8233,
  });
  expect(config.dataDir).toBe(path.resolve('./var'));
  expect(config.rateLimitPerMinute).toBe(600);
  expect(config.reminders).toEqual({
    unansweredReminderDays: [2, 5],
    unansweredEscalationDays: 10,
    overdueReminderEveryDays: 2,
    overdueReminderMax: 10,
    reminderHour: 8,
  });
  expect(temporalConnectionOptions(config, 'h:7233')).toEqual({ address: 'h:7233' });
});

test('mTLS certificate and key, or an API key, reach the Temporal connection', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-tls-'));
  fs.writeFileSync(path.join(dir, 'c.pem'), 'CERT');
  fs.writeFileSync(path.join(dir, 'k.pem'), 'KEY');
  const mtls = loadConfig({
    TEMPORAL_TLS_CERT_PATH: path.join(dir, 'c.pem'),
    TEMPORAL_TLS_KEY_PATH: path.join(dir, 'k.pem'),
  });
  expect(temporalConnectionOptions(mtls, 'ns.tmprl.cloud:7233')).toMatchObject({
    tls: { clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } },
  });
  const keyed = loadConfig({ TEMPORAL_API_KEY: 'secret' });
  expect(temporalConnectionOptions(keyed, 'x:7233')).toEqual({ address: 'x:7233', tls: true, apiKey: 'secret' });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the worker cache is sized explicitly, and configurable', () => {
  expect(loadConfig({}).worker.maxCachedWorkflows).toBe(250);
  expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '250' }).worker.maxCachedWorkflows).toBe(250);
});

test('the number of overdue reminders is configurable', () => {
  expect(loadConfig({ OVERDUE_REMINDER_MAX: '3' }).reminders.overdueReminderMax).toBe(3);
});
