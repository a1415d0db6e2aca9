/**
 * Security headers, set with helmet. Every response gets the JSON API's: nothing to frame, sniff,
 * cache or run. The partner portal's HTML pages widen the CSP to their own stylesheet, script and
 * forms, and nothing else.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** For every response (the API's JSON and anything else): nothing is allowed; caching is ours to forbid. */
export function securityHeaders(): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    headers(req, res, next);
  };
}

/**
 * For server-rendered pages (the portal), on top of securityHeaders(): they load their own CSS and
 * JS and nothing else; no inline script, no framing. Same-origin referrers let the browser name
 * this site as the Origin of its own forms.
 */
export function pageSecurityHeaders(): RequestHandler[] {
  return [
    helmet.contentSecurityPolicy({
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    }),
    helmet.referrerPolicy({ policy: 'same-origin' }),
  ];
}
