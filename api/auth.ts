/**
 * Bearer tokens: the admin token from ADMIN_TOKEN, or a partner's API key (stored only as a hash).
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/database';
import { findPartnerByApiKeyHash, type Partner } from '../db/repositories/partners';
import type { Actor } from '../domain/license-request';
import { HttpError } from './errors';

export type Caller = { role: 'admin' } | { role: 'partner'; partner: Partner };

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

/** A new partner API key: 256 random bits. */
export function newApiKey(): string {
  return `lrk_${crypto.randomBytes(32).toString('base64url')}`;
}

/** Keys are random and long, so a fast hash is enough (no salt or stretching needed). */
export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** Compares two secrets in constant time, whatever their lengths. */
export function sameSecret(a: string, b: string): boolean {
  // Hash first so that the comparison takes the same time whatever the lengths.
  return crypto.timingSafeEqual(
    crypto.createHash('sha256').update(a).digest(),
    crypto.createHash('sha256').update(b).digest(),
  );
}

const unauthorized = () =>
  new HttpError(401, 'unauthorized', 'Send a valid token as "Authorization: Bearer <token>".', undefined, {
    'WWW-Authenticate': 'Bearer',
  });

function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

/** Whether an Authorization header carries `secret` as its bearer token (compared in constant time). */
export function bearerMatches(authorization: string | undefined, secret: string): boolean {
  const token = bearerToken(authorization);
  return token !== undefined && sameSecret(token, secret);
}

export function authenticate(db: Db, adminToken: string): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) throw unauthorized();
    if (sameSecret(token, adminToken)) {
      req.caller = { role: 'admin' };
      return next();
    }
    const partner = await findPartnerByApiKeyHash(db, hashApiKey(token));
    if (!partner) throw unauthorized();
    req.caller = { role: 'partner', partner };
    next();
  };
}

export function caller(req: Request): Caller {
  if (!req.caller) throw new Error('authenticate() must run before this route');
  return req.caller;
}

export function requireAdmin(req: Request): void {
  if (caller(req).role !== 'admin') throw new HttpError(403, 'forbidden', 'This needs the admin token.');
}

export function requirePartner(req: Request): Partner {
  const c = caller(req);
  if (c.role !== 'partner') throw new HttpError(403, 'forbidden', "This needs a partner's API key.");
  return c.partner;
}

export function actorOf(c: Caller): Actor {
  return c.role === 'admin' ? { role: 'admin' } : { role: 'partner', partnerId: c.partner.id };
}
