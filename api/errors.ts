/** Every error the API answers with, in the contract's shape `{"error":{"code","message","details"?}}`. */
import type { ErrorRequestHandler } from 'express';
import { toHttpError } from './services/errors';

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const httpError = toHttpError(error);
  // Only the log gets the details of an unexpected error; the caller gets the contract's sentence.
  if (httpError.status === 500) req.log?.error({ err: error }, `${httpError.code}: ${httpError.message}`);
  else if (httpError.status > 500) req.log?.warn({ err: error }, `${httpError.code}: ${httpError.message}`);
  res
    .status(httpError.status)
    .set(httpError.headers)
    .json({
      error: {
        code: httpError.code,
        message: httpError.message,
        ...(httpError.details && { details: httpError.details }),
      },
    });
};
