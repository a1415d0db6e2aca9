/**
 * What the shared middleware hangs on an Express request, for the API and the portal alike: the
 * request id and its logger (api/middleware.ts) and the caller once authenticated (the API's bearer
 * token, or the portal's session). Import this module where these are read or set.
 */
import type { Logger } from '../observability/logger';
import type { Caller } from '../api/services/caller';

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
    /** The process logger with this request's id on every line. */
    log?: Logger;
    caller?: Caller;
  }
}

export {};
