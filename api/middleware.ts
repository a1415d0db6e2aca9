/** Cross-cutting HTTP behaviour: request ids, security headers, rate limiting per token. */
import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
  }
}

/** Every response carries X-Request-Id (the caller's, when it sent a sane one), and so do logs. */
export function requestId(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : crypto.randomUUID();
    res.set('X-Request-Id', req.id);
    next();
  };
}

/** A JSON API: nothing to frame, sniff, cache or run. */
export function securityHeaders(): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.set({
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    next();
  };
}

/**
 * At most `perMinute` calls a minute per bearer token (per process; a fixed window keyed by a hash
 * of the token, so no token is kept in memory). Calls without a token share one bucket per address.
 */
export function rateLimit(perMinute: number, now: () => number = Date.now): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = now();
  return (req: Request, res: Response, next: NextFunction) => {
    const t = now();
    if (t - lastSweep > 60_000) {
      for (const [key, w] of windows) if (t - w.start >= 60_000) windows.delete(key);
      lastSweep = t;
    }
    const token = /^Bearer\s+(\S+)/i.exec(req.get('authorization') ?? '')?.[1];
    const key = token
      ? crypto.createHash('sha256').update(token).digest('base64url')
      : `ip:${req.socket.remoteAddress ?? ''}`;
    let w = windows.get(key);
    if (!w || t - w.start >= 60_000) {
      w = { start: t, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    res.set('RateLimit-Limit', String(perMinute));
    res.set('RateLimit-Remaining', String(Math.max(0, perMinute - w.count)));
    if (w.count > perMinute) {
      const retryAfter = Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000));
      throw new HttpError(429, 'rate_limited', `More than ${perMinute} calls a minute; try again later.`, undefined, {
        'Retry-After': String(retryAfter),
      });
    }
    next();
  };
}
