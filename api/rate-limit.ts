/**
 * Rate limits (contract: "HTTP API"), counted by express-rate-limit in a store every API replica
 * shares: PostgreSQL, which is already there.
 *
 * - Calls that fail authentication count against the client's address (`failedAuthPerMinute`). An
 *   address over that limit gets 429 before its token is looked up in the database, so a flood of
 *   invented tokens is cut off and costs no key lookups.
 * - Authenticated calls count against their token (`perMinute`), wherever they come from: what
 *   others send from other addresses never uses up a partner's allowance.
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  ipKeyGenerator,
  rateLimit,
  type ClientRateLimitInfo,
  type Options,
  type RateLimitInfo,
  type Store,
} from 'express-rate-limit';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { bearerMatches } from './auth';
import { HttpError } from './errors';

/**
 * An express-rate-limit Store on our own PostgreSQL (table rate_limit), one fixed window per key,
 * timed by the database's clock so that every replica agrees on when a window ends.
 *
 * Written here rather than taken from npm: the one maintained PostgreSQL store
 * (@acpr/rate-limit-postgresql) runs its own migrations un-awaited from its constructor (an
 * unhandled rejection when the database is away at start), locks a whole table on every call
 * (serialising every API call of every replica), needs the uuid-ossp extension and brings a second,
 * pinned copy of pg with a pool of its own.
 */
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
    const row = await this.db
      .selectFrom('rate_limit')
      .select(['hits', 'reset_at'])
      .where('key', '=', this.key(key))
      .where('reset_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return row ? { totalHits: row.hits, resetTime: new Date(row.reset_at) } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const until = this.overLimit.get(key);
    if (until && until.getTime() > Date.now() && this.limit !== undefined) {
      return { totalHits: this.limit + 1, resetTime: until };
    }
    // One statement: concurrent calls from any replica each get their own, exact count.
    const { rows } = await sql<{ hits: number; reset_at: Date }>`
      insert into rate_limit (key, hits, reset_at)
      values (${this.key(key)}, 1, now() + ${this.windowMs} * interval '1 millisecond')
      on conflict (key) do update set
        hits = case when rate_limit.reset_at <= now() then 1 else rate_limit.hits + 1 end,
        reset_at = case when rate_limit.reset_at <= now() then excluded.reset_at else rate_limit.reset_at end
      returning hits, reset_at`.execute(this.db);
    this.sweep();
    const row = rows[0]!;
    const resetTime = new Date(row.reset_at);
    if (this.limit !== undefined && row.hits > this.limit) this.overLimit.set(key, resetTime);
    return { totalHits: row.hits, resetTime };
  }

  async decrement(key: string): Promise<void> {
    await this.db
      .updateTable('rate_limit')
      .set({ hits: sql<number>`greatest(hits - 1, 0)` })
      .where('key', '=', this.key(key))
      .where('reset_at', '>', sql<Date>`now()`)
      .execute();
  }

  async resetKey(key: string): Promise<void> {
    this.overLimit.delete(key);
    await this.db.deleteFrom('rate_limit').where('key', '=', this.key(key)).execute();
  }

  /** Ended windows are deleted about once a window per process; a failure here only delays it. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, until] of this.overLimit) if (until.getTime() <= now) this.overLimit.delete(key);
    void this.db
      .deleteFrom('rate_limit')
      .where('reset_at', '<', sql<Date>`now() - interval '1 minute'`)
      .execute()
      .catch(() => undefined);
  }
}

/** The client's address (Express's req.ip, which honours `trust proxy`); IPv6 by /56 network. */
export function clientAddress(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

function tooMany(req: Request, message: string): HttpError {
  const resetTime = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit?.resetTime;
  const seconds = resetTime ? Math.ceil((resetTime.getTime() - Date.now()) / 1000) : 60;
  return new HttpError(429, 'rate_limited', message, undefined, { 'Retry-After': String(Math.max(1, seconds)) });
}

export interface ApiRateLimitOptions {
  db: Db;
  adminToken: string;
  /** Authenticated calls a minute per token. */
  perMinute: number;
  /** Calls a minute per client address that fail authentication. */
  failedAuthPerMinute: number;
}

export interface ApiRateLimits {
  /** Before authentication: refuses an address that has used up its failed authentications. */
  beforeAuthentication: RequestHandler;
  /** Right after authentication succeeded: gives the address its count back, and counts the token. */
  afterAuthentication: RequestHandler;
}

export function apiRateLimits(options: ApiRateLimitOptions): ApiRateLimits {
  const addresses = new PostgresRateLimitStore(options.db, 'auth-failures');
  // Every call with a token we must look up is counted before the lookup, so that concurrent
  // guesses cannot slip past the limit; a token that turns out valid gives its count back at once
  // (not when its response ends, so a partner's slow calls never hold its address's allowance).
  const beforeAuthentication = rateLimit({
    windowMs: 60_000,
    limit: options.failedAuthPerMinute,
    store: addresses,
    keyGenerator: clientAddress,
    // The admin token is compared in memory, not looked up: nothing to protect, and the platform is
    // never locked out by strangers behind its own address.
    skip: (req) => bearerMatches(req.get('authorization'), options.adminToken),
    standardHeaders: false,
    legacyHeaders: false,
    // Without TRUST_PROXY, X-Forwarded-For is anyone's to send, and deliberately ignored.
    validate: { xForwardedForHeader: false },
    handler: (req, _res, next) =>
      next(tooMany(req, 'Too many calls from this address failed authentication; try again later.')),
  });
  const giveBack = async (req: Request, _res: Response, next: NextFunction) => {
    if (req.caller?.role === 'partner') await addresses.decrement(clientAddress(req));
    next();
  };
  const perToken = rateLimit({
    windowMs: 60_000,
    limit: options.perMinute,
    store: new PostgresRateLimitStore(options.db, 'token'),
    // A hash: no token is ever stored.
    keyGenerator: (req) =>
      crypto
        .createHash('sha256')
        .update(/^Bearer\s+(\S+)/i.exec(req.get('authorization') ?? '')?.[1] ?? '')
        .digest('base64url'),
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
    handler: (req, _res, next) => next(tooMany(req, `More than ${options.perMinute} calls a minute; try again later.`)),
  });
  return {
    beforeAuthentication,
    afterAuthentication: (req, res, next) => {
      giveBack(req, res, (error?: unknown) => (error ? next(error) : perToken(req, res, next))).catch(next);
    },
  };
}
