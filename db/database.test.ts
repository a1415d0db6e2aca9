/**
 * The pool against a real PostgreSQL that stops and starts again: idle connections dropped by the
 * server raise pool errors that are handled (no crash), calls meanwhile fail fast, and the pool
 * serves again as soon as the server is back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { startEmbeddedDatabaseProcess, type EmbeddedDatabase } from '../dev/embedded-database';
import { createDatabase, DATABASE_TIMEOUTS, type Db } from './database';

let dataDir: string;
let server: EmbeddedDatabase | undefined;
let db: Db;
const poolErrors: Error[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-pool-'));
  server = await startEmbeddedDatabaseProcess(dataDir);
  db = createDatabase(server.url, { maxConnections: 3, onPoolError: (error) => poolErrors.push(error) });
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const ping = async () => (await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]?.one;

test('the pool rides out a restart of the server: errors are handled, calls fail fast meanwhile, then it serves again', async () => {
  // Three connections open and idle in the pool.
  await Promise.all([ping(), ping(), ping()]);
  const port = server!.port;

  await server!.stop();
  server = undefined;
  // The server closed the idle connections: each is an 'error' on the pool, handled, not a crash.
  for (let i = 0; i < 50 && poolErrors.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(poolErrors.length).toBeGreaterThan(0);

  // While it is away a call fails within the connect timeout, with an error the API maps to 503.
  const t0 = Date.now();
  await expect(ping()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  expect(Date.now() - t0).toBeLessThan(DATABASE_TIMEOUTS.connectMs + 1000);

  server = await startEmbeddedDatabaseProcess(dataDir, { port });
  await expect(ping()).resolves.toBe(1);
  await expect(Promise.all([ping(), ping(), ping(), ping()])).resolves.toEqual([1, 1, 1, 1]);
}, 120_000);

test('a connection in use when the server stops fails its own work, not the process; the pool serves again after', async () => {
  const port = server!.port;
  let between!: () => void;
  const waiting = new Promise<void>((resolve) => (between = resolve));
  let carryOn!: () => void;
  const stopped = new Promise<void>((resolve) => (carryOn = resolve));
  // A transaction that holds its connection between two statements while the server goes away.
  const work = db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
    between();
    await stopped;
    await sql`select 2`.execute(trx);
  });
  const failed = work.then(
    () => undefined,
    (error: unknown) => error,
  );
  await waiting;
  await server!.stop();
  server = undefined;
  // The dropped connection of the checked-out client is an 'error' on it: handled, not a crash.
  await new Promise((r) => setTimeout(r, 500));
  carryOn();
  expect(await failed).toBeInstanceOf(Error);
  server = await startEmbeddedDatabaseProcess(dataDir, { port });
  await expect(ping()).resolves.toBe(1);
  await expect(Promise.all([ping(), ping(), ping()])).resolves.toEqual([1, 1, 1]);
}, 120_000);

test('a statement that runs longer than the statement timeout is cancelled by the server', async () => {
  const t0 = Date.now();
  await expect(
    sql`select pg_sleep(${(DATABASE_TIMEOUTS.statementMs + 2000) / 1000})`.execute(db),
  ).rejects.toMatchObject({
    code: '57014', // query_canceled
  });
  expect(Date.now() - t0).toBeLessThan(DATABASE_TIMEOUTS.queryMs);
}, 30_000);
