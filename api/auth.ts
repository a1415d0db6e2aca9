/**
 * Bearer tokens: the admin token from ADMIN_TOKEN, or a partner's API key (stored only as a hash).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Caller } from './services/caller';
import { sameSecret } from './services/credentials';
import { HttpError } from './services/errors';
import type { Partner, PartnerService } from './services/partners';
import '../http/request-context';

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

export function authenticate(partners: Pick<PartnerService, 'findByApiKey'>, adminToken: string): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) throw unauthorized();
    if (sameSecret(token, adminToken)) {
      req.caller = { role: 'admin' };
      return next();
    }
    const partner = await partners.findByApiKey(token);
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
