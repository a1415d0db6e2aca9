import type { Request } from 'express';
import type { z } from 'zod';
import { fromZod } from './errors';

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
