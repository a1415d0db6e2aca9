import type { Request } from 'express';
import type { z } from 'zod';
import { badRequest, fromZod } from './services/errors';
import { idempotencyKeyHeader } from './schemas';

/** Parses a value with a schema, or throws a 400 naming each bad field (the API and the portal alike). */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(result.error, where);
  return result.data;
}

/** Parses the body (a missing body counts as `{}`), or throws a 400 naming each bad field. */
export function body<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  return parse(schema, req.body ?? {}, 'body');
}

export function query<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  return parse(schema, req.query, 'query');
}

export function params<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  return parse(schema, req.params, 'params');
}

/**
 * The body of a call whose document says `requestBody: required`. The JSON parser reads an empty
 * body as `{}`; a call that sent none at all (no bytes) is refused rather than taken as `{}`, so
 * that a PUT without its body does not pass as "change nothing".
 */
export function requiredBody(req: Request): unknown {
  const sentNothing =
    req.body === undefined || (req.get('content-length') === '0' && req.get('transfer-encoding') === undefined);
  if (sentNothing) throw badRequest('This call needs a JSON body.', [{ field: 'body', message: 'missing' }]);
  return req.body;
}

/** The Idempotency-Key header: absent, or 1 to 200 characters as the document says (never ignored when bad). */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!idempotencyKeyHeader.safeParse(key).success) {
    throw badRequest('Idempotency-Key must be 1 to 200 characters.', [
      { field: 'Idempotency-Key', message: 'bad length' },
    ]);
  }
  return key;
}
