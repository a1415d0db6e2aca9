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
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await temporal?.stop();
  await smtp?.close();
  await database?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function start(script: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [TSX, script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (ready.test(output)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output}`)));
    setTimeout(() => reject(new Error(`${script} did not become ready:\n${output}`)), 60_000).unref();
  });
}

const stopped = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

test('migrate, an API and two workers as separate processes complete the lifecycle and stop cleanly', async () => {
  const env = {
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'processes-test',
    ADMIN_TOKEN: 'procs-admin',
    SMTP_URL: smtp.url,
    DATA_DIR: dataDir,
  };
  const migrate = spawnSync(process.execPath, [TSX, 'scripts/migrate.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  expect(migrate.status).toBe(0);
  expect(migrate.stdout).toContain('Applied: 2026-11-29-001-initial');

  const port = await freePort();
  const healthPort = await freePort();
  const [apiProcess, workerA, workerB] = await Promise.all([
    start('api/main.ts', { ...env, PORT: String(port) }, /listening on/),
    start('worker/main.ts', { ...env, WORKER_HEALTH_PORT: String(healthPort) }, /polling task queue/),
    start('worker/main.ts', env, /polling task queue/),
  ]);
  // The health port opens just after the worker reports that it polls.
  let ready = 0;
  for (let i = 0; i < 50 && ready !== 200; i++) {
    ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  expect(ready).toBe(200);

  const call = api({ apiUrl: `http://localhost:${port}` });
  const partner = await call('POST', '/v1/partners', {
    token: 'procs-admin',
    body: { id: 'procs', name: 'Procs AB', notificationEmail: 'procs@partner.test' },
  });
  const created = await call('POST', '/v1/license-requests', {
    token: 'procs-admin',
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

  expect(await stopped(apiProcess)).toBe(0);
  expect(await stopped(workerA)).toBe(0);
  expect(await stopped(workerB)).toBe(0);
}, 180_000);
