/**
 * A path the OpenAPI document lists, called with a method it does not declare, answers 405 with
 * `Allow` (RFC 9110), not 404: the path exists. OPTIONS answers 204 with the same `Allow`. The
 * document's own `paths` are the table, so a route and its 405 cannot disagree.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from './services/errors';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface PathMethods {
  path: RegExp;
  allow: string;
}

/** `{id}` matches one path segment, as Express's `:id` does; a trailing slash and case do not matter there either. */
function pathPattern(template: string): RegExp {
  const parts = template.split(/\{[^}]+\}/).map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}/?$`, 'i');
}

export function methodNotAllowed(paths: Record<string, Record<string, unknown>>): RequestHandler {
  const table: PathMethods[] = Object.entries(paths).map(([template, operations]) => {
    const declared = Object.keys(operations)
      .filter((m) => HTTP_METHODS.includes(m))
      .map((m) => m.toUpperCase());
    // Express answers HEAD wherever there is a GET, and OPTIONS is answered here.
    const allow = [...declared, ...(declared.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
    return { path: pathPattern(template), allow: allow.join(', ') };
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const entry = table.find((e) => e.path.test(req.path));
    if (!entry || entry.allow.split(', ').includes(req.method)) {
      if (entry && req.method === 'OPTIONS') {
        res.set('Allow', entry.allow).status(204).end();
        return;
      }
      return next();
    }
    throw new HttpError(
      405,
      'method_not_allowed',
      `${req.method} is not allowed here; this path allows ${entry.allow}.`,
      undefined,
      { Allow: entry.allow },
    );
  };
}
