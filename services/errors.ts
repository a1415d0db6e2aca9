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
import {
  CREATE_ABANDONED,
  isRefusal,
  MAX_EXTENSION_DAYS,
  ROLE_FOR,
  type Refusal,
  type RefusalCode,
} from '../domain/license-request';

export interface ErrorDetail {
  field?: string;
  message: string;
}

export class HttpError extends Error {
  /** The rulebook's refusal behind a 400/403/409, for those who say it in other words (the portal). */
  refusal?: Refusal;

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

const DONE: Record<Refusal['action'], string> = {
  answer: 'answered',
  assign: 'assigned',
  withdraw: 'withdrawn',
  extend: 'given a later deadline',
  reopen: 'reopened',
  resend: 'notified again',
};
const DEADLINE_PROBLEM: Record<NonNullable<Refusal['deadlineProblem']>, string> = {
  NOT_A_WORKING_DAY: 'The new deadline must be a working day in Sweden.',
  NOT_AFTER_CURRENT_DEADLINE: 'The new deadline must be later than the current deadline date.',
  IN_THE_PAST: 'The new deadline cannot be before today (Europe/Stockholm).',
  TOO_FAR_AHEAD: `The new deadline must be within ${MAX_EXTENSION_DAYS} days from today.`,
};
const notNow = (r: Refusal) => conflict(`The request is ${r.status}: it cannot be ${DONE[r.action]} now.`);
const schoolsField = (message: string) => [{ field: 'schools', message }];

/** The API's answer to each of the rulebook's refusals (domain/license-request.ts). */
const REFUSALS: Record<RefusalCode, (r: Refusal) => HttpError> = {
  ALREADY_ANSWERED: notNow,
  NOT_YET_ANSWERED: notNow,
  FINISHED: notNow,
  WITHDRAWN: notNow,
  SCHOOL_NOT_LICENSED: (r) =>
    conflict(
      `These schools were answered as holding no licenses and cannot be assigned: ${r.schools?.join(', ') ?? ''}`,
      'school_not_licensed',
    ),
  NO_WITH_SCHOOLS: () => badRequest('A NO answer cannot name schools.', schoolsField('only with YES')),
  NO_SCHOOLS_NAMED: (r) =>
    badRequest(
      r.action === 'answer'
        ? 'A YES answer must name at least one school, or answer NO.'
        : 'Name at least one school to assign.',
    ),
  UNKNOWN_SCHOOLS: (r) => badRequest(`Unknown schools in this request: ${r.schools?.join(', ') ?? ''}`),
  SCHOOL_NAMED_TWICE: () => badRequest('A school is named twice.'),
  NOT_DECLINED: (r) => conflict(`The request is ${r.status}: only a DECLINED request can be reopened.`),
  REOPEN_WINDOW_CLOSED: () => conflict('The NO is older than the reopen window: the request cannot be reopened.'),
  INVALID_DEADLINE: (r) =>
    new HttpError(
      400,
      'invalid_deadline',
      r.deadlineProblem ? DEADLINE_PROBLEM[r.deadlineProblem] : 'The new deadline is not valid.',
      [{ field: 'date', message: r.deadlineProblem ?? 'invalid' }],
    ),
  WRONG_ROLE: (r) =>
    new HttpError(
      403,
      'forbidden',
      ROLE_FOR[r.action] === 'admin' ? 'This needs the admin token.' : "This needs a partner's API key.",
    ),
};

/** A refusal of the rulebook as the API's error, carrying the refusal. */
export function refused(refusal: Refusal): HttpError {
  const error = REFUSALS[refusal.code](refusal);
  error.refusal = refusal;
  return error;
}

/** Maps a rejected workflow update (the validators in workflows/license-request.ts ask the rulebook). */
function fromWorkflow(error: unknown): HttpError | undefined {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const refusal: unknown = error.cause.details?.[0];
    if (isRefusal(refusal)) return refused(refusal);
    // A create without a key that no worker stored in time: not made, the caller may send it again.
    if (error.cause.type === CREATE_ABANDONED) return unavailable('The request processor');
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
