/**
 * Fixed-window rate-limit counters (table rate_limit) that every API replica shares, timed by the
 * database's clock so that every replica agrees on when a window ends. The express-rate-limit store
 * on top of them is http/rate-limit-store.ts.
 */
import { sql } from 'kysely';
import type { Db } from '../database';
import type { RateLimitRow } from '../schema';

/** The key's count in its current window, unless that window has ended. */
export async function findRateLimit(db: Db, key: string): Promise<Pick<RateLimitRow, 'hits' | 'reset_at'> | undefined> {
  return db
    .selectFrom('rate_limit')
    .select(['hits', 'reset_at'])
    .where('key', '=', key)
    .where('reset_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/**
 * Counts one hit: in the key's window, or in a new one of `windowMs` when there is none or it has
 * ended. One statement: concurrent calls from any replica each get their own, exact count.
 */
export async function incrementRateLimit(
  db: Db,
  key: string,
  windowMs: number,
): Promise<Pick<RateLimitRow, 'hits' | 'reset_at'>> {
  const { rows } = await sql<Pick<RateLimitRow, 'hits' | 'reset_at'>>`
    insert into rate_limit (key, hits, reset_at)
    values (${key}, 1, now() + ${windowMs} * interval '1 millisecond')
    on conflict (key) do update set
      hits = case when rate_limit.reset_at <= now() then 1 else rate_limit.hits + 1 end,
      reset_at = case when rate_limit.reset_at <= now() then excluded.reset_at else rate_limit.reset_at end
    returning hits, reset_at`.execute(db);
  return rows[0]!;
}

/** Takes one hit back from the key's current window (never below 0). */
export async function decrementRateLimit(db: Db, key: string): Promise<void> {
  await db
    .updateTable('rate_limit')
    .set({ hits: sql<number>`greatest(hits - 1, 0)` })
    .where('key', '=', key)
    .where('reset_at', '>', sql<Date>`now()`)
    .execute();
}

export async function deleteRateLimit(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limit').where('key', '=', key).execute();
}

/** Removes windows that ended over a minute ago. */
export async function deleteEndedRateLimits(db: Db): Promise<void> {
  await db
    .deleteFrom('rate_limit')
    .where('reset_at', '<', sql<Date>`now() - interval '1 minute'`)
    .execute();
}
