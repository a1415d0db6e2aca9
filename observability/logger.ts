/**
 * Structured JSON logs (pino), one line per event, for every process of the service. Secrets never
 * reach a log line: the fields that can hold one are redacted wherever they appear, and the HTTP
 * access log (api/middleware.ts) writes no headers or bodies at all.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

export type { Logger };

/** Keys that can carry a credential, at the top level and one level down (e.g. `req.headers`). */
const SECRET_KEYS = ['authorization', 'cookie', 'apiKey', 'api_key', 'adminToken', 'token', 'password', 'secret'];
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.headers.${key}`]);

export function createLogger(
  options: { service: string; level?: string; destination?: DestinationStream } = { service: 'service' },
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}

/** A logger that writes nothing (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ service: 'silent', level: 'silent' });

const TEMPORAL_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's logger (Runtime.install) writing through pino, so that workflow and activity
 * log lines (which carry workflowId, activityType, attempt ...) come out as the same JSON lines.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  return temporalLoggerFrom((level, message, meta) => {
    // The task token identifies an activity attempt to the server; it is noise in a log line.
    const { error, taskToken: _taskToken, ...rest } = meta ?? {};
    logger[TEMPORAL_LEVELS[level]]({ ...rest, ...(error !== undefined && { err: error }) }, message);
  });
}

/** A Temporal SDK logger whose every level goes through one function. */
export function temporalLoggerFrom(
  log: (level: LogLevel, message: string, meta?: LogMetadata) => void,
): TemporalLogger {
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
