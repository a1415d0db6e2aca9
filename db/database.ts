import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

export type { Database } from './schema';
export type Db = Kysely<Database>;

/**
 * Finite everywhere, and shorter than the database activities' 10-second timeout they sit inside
 * (workflows/definitions.ts, ACTIVITY_TIMEOUTS; held against it in runtime/timeouts.test.ts): a
 * database that stops answering fails the attempt, which Temporal retries, instead of hanging it.
 */
export const DATABASE_TIMEOUTS = {
  /** Opening a connection, or waiting for a free one in a busy pool. */
  connectMs: 3_000,
  /** The server cancels a statement after this (the application's queries take milliseconds). */
  statementMs: 5_000,
  /** The client gives up on a query after this, e.g. when the server is gone without a word. */
  queryMs: 6_000,
  /** Idle connections are closed after this. */
  idleMs: 30_000,
} as const;

export interface DatabaseOptions {
  /** Pool size; the API and the worker each hold one pool. */
  maxConnections?: number;
  /** Log pool errors (a server restart drops idle connections; the pool reconnects by itself). */
  onPoolError?: (error: Error) => void;
  /** For work that is not inside an activity or an API call, e.g. a migration building an index. */
  statementTimeoutMs?: number;
}

/**
 * The pool for Kysely, whose end() (db.destroy()) also waits until every connection is closed.
 * pg-pool's own end() resolves once each one has only been told to close (brianc/node-postgres
 * #2328): a server stopped right then (npm start stops PostgreSQL right after the services) still
 * finds their sessions, ends them with 57P01, and the pool reports that as an error. At most a
 * second: a connection to a server that is away may take much longer to close.
 */
function endingWhenClosed(pool: pg.Pool) {
  let open = 0;
  let allClosed: (() => void) | undefined;
  pool.on('connect', () => open++);
  pool.on('remove', () => {
    if (--open === 0) allClosed?.();
  });
  return {
    connect: () => pool.connect(),
    end: async () => {
      await pool.end();
      if (open > 0) {
        await new Promise<void>((resolve) => {
          allClosed = resolve;
          setTimeout(resolve, 1000).unref();
        });
      }
    },
  };
}

export function createDatabase(connectionString: string, options: DatabaseOptions = {}): Db {
  const statementMs = options.statementTimeoutMs ?? DATABASE_TIMEOUTS.statementMs;
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: DATABASE_TIMEOUTS.connectMs,
    idleTimeoutMillis: DATABASE_TIMEOUTS.idleMs,
    statement_timeout: statementMs,
    query_timeout: statementMs + (DATABASE_TIMEOUTS.queryMs - DATABASE_TIMEOUTS.statementMs),
  });
  // Without a listener an idle client's error (e.g. the server restarting) crashes the process.
  pool.on('error', (error) => options.onPoolError?.(error));
  // So does the error of a client in use while no query of its runs (between the statements of a
  // transaction, say): pg-pool takes its own listener off a client it hands out. The work on that
  // client still fails, through its next query; the pool then drops the broken client.
  pool.on('connect', (client) => client.on('error', (error) => options.onPoolError?.(error)));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: endingWhenClosed(pool) }) });
}

/** One trivial round trip: resolves when the database answers (for /health and /readyz). */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
