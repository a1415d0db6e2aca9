/**
 * Rate limits (contract: "HTTP API"), counted by express-rate-limit in a store every API replica
 * shares: PostgreSQL, which is already there (http/rate-limit-store.ts).
 *
 * - Calls that fail authentication count against the client's address (`failedAuthPerMinute`). An
 *   address over that limit gets 429 before its token is looked up in the database, so a flood of
 *   invented tokens is cut off and costs no key lookups.
 * - Authenticated calls count against their token (`perMinute`), wherever they come from: what
 *   others send from other addresses never uses up a partner's allowance.
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { clientAddress } from '../http/client-address';
import type { RateLimitStores } from '../http/rate-limit-store';
import { bearerMatches } from './auth';
import { HttpError } from './services/errors';

function tooMany(req: Request, message: string): HttpError {
  const resetTime = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit?.resetTime;
  const seconds = resetTime ? Math.ceil((resetTime.getTime() - Date.now()) / 1000) : 60;
  return new HttpError(429, 'rate_limited', message, undefined, { 'Retry-After': String(Math.max(1, seconds)) });
}

export interface ApiRateLimitOptions {
  /** Where the counts are kept (http/rate-limit-store.ts: PostgreSQL, shared by every replica). */
  stores: RateLimitStores;
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
  const addresses = options.stores('auth-failures');
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
    store: options.stores('token'),
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
