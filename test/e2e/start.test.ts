/**
 * The README's first command, `npm start`, as a person runs it: everything local comes up, a
 * request moves, SIGTERM stops it all within seconds, and a second start resumes the request.
 * Then the same with an external PostgreSQL and Temporal, where nothing local is started for them.
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

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `tsx scripts/start.ts` and waits for its "is running" banner. */
async function start(env: Record<string, string>): Promise<Started> {
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!output.includes('License-request service is running.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not come up in 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => output, exited };
}

/** SIGTERM, and how long until the process (and so everything it started) is gone. */
async function stop(started: Started): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  started.child.kill('SIGTERM');
  const code = await started.exited;
  return { code, ms: Date.now() - t0 };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});

test('npm start brings up everything locally, stops cleanly on SIGTERM and resumes in-flight requests on restart', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-start-'));
  const [port, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(devPort),
    TEMPORAL_UI_PORT: String(uiPort),
    SMTP_URL: smtp.url,
    // No ADMIN_TOKEN: npm start makes a dev token, keeps it in a file and names the file, never the token.
    ADMIN_TOKEN: '',
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
  };
  const call = api({ apiUrl: `http://localhost:${port}` });
  try {
    const first = await start(env);
    expect(first.output()).toContain(`Temporal Web UI:  http://localhost:${uiPort}`);
    expect(first.output()).toContain('embedded PostgreSQL');
    const tokenFile = path.join(dataDir, 'dev-admin-token');
    const adminToken = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(adminToken.length).toBeGreaterThanOrEqual(32);
    expect(first.output()).toContain(`Admin token:      in ${tokenFile}`);
    expect(first.output()).not.toContain(adminToken);
    expect((await fetch(`http://localhost:${uiPort}/`)).status).toBe(200);
    expect((await call('GET', '/health')).body.status).toBe('ok');

    const partner = await call('POST', '/v1/partners', {
      token: adminToken,
      body: { id: 'start-partner', name: 'Start AB', notificationEmail: 'start@partner.test' },
    });
    const created = await call('POST', '/v1/license-requests', {
      token: adminToken,
      body: {
        partnerId: 'start-partner',
        organisation: { skolonId: 'org-start', name: 'Startkommunen' },
        schools: [{ skolonId: 'sch-1', name: 'Skola 1' }],
        contacts: [{ name: 'Anna', email: 'anna@start.test' }],
      },
    });
    expect(created.status).toBe(201);
    await smtp.waitFor((m) => m.to.includes('start@partner.test'));
    const temporalPid = Number(fs.readFileSync(path.join(dataDir, 'temporal.pid'), 'utf8'));
    const postgresPid = Number(
      fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );

    const stopped = await stop(first);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    expect(isAlive(temporalPid)).toBe(false);
    expect(isAlive(postgresPid)).toBe(false);

    // Same DATA_DIR: the request is still there, waiting, and can be answered.
    const second = await start(env);
    const key = partner.body.apiKey as string;
    expect((await call('GET', `/v1/license-requests/${created.body.id}`, { token: key })).body.status).toBe(
      'AWAITING_ANSWER',
    );
    const yes = await call('POST', `/v1/license-requests/${created.body.id}/answer`, {
      token: key,
      body: { response: 'YES' },
    });
    expect(yes.status).toBe(200);
    await smtp.waitFor((m) => m.to.includes('anna@start.test'));
    // The notification went out once, before the restart, not again after it.
    expect(smtp.mails.filter((m) => m.to.includes('start@partner.test'))).toHaveLength(1);
    expect((await stop(second)).code).toBe(0);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 240_000);

test('with NODE_ENV=production, npm start refuses to run without ADMIN_TOKEN or WEBHOOK_SECRET_KEY, and starts nothing', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-start-prod-'));
  try {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', ADMIN_TOKEN: '', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ADMIN_TOKEN must be set when NODE_ENV=production');
    // No dev token was made, no database or Temporal server started.
    expect(fs.readdirSync(dataDir)).toEqual([]);
    // Nor without WEBHOOK_SECRET_KEY: no dev key either.
    const noKey = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        ADMIN_TOKEN: 'prod-admin-token-at-least-32-characters',
        WEBHOOK_SECRET_KEY: '',
        DATA_DIR: dataDir,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toContain('WEBHOOK_SECRET_KEY must be set when NODE_ENV=production');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);

test('with DATABASE_URL and TEMPORAL_ADDRESS set, npm start uses them and starts nothing local for them', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-start-ext-'));
  const temporalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-start-temporal-'));
  let database: TestDatabase | undefined;
  let temporal: DevServer | undefined;
  try {
    database = await createTestDatabase();
    temporal = await startDevServer({
      dataDir: temporalDir,
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
    });
    const port = await freePort();
    const started = await start({
      DATA_DIR: dataDir,
      PORT: String(port),
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      SMTP_URL: smtp.url,
      ADMIN_TOKEN: 'ext-admin-token-at-least-32-characters',
    });
    expect(started.output()).toContain('Database:         DATABASE_URL');
    expect(started.output()).toContain(`server ${temporal.address}`);
    const call = api({ apiUrl: `http://localhost:${port}` });
    expect((await call('GET', '/health')).body).toMatchObject({ status: 'ok', database: 'ok', temporal: 'ok' });
    // Nothing local: no embedded database, no dev server state under DATA_DIR.
    expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'temporal.sqlite'))).toBe(false);
    // The migrations went to the external database.
    const tables = await database.db.selectFrom('partner').select('id').execute();
    expect(tables).toEqual([]);
    expect((await stop(started)).code).toBe(0);
  } finally {
    await temporal?.stop();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(temporalDir, { recursive: true, force: true });
  }
}, 180_000);
