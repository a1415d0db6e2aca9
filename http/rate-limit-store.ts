/**
 * An express-rate-limit Store on our own PostgreSQL (db/repositories/rate-limits.ts), one fixed
 * window per key, timed by the database's clock so that every replica agrees on when a window
 * ends. The API's rate limits (api/rate-limit.ts) and the portal's sign-in throttle count in it.
 *
 * Written here rather than taken from npm: the one maintained PostgreSQL store
 * (@acpr/rate-limit-postgresql) runs its own migrations un-awaited from its constructor (an
 * unhandled rejection when the database is away at start), locks a whole table on every call
 * (serialising every API call of every replica), needs the uuid-ossp extension and brings a second,
 * pinned copy of pg with a pool of its own.
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '../db/database';
import {
  decrementRateLimit,
  deleteEndedRateLimits,
  deleteRateLimit,
  findRateLimit,
  incrementRateLimit,
} from '../db/repositories/rate-limits';

export class PostgresRateLimitStore implements Store {
  /** Keys of different limiters never meet: each store has a prefix of its own. */
  readonly localKeys = false;
  private lastSweep = Date.now();
  /** The limiter's limit, when it is a number (from init()). */
  private limit: number | undefined;
  /**
   * Keys this process has seen over the limit, until their window ends: further calls are refused
   * from memory, so a flood costs no database write per call once it is cut off.
   */
  private readonly overLimit = new Map<string, Date>();

  constructor(
    private readonly db: Db,
    readonly prefix: string,
    /** The window; express-rate-limit sets it from its own options through init(). */
    private windowMs = 60_000,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
    if (typeof options.limit === 'number') this.limit = options.limit;
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await findRateLimit(this.db, this.key(key));
    return row ? { totalHits: row.hits, resetTime: new Date(row.reset_at) } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const until = this.overLimit.get(key);
    if (until && until.getTime() > Date.now() && this.limit !== undefined) {
      return { totalHits: this.limit + 1, resetTime: until };
    }
    const row = await incrementRateLimit(this.db, this.key(key), this.windowMs);
    this.sweep();
    const resetTime = new Date(row.reset_at);
    if (this.limit !== undefined && row.hits > this.limit) this.overLimit.set(key, resetTime);
    return { totalHits: row.hits, resetTime };
  }

  async decrement(key: string): Promise<void> {
    await decrementRateLimit(this.db, this.key(key));
  }

  async resetKey(key: string): Promise<void> {
    this.overLimit.delete(key);
    await deleteRateLimit(this.db, this.key(key));
  }

  /** Ended windows are deleted about once a window per process; a failure here only delays it. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, until] of this.overLimit) if (until.getTime() <= now) this.overLimit.delete(key);
    void deleteEndedRateLimits(this.db).catch(() => undefined);
  }
}

/** Makes the stores of one process: each limiter names its own prefix (and window, when used without express-rate-limit). */
export type RateLimitStores = (prefix: string, windowMs?: number) => PostgresRateLimitStore;

export function rateLimitStores(db: Db): RateLimitStores {
  return (prefix, windowMs) => new PostgresRateLimitStore(db, prefix, windowMs);
}
