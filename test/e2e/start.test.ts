/**
 * The README's first command, `npm start`, as a person runs it: everything local comes up, a
 * request moves, SIGTERM stops it all within seconds, and a second start resumes the request.
 * Ctrl-C from a terminal (SIGINT to the whole process group) stops it in order within 5 s, and a
 * killed `npm start` leaves no server behind. Then the same with an external PostgreSQL and
 * Temporal, where nothing local is started for them.
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

/**
 * What `npm start` runs, without npm and its shell in front: one Node process (no tsx CLI, whose
 * signal relay gives its child 30 ms to answer and SIGKILLs it otherwise, exiting with 143).
 */
const START = (() => {
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts;
  const [node, ...args] = scripts.start.split(' ');
  if (node !== 'node') throw new Error(`npm start no longer runs node itself: ${scripts.start}`);
  return { file: process.execPath, args };
})();

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** The exit signal, if any, once every stdio stream is closed too (npm may end before its script). */
  closed: Promise<NodeJS.Signals | null>;
}

/** Everything started here, so that nothing outlives a test, even one that timed out. */
const running: Array<{ child: ChildProcess; detached: boolean }> = [];

/**
 * Runs the start script (as `npm start` does) and waits for its "is running" banner. `command: 'npm'`
 * runs `npm start` itself; `detached` makes it the leader of a process group of its own, as a
 * terminal's foreground job.
 */
async function start(
  env: Record<string, string>,
  { command = 'node', detached = false }: { command?: 'node' | 'npm'; detached?: boolean } = {},
): Promise<Started> {
  let output = '';
  const [file, args] = command === 'npm' ? ['npm', ['start']] : [START.file, START.args];
  const child = spawn(file, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  running.push({ child, detached });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const closed = new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_, signal) => resolve(signal)));
  const deadline = Date.now() + 90_000;
  while (!output.includes('License-request service is running.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up in 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => output, exited, closed };
}

/** SIGTERM, and how long until the process (and so everything it started) is gone. */
async function stop(started: Started): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  started.child.kill('SIGTERM');
  const code = await started.exited;
  return { code, ms: Date.now() - t0 };
}

/** State letters of the processes /proc lists (Linux), by pid; zombies count as gone. */
function processes(): Array<{ pid: number; pgid: number; state: string }> {
  const list = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
      const [state, , pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      list.push({ pid: Number(entry), pgid: Number(pgid), state: state! });
    } catch {
      // Gone while listing.
    }
  }
  return list;
}

const isAlive = (pid: number) => processes().some((p) => p.pid === pid && p.state !== 'Z');
const groupMembers = (pgid: number) => processes().filter((p) => p.pgid === pgid && p.state !== 'Z');

/** The pid in the first line of `file`, if it is there. */
function pidIn(file: string): number | undefined {
  try {
    return Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0]!, 10) || undefined;
  } catch {
    return undefined;
  }
}

/** The pids of the servers npm start runs under `dataDir` (while they run). */
function serverPids(dataDir: string): { temporal: number | undefined; postgres: number | undefined } {
  return {
    temporal: pidIn(path.join(dataDir, 'temporal.pid')),
    postgres: pidIn(path.join(dataDir, 'postgres', 'postmaster.pid')),
  };
}

/** The Node guards (dev/server-process.ts) still watching the server `pid`. */
function guardsOf(pid: number): number[] {
  return processes()
    .filter((p) => p.state !== 'Z')
    .filter((p) => {
      try {
        const args = fs.readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0');
        return args[1] === '-e' && args[3] === String(pid);
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

/** A data directory for one test, removed after it (once what used it is gone). */
const dataDirs: string[] = [];
function makeDataDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dataDirs.push(dir);
  return dir;
}

/**
 * After each test, however it ended (a failure, or its timeout, after which its own `finally` may
 * never run): SIGKILL to whatever it started, the whole group if detached, as a test runner or CI
 * does. The servers do not outlive it (a test below shows it): wait for them, then remove the data.
 */
afterEach(async () => {
  const servers = dataDirs.flatMap((dir) => Object.values(serverPids(dir)).filter((pid) => pid !== undefined));
  for (const { child, detached } of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    try {
      process.kill(detached ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  const until = Date.now() + 15_000;
  while (servers.some(isAlive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});

test('npm start brings up everything locally, stops cleanly on SIGTERM and resumes in-flight requests on restart', async () => {
  const dataDir = makeDataDir('lr-start-');
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
  const servers = serverPids(dataDir);

  const stopped = await stop(first);
  // Stopped by itself, in order (not killed by a wrapper: no 143), with the servers gone.
  expect(stopped.code).toBe(0);
  expect(first.output()).toContain('[start] Stopped in');
  expect(stopped.ms).toBeLessThan(10_000);
  expect(isAlive(servers.temporal!)).toBe(false);
  expect(isAlive(servers.postgres!)).toBe(false);

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
  // The stop that once ended with 143 (the tsx CLI's signal relay killing a busy child).
  expect((await stop(second)).code).toBe(0);
  expect(second.output()).toContain('[start] Stopped in');
}, 240_000);

test('Ctrl-C (SIGINT to the whole process group) stops everything within 5 s, in order, leaving no process behind', async () => {
  const dataDir = makeDataDir('lr-start-ctrlc-');
  const [port, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const started = await start(
    {
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      SMTP_URL: smtp.url,
      ADMIN_TOKEN: '',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
    },
    { command: 'npm', detached: true },
  );
  const group = started.child.pid!;
  const servers = serverPids(dataDir);

  // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group at once.
  const t0 = Date.now();
  process.kill(-group, 'SIGINT');
  const code = await started.exited;
  const signal = await started.closed;
  while (groupMembers(group).length > 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
  const ms = Date.now() - t0;
  // npm ends as a Ctrl-C'd command does (by SIGINT: the shell's 130); the service's own clean
  // exit is its "Stopped in" line below.
  expect({ code, signal }).toEqual(code === 0 ? { code: 0, signal: null } : { code: null, signal: 'SIGINT' });
  // The README's promise, measured from the signal until nothing of the group is left.
  expect(ms).toBeLessThan(5000);

  const output = started.output();
  const at = (line: string) => {
    const index = output.indexOf(line);
    expect({ line, found: index >= 0 }).toEqual({ line, found: true });
    return index;
  };
  // The API first (no new work), then the worker, then the servers they used.
  expect(at('"msg":"API stopped"')).toBeLessThan(at('"msg":"worker stopped"'));
  expect(at('"msg":"worker stopped"')).toBeLessThan(at('[start] Temporal dev server stopped.'));
  expect(at('"msg":"worker stopped"')).toBeLessThan(at('[start] PostgreSQL stopped.'));
  expect(output).toContain('[start] Stopped in');
  expect(output).not.toMatch(/connection terminated|terminating connection|did not stop|while stopping/i);

  // Nothing left: not in the group, and not the servers or their guards, in groups of their own.
  expect(groupMembers(group)).toEqual([]);
  for (const pid of [servers.temporal!, servers.postgres!]) {
    expect({ pid, alive: isAlive(pid), group: groupMembers(pid), guards: guardsOf(pid) }).toEqual({
      pid,
      alive: false,
      group: [],
      guards: [],
    });
  }
}, 180_000);

test('npm start killed with SIGKILL (as a test runner does on a timeout) leaves no server behind', async () => {
  const dataDir = makeDataDir('lr-start-kill-');
  const [port, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const started = await start(
    {
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      SMTP_URL: smtp.url,
      ADMIN_TOKEN: '',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
    },
    { command: 'npm', detached: true },
  );
  const group = started.child.pid!;
  const servers = serverPids(dataDir);
  expect(guardsOf(servers.temporal!)).toHaveLength(1);
  expect(guardsOf(servers.postgres!)).toHaveLength(1);

  // No handler, no exit hook runs: only the guards can see it.
  const t0 = Date.now();
  process.kill(-group, 'SIGKILL');
  await started.exited;
  const gone = () => !isAlive(servers.temporal!) && !isAlive(servers.postgres!);
  while (!gone() && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
  // Each guard stops its server the way npm start would (PostgreSQL's fast shutdown, the dev
  // server's SIGTERM), forcing it after 3 s.
  expect(gone()).toBe(true);
  expect(Date.now() - t0).toBeLessThan(5000);
  for (const pid of [servers.temporal!, servers.postgres!]) {
    for (let i = 0; i < 20 && guardsOf(pid).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect({ pid, group: groupMembers(pid), guards: guardsOf(pid) }).toEqual({ pid, group: [], guards: [] });
  }
  expect(fs.readFileSync(path.join(dataDir, 'postgres.log'), 'utf8')).toContain('received fast shutdown request');
}, 180_000);

test('with NODE_ENV=production, npm start refuses to run without ADMIN_TOKEN, WEBHOOK_SECRET_KEY or STATUS_PAGE_KEY, and starts nothing', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-start-prod-'));
  try {
    const run = spawnSync(START.file, START.args, {
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
    const noKey = spawnSync(START.file, START.args, {
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
    // Nor without STATUS_PAGE_KEY.
    const noStatusKey = spawnSync(START.file, START.args, {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        ADMIN_TOKEN: 'prod-admin-token-at-least-32-characters',
        WEBHOOK_SECRET_KEY: Buffer.alloc(32, 'prod-webhook-key').toString('base64'),
        STATUS_PAGE_KEY: '',
        DATA_DIR: dataDir,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(noStatusKey.status).toBe(1);
    expect(noStatusKey.stderr).toContain('STATUS_PAGE_KEY must be set when NODE_ENV=production');
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
