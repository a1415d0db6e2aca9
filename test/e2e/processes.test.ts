/**
 * Production shape: the migration, the API and two workers as separate processes against an
 * existing Temporal server and PostgreSQL, completing the whole lifecycle, each stopping cleanly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/processes';
import { startDevServer, type DevServer } from '../../dev/temporal-dev-server';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { api } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

let temporal: DevServer;
let database: TestDatabase;
let smtp: TestSmtpServer;
let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-procs-'));
  [temporal, database, smtp] = await Promise.all([
    startDevServer({ dataDir, port: await freePort(), uiPort: await freePort(), namespace: 'default' }),
    createTestDatabase({ migrate: false }),
    startSmtpServer(),
  ]);
}, 120_000);

afterAll(async () => {
  // The whole process group: tsx's esbuild helper too, which would otherwise hold the pipes open.
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
  await temporal?.stop();
  await smtp?.close();
  await database?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
}

function start(script: string, env: Record<string, string>, ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, [TSX, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: 'pipe',
    detached: true,
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (ready.test(output)) resolve({ child, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output}`)));
    setTimeout(() => reject(new Error(`${script} did not become ready:\n${output}`)), 60_000).unref();
  });
}

/** The value of one sample (`name{labels}` exactly as exposed), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function jsonLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const stopped = ({ child }: Started) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

test('migrate, an API and two workers as separate processes complete the lifecycle and stop cleanly', async () => {
  const env = {
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'processes-test',
    ADMIN_TOKEN: 'procs-admin-token-at-least-32-characters',
    WEBHOOK_SECRET_KEY: Buffer.alloc(32, 'procs-webhook-key').toString('base64'),
    STATUS_PAGE_KEY: Buffer.alloc(32, 'procs-status-page-key').toString('base64'),
    SMTP_URL: smtp.url,
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://licenses.skolon.test',
  };
  const migrate = spawnSync(process.execPath, [TSX, 'scripts/migrate.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  expect(migrate.status).toBe(0);
  expect(migrate.stdout).toContain('Applied: 2026-11-29-001-initial');

  const port = await freePort();
  const healthPorts = [await freePort(), await freePort()];
  const [apiProcess, workerA, workerB] = await Promise.all([
    start('runtime/api-process.ts', { ...env, PORT: String(port) }, /"msg":"API listening"/),
    start(
      'runtime/worker-process.ts',
      { ...env, WORKER_HEALTH_PORT: String(healthPorts[0]) },
      /"msg":"worker polling"/,
    ),
    start(
      'runtime/worker-process.ts',
      { ...env, WORKER_HEALTH_PORT: String(healthPorts[1]) },
      /"msg":"worker polling"/,
    ),
  ]);
  // The health port opens just after the worker reports that it polls.
  for (const healthPort of healthPorts) {
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(200);
  }

  const call = api({ apiUrl: `http://localhost:${port}` });
  const partner = await call('POST', '/v1/partners', {
    token: 'procs-admin-token-at-least-32-characters',
    body: { id: 'procs', name: 'Procs AB', notificationEmail: 'procs@partner.test' },
  });
  const created = await call('POST', '/v1/license-requests', {
    token: 'procs-admin-token-at-least-32-characters',
    body: {
      partnerId: 'procs',
      organisation: { skolonId: 'org-p', name: 'Processkommunen' },
      schools: [{ skolonId: 'sch-1', name: 'Skola 1' }],
      contacts: [{ name: 'Anna', email: 'anna@procs.test' }],
    },
  });
  expect(created.status).toBe(201);
  const key = partner.body.apiKey as string;
  expect(
    (await call('POST', `/v1/license-requests/${created.body.id}/answer`, { token: key, body: { response: 'YES' } }))
      .status,
  ).toBe(200);
  const done = await call('POST', `/v1/license-requests/${created.body.id}/assignments`, {
    token: key,
    body: { schools: ['sch-1'] },
  });
  expect(done.body.status).toBe('COMPLETED');
  await smtp.waitFor((m) => m.to.includes('anna@procs.test') && m.subject.startsWith('Licenserna från'));

  // Metrics: the API counts calls and creates; the workers count what their activities did, each
  // once, and show the Temporal SDK's worker metrics beside them.
  const apiMetrics = await fetch(`http://localhost:${port}/metrics`).then((r) => r.text());
  expect(sample(apiMetrics, 'license_requests_created_total')).toBe(1);
  expect(
    sample(apiMetrics, 'http_requests_total{method="POST",route="/v1/license-requests/:id/answer",status="200"}'),
  ).toBe(1);
  const readWorkerMetrics = () =>
    Promise.all(healthPorts.map((p) => fetch(`http://127.0.0.1:${p}/metrics`).then((r) => r.text())));
  let workerMetrics = await readWorkerMetrics();
  const total = (name: string) => workerMetrics.reduce((sum, text) => sum + (sample(text, name) ?? 0), 0);
  // The mail arrives at the listener a moment before the activity that sent it records and counts it.
  const sent = 'license_request_mails_sent_total{occasion="COMPLETED"}';
  for (let waited = 0; total(sent) === 0 && waited < 10_000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    workerMetrics = await readWorkerMetrics();
  }
  expect(total('license_requests_answered_total{response="YES"}')).toBe(1);
  expect(total('license_requests_completed_total')).toBe(1);
  expect(total('license_request_mails_sent_total{occasion="COMPLETED"}')).toBe(1);
  expect(total('license_request_mails_failed_total')).toBe(0);
  for (const text of workerMetrics) {
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(text).toMatch(/^temporal_request_total\{/m);
  }
  // The workers ran the activities and say so.
  expect(workerMetrics.join('\n')).toMatch(/^temporal_activity_task_received_total\{[^}]*\} [1-9]/m);

  // Logs: JSON lines; every API call has its request id, the partner and the request it concerned;
  // no credential appears anywhere in any process's output.
  const apiLines = jsonLines(apiProcess.output());
  const answered = apiLines.find((l) => l.msg === 'request' && l.route === '/v1/license-requests/:id/answer');
  expect(answered).toMatchObject({
    service: 'api',
    level: 'info',
    method: 'POST',
    status: 200,
    role: 'partner',
    partnerId: 'procs',
    licenseRequestId: created.body.id,
    requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  });
  for (const output of [apiProcess.output(), workerA.output(), workerB.output()]) {
    expect(output).not.toContain(key);
    expect(output).not.toContain('procs-admin');
  }

  expect(await stopped(apiProcess)).toBe(0);
  expect(await stopped(workerA)).toBe(0);
  expect(await stopped(workerB)).toBe(0);
}, 180_000);

test('npm run api refuses to start without PUBLIC_URL, WEBHOOK_SECRET_KEY or STATUS_PAGE_KEY, or with an ADMIN_TOKEN under 32 characters, saying why', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [TSX, 'runtime/api-process.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: temporal.address,
        ADMIN_TOKEN: 'procs-admin-token-at-least-32-characters',
        PUBLIC_URL: '',
        DATA_DIR: dataDir,
        ...env,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const noPublicUrl = run({});
  expect(noPublicUrl.status).toBe(1);
  expect(noPublicUrl.stderr).toContain('PUBLIC_URL must be set');
  const shortToken = run({ PUBLIC_URL: 'https://licenses.skolon.test', ADMIN_TOKEN: 'short-admin-token' });
  expect(shortToken.status).toBe(1);
  expect(shortToken.stderr).toMatch(/ADMIN_TOKEN: must be at least 32 characters/);
  // Neither message repeats the token.
  expect(shortToken.stderr + shortToken.stdout).not.toContain('short-admin-token');
  const noWebhookKey = run({ PUBLIC_URL: 'https://licenses.skolon.test', WEBHOOK_SECRET_KEY: '' });
  expect(noWebhookKey.status).toBe(1);
  expect(noWebhookKey.stderr).toContain('WEBHOOK_SECRET_KEY must be set');
  const noStatusPageKey = run({
    PUBLIC_URL: 'https://licenses.skolon.test',
    WEBHOOK_SECRET_KEY: Buffer.alloc(32, 'procs-webhook-key').toString('base64'),
    STATUS_PAGE_KEY: '',
  });
  expect(noStatusPageKey.status).toBe(1);
  expect(noStatusPageKey.stderr).toContain('STATUS_PAGE_KEY must be set');
}, 120_000);
