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

test('support may reopen a NO for 30 days unless REOPEN_WINDOW_DAYS says otherwise', () => {
  expect(loadConfig({}).reopenWindowDays).toBe(30);
  expect(loadConfig({ REOPEN_WINDOW_DAYS: '7' }).reopenWindowDays).toBe(7);
  expect(problem({ REOPEN_WINDOW_DAYS: '0' })).toMatch(/REOPEN_WINDOW_DAYS/);
});

test('ADMIN_TOKEN, where given, has at least 32 characters; the message names the variable, never the value', () => {
  const message = problem({ ADMIN_TOKEN: 'too-short-a-secret' });
  expect(message).toMatch(/ADMIN_TOKEN: must be at least 32 characters/);
  expect(message).not.toContain('too-short-a-secret');
  expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).adminToken).toBe('x'.repeat(32));
  // Not given (or blank): npm start makes a dev token; npm run api refuses (runtime/process.ts).
  expect(loadConfig({ ADMIN_TOKEN: '  ' }).adminToken).toBeUndefined();
});

test('TRUST_PROXY is a number of proxies (default none); anything else stops the start with a clear message', () => {
  expect(loadConfig({}).trustProxy).toBe(0);
  expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
  expect(loadConfig({ TRUST_PROXY: ' 2 ' }).trustProxy).toBe(2);
  for (const bad of ['true', 'yes', '-1', '1.5', 'loopback', '10.0.0.0/8', '100']) {
    expect(problem({ TRUST_PROXY: bad })).toMatch(/TRUST_PROXY: the number of proxies in front of the API/);
  }
});

test('rate limits: 600 authenticated calls a minute per token, 30 failed authentications a minute per address', () => {
  expect(loadConfig({})).toMatchObject({ rateLimitPerMinute: 600, failedAuthPerMinute: 30 });
  expect(loadConfig({ RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '5' }).failedAuthPerMinute).toBe(5);
  expect(problem({ RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '0' })).toMatch(/RATE_LIMIT_FAILED_AUTH_PER_MINUTE/);
});

test('PUBLIC_URL: whether it was set is known (npm run api requires it)', () => {
  expect(loadConfig({}).publicUrlSet).toBe(false);
  expect(loadConfig({ PUBLIC_URL: 'https://licenses.example' })).toMatchObject({
    publicUrl: 'https://licenses.example',
    publicUrlSet: true,
  });
});

test('WEBHOOK_SECRET_KEY is 32 bytes in base64; a bad one names the variable, never the value', () => {
  const key = Buffer.alloc(32, 7);
  expect(loadConfig({ WEBHOOK_SECRET_KEY: key.toString('base64') }).webhooks.secretKey).toEqual(key);
  expect(loadConfig({}).webhooks.secretKey).toBeUndefined();
  for (const bad of [
    Buffer.alloc(16, 7).toString('base64'),
    Buffer.alloc(48, 7).toString('base64'),
    'not base64 at all!!',
  ]) {
    const message = problem({ WEBHOOK_SECRET_KEY: bad });
    expect(message).toMatch(/WEBHOOK_SECRET_KEY: must be 32 random bytes in base64/);
    expect(message).not.toContain(bad);
  }
});

test('WEBHOOK_ALLOW_INSECURE is off unless set to "true"', () => {
  expect(loadConfig({}).webhooks.allowInsecure).toBe(false);
  expect(loadConfig({ WEBHOOK_ALLOW_INSECURE: 'true' }).webhooks.allowInsecure).toBe(true);
  expect(loadConfig({ WEBHOOK_ALLOW_INSECURE: 'false' }).webhooks.allowInsecure).toBe(false);
  expect(problem({ WEBHOOK_ALLOW_INSECURE: 'yes' })).toMatch(/WEBHOOK_ALLOW_INSECURE/);
});
