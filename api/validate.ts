import type { Request } from 'express';
import type { z } from 'zod';
import { fromZod } from './errors';

/** Parses the body (a missing body counts as `{}`), or throws a 400 naming each bad field. */
export function body<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const result = schema.safeParse(req.body ?? {});
  if (!result.success) throw fromZod(result.error, 'body');
  return result.data;
}

export function query<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const result = schema.safeParse(req.query);
  if (!result.success) throw fromZod(result.error, 'query');
  return result.data;
}

export function params<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const result = schema.safeParse(req.params);
  if (!result.success) throw fromZod(result.error, 'params');
  return result.data;
}
