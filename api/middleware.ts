/** Cross-cutting HTTP behaviour: request ids, access log and metrics (security headers: http/security-headers.ts). */
import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../observability/logger';
import { httpRequestDuration, httpRequests } from '../observability/metrics';
import '../http/request-context';

/** Every response carries X-Request-Id (the caller's, when it sent a sane one), and so do logs. */
export function requestId(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : crypto.randomUUID();
    res.set('X-Request-Id', req.id);
    next();
  };
}

const LICENSE_REQUEST_PATH =
  /^\/v1\/license-requests\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/i;

/**
 * One log line and one metrics sample per request, when its response has gone (or the caller
 * hung up). The line names the request id, the route, the status, the time taken, the caller's
 * role and partner id and the license request concerned; never headers, query values or bodies,
 * which can hold credentials or personal data.
 */
export function accessLog(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const log = logger.child({ requestId: req.id });
    req.log = log;
    res.on('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The route template, not the path, so that ids do not make a metric series each.
      const template = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof template === 'string' ? `${req.baseUrl}${template}` : 'unmatched';
      const status = res.writableFinished ? res.statusCode : 499;
      httpRequests.inc({ method: req.method, route, status });
      httpRequestDuration.observe({ method: req.method, route, status }, seconds);
      const caller = req.caller;
      // 500 is a bug of ours; 503 and 504 are a dependency away, which /health also shows.
      log[status === 500 ? 'error' : status >= 500 ? 'warn' : 'info'](
        {
          method: req.method,
          route,
          status,
          durationMs: Math.round(seconds * 10_000) / 10,
          ...(caller && { role: caller.role }),
          ...(caller?.role === 'partner' && { partnerId: caller.partner.id }),
          ...(LICENSE_REQUEST_PATH.test(req.originalUrl) && {
            licenseRequestId: LICENSE_REQUEST_PATH.exec(req.originalUrl)![1]!.toLowerCase(),
          }),
        },
        res.writableFinished ? 'request' : 'request aborted by the caller',
      );
    });
    next();
  };
}
