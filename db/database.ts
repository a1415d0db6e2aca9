import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

export type { Database } from './schema';
export type Db = Kysely<Database>;

export interface DatabaseOptions {
  /** Pool size; the API and the worker each hold one pool. */
  maxConnections?: number;
  /** Log pool errors (a server restart drops idle connections; the pool reconnects by itself). */
  onPoolError?: (error: Error) => void;
}

export function createDatabase(connectionString: string, options: DatabaseOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    // Finite everywhere, and shorter than the activity timeouts these calls sit inside.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    query_timeout: 20_000,
  });
  // Without a listener an idle client's error (e.g. the server restarting) crashes the process.
  pool.on('error', (error) => options.onPoolError?.(error));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
