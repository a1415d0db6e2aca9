/**
 * Every refusal and failure of the application services, as an HttpError (status, code, message,
 * details), classified in one place: the JSON API (api/errors.ts) answers with it in the contract's
 * shape, the partner portal (portal/errors.ts) turns it into a page. Nothing here knows Express.
 */
import { ZodError } from 'zod';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { FailureTypes } from '../../workflows/definitions';

export interface ErrorDetail {
  field?: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = () => new HttpError(404, 'not_found', 'No such license request.');
export const conflict = (message: string, code = 'invalid_transition') => new HttpError(409, code, message);
export const badRequest = (message: string, details?: ErrorDetail[]) =>
  new HttpError(400, 'invalid_request', message, details);
export const unavailable = (what: string) =>
  new HttpError(503, 'service_unavailable', `${what} is not answering; try again shortly.`, undefined, {
    'Retry-After': '5',
  });

export function fromZod(error: ZodError, where: 'body' | 'query' | 'params'): HttpError {
  return badRequest(
    `The request ${where === 'body' ? 'body' : where === 'query' ? 'query string' : 'path'} is not valid.`,
    error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : where,
      message: issue.message,
    })),
  );
}

/** Maps a rejected workflow update (see the validators in workflows/license-request.ts). */
function fromWorkflow(error: unknown): HttpError | undefined {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    switch (failure.type) {
      case FailureTypes.INVALID_INPUT:
        return badRequest(failure.message);
      case FailureTypes.SCHOOL_NOT_LICENSED:
        return conflict(failure.message, 'school_not_licensed');
      case FailureTypes.INVALID_TRANSITION:
        return conflict(failure.message);
    }
  }
  // The workflow finished between our status check and the update.
  if (error instanceof WorkflowNotFoundError) return conflict('The request is already finished.');
  // No worker took the update in time (or Temporal itself is away): the caller may retry.
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return unavailable('The request processor');
  if (error instanceof ServiceError || isGrpcServiceError(error)) return unavailable('Temporal');
  return undefined;
}

/**
 * The database is away (stopped, restarting, unreachable): a 503 the caller may retry, never a 500.
 * Node's socket errors, PostgreSQL's connection exceptions (class 08) and operator interventions
 * (57P01-57P05: shutdown, crash, cannot connect now), pg's own connection messages, and an
 * AggregateError of such errors (a host name with several addresses).
 */
function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnavailable)) return true;
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', 'EHOSTUNREACH'].includes(e.code)) return true;
    if (/^(08...|57P0[1-5])$/.test(e.code)) return true;
  }
  return (
    typeof e?.message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated|not queryable|the database system is (starting up|shutting down|in recovery)/i.test(
      e.message,
    )
  );
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ZodError) return fromZod(error, 'body');
  const body = error as { type?: unknown; status?: unknown };
  if (body?.type === 'entity.parse.failed') return badRequest('The request body is not valid JSON.');
  if (body?.type === 'entity.too.large')
    return new HttpError(413, 'payload_too_large', 'The request body is too large.');
  if (typeof body?.status === 'number' && body.status >= 400 && body.status < 500) {
    return new HttpError(body.status, 'invalid_request', 'The request could not be read.');
  }
  // Data PostgreSQL cannot store (NUL bytes, out-of-range values) that slipped past validation.
  const pgCode = (error as { code?: unknown })?.code;
  if (typeof pgCode === 'string' && /^22/.test(pgCode)) return badRequest('A value in the request cannot be stored.');
  const fromTemporal = fromWorkflow(error);
  if (fromTemporal) return fromTemporal;
  if (isDatabaseUnavailable(error)) return unavailable('The database');
  return new HttpError(500, 'internal_error', 'Something went wrong on our side.');
}
