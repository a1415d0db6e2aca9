/**
 * Configuration from the environment (contract: "Configuration"), parsed once at start-up. A bad
 * value stops the process with a message that names the variable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../domain/locale';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../domain/reminders';
import { DEFAULT_REOPEN_WINDOW_DAYS } from '../domain/license-request';

/** The task queue the worker polls and the API starts workflows on, unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'license-requests';

const port = z.coerce.number().int().min(1).max(65535);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** WEBHOOK_SECRET_KEY's form: exactly 32 bytes, base64 (`openssl rand -base64 32`); undefined otherwise. */
export function parseWebhookSecretKey(base64: string): Buffer | undefined {
  const text = base64.trim();
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(text)) return undefined;
  const key = Buffer.from(text, 'base64');
  return key.length === 32 ? key : undefined;
}

const schema = z.object({
  PORT: port.default(3000),
  // Where given, long enough that guessing it is hopeless (a dev token is made when it is not).
  ADMIN_TOKEN: optionalText.pipe(
    z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
  ),
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: optionalText.transform((v) => v ?? 'default'),
  TEMPORAL_TASK_QUEUE: optionalText.transform((v) => v ?? DEFAULT_TASK_QUEUE),
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_TLS_CA_PATH: optionalText,
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  SMTP_URL: optionalText.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: optionalText.transform((v) => v ?? 'Skolon <no-reply@skolon.example>'),
  SUPPORT_EMAIL: optionalText.pipe(z.email().optional()).transform((v) => v ?? 'support@skolon.example'),
  PUBLIC_URL: optionalText.pipe(z.url().optional()),
  CONTACT_LOCALE: optionalText.pipe(z.enum(LOCALES).optional()),
  DATA_DIR: optionalText.transform((v) => path.resolve(v ?? './var')),
  REMINDER_UNANSWERED_WORKING_DAYS: optionalText.pipe(
    z
      .string()
      .regex(/^\d+(\s*,\s*\d+)*$/, 'a comma-separated list of working-day counts, e.g. "2,5"')
      .optional(),
  ),
  ESCALATION_UNANSWERED_WORKING_DAYS: z.coerce.number().int().min(1).max(250).optional(),
  OVERDUE_REMINDER_EVERY_WORKING_DAYS: z.coerce.number().int().min(1).max(250).optional(),
  OVERDUE_REMINDER_MAX: z.coerce.number().int().min(1).max(100).optional(),
  REMINDER_HOUR: z.coerce.number().int().min(0).max(23).optional(),
  REOPEN_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_FAILED_AUTH_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  // A hop count only: `true` would let any caller name its own address in X-Forwarded-For.
  TRUST_PROXY: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,2}$/, 'the number of proxies in front of the API (0, 1, 2 ...), e.g. 1 behind one load balancer')
      .transform(Number)
      .optional(),
  ),
  // Seals partners' webhook signing secrets at rest (db/secret-box.ts); never printed.
  WEBHOOK_SECRET_KEY: optionalText.pipe(
    z
      .string()
      .refine(
        (v) => parseWebhookSecretKey(v) !== undefined,
        'must be 32 random bytes in base64 (`openssl rand -base64 32`)',
      )
      .transform((v) => parseWebhookSecretKey(v)!)
      .optional(),
  ),
  WEBHOOK_ALLOW_INSECURE: optionalText.pipe(
    z.enum(['true', 'false'], 'must be "true" or "false" (and "true" only in development and tests)').optional(),
  ),
  LOG_LEVEL: optionalText.pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional()),
  TEMPORAL_SDK_METRICS_PORT: port.optional(),
  METRICS_TOKEN: optionalText,
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).optional(),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(10_000).optional(),
});

export interface Config {
  port: number;
  adminToken: string | undefined;
  databaseUrl: string | undefined;
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    devPort: number;
    uiPort: number;
    /** mTLS client certificate (PEM contents), for a self-hosted cluster or Temporal Cloud. */
    tls: { clientCert: Buffer; clientKey: Buffer; serverRootCACertificate?: Buffer } | undefined;
    /** An API key (Temporal Cloud); implies TLS. */
    apiKey: string | undefined;
  };
  mail: {
    smtpUrl: string | undefined;
    from: string;
    supportEmail: string;
    /** Where mail goes when SMTP_URL is unset: one .eml file per mail. */
    mailboxDir: string;
    /** The language of mail to organisations' contacts. */
    contactLocale: Locale;
  };
  publicUrl: string;
  /** Whether PUBLIC_URL was set (the API process needs it: links in mail, the portal's origin). */
  publicUrlSet: boolean;
  dataDir: string;
  reminders: ReminderPolicy;
  /** How many days after a NO support may reopen it (the worker decides, when the NO comes). */
  reopenWindowDays: number;
  /** Authenticated API calls a minute per token. */
  rateLimitPerMinute: number;
  /** API calls a minute per client address that fail authentication. */
  failedAuthPerMinute: number;
  /** How many proxies in front of the API to trust for the client's address (Express's `trust proxy`). */
  trustProxy: number;
  observability: {
    logLevel: string;
    /** Loopback port of the Temporal SDK's own Prometheus exporter (read by /metrics); free port if unset. */
    sdkMetricsPort: number | undefined;
    /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
    metricsToken: string | undefined;
  };
  /** How a worker is sized (see worker/options.ts). */
  worker: WorkerSizing;
  webhooks: {
    /** WEBHOOK_SECRET_KEY: seals the partners' signing secrets (npm start makes a dev key when unset). */
    secretKey: Buffer | undefined;
    /** WEBHOOK_ALLOW_INSECURE: http and local addresses allowed (development and tests only). */
    allowInsecure: boolean;
  };
}

export interface WorkerSizing {
  /** Workflows kept in the worker's memory; others are replayed from history when they next move. */
  maxCachedWorkflows: number;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
}

/**
 * Set explicitly, not left to the SDK's default (which grows with the machine's heap limit: some
 * 2,300 workflows on a 24 GB machine, over a gigabyte of worker memory). A request waits for weeks:
 * most of them belong out of the cache, and one that moves again is replayed from its short history
 * in milliseconds. 250 cached (0.2-0.4 MB each) keep a worker under 600 MB with 10,000 requests
 * waiting (docs/performance.md).
 */
export const DEFAULT_WORKER_SIZING: WorkerSizing = {
  maxCachedWorkflows: 250,
  maxConcurrentActivities: 100,
  maxConcurrentWorkflowTasks: 40,
};

export class ConfigError extends Error {}

function readPem(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${variable}: cannot read ${file} (${(error as Error).message})`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    const missing = e.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH';
    throw new ConfigError(`Invalid configuration:\n  ${missing}: mTLS needs both a certificate and its key`);
  }
  const tls =
    e.TEMPORAL_TLS_CERT_PATH && e.TEMPORAL_TLS_KEY_PATH
      ? {
          clientCert: readPem('TEMPORAL_TLS_CERT_PATH', e.TEMPORAL_TLS_CERT_PATH),
          clientKey: readPem('TEMPORAL_TLS_KEY_PATH', e.TEMPORAL_TLS_KEY_PATH),
          ...(e.TEMPORAL_TLS_CA_PATH && {
            serverRootCACertificate: readPem('TEMPORAL_TLS_CA_PATH', e.TEMPORAL_TLS_CA_PATH),
          }),
        }
      : undefined;
  return {
    port: e.PORT,
    adminToken: e.ADMIN_TOKEN,
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      tls,
      apiKey: e.TEMPORAL_API_KEY,
    },
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      supportEmail: e.SUPPORT_EMAIL,
      mailboxDir: path.join(e.DATA_DIR, 'mailbox'),
      contactLocale: e.CONTACT_LOCALE ?? DEFAULT_LOCALE,
    },
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlSet: e.PUBLIC_URL !== undefined,
    dataDir: e.DATA_DIR,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? 600,
    failedAuthPerMinute: e.RATE_LIMIT_FAILED_AUTH_PER_MINUTE ?? 30,
    trustProxy: e.TRUST_PROXY ?? 0,
    observability: {
      logLevel: e.LOG_LEVEL ?? 'info',
      sdkMetricsPort: e.TEMPORAL_SDK_METRICS_PORT,
      metricsToken: e.METRICS_TOKEN,
    },
    worker: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS ?? DEFAULT_WORKER_SIZING.maxCachedWorkflows,
      maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES ?? DEFAULT_WORKER_SIZING.maxConcurrentActivities,
      maxConcurrentWorkflowTasks:
        e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS ?? DEFAULT_WORKER_SIZING.maxConcurrentWorkflowTasks,
    },
    webhooks: {
      secretKey: e.WEBHOOK_SECRET_KEY,
      allowInsecure: e.WEBHOOK_ALLOW_INSECURE === 'true',
    },
    reminders: {
      unansweredReminderDays: e.REMINDER_UNANSWERED_WORKING_DAYS
        ? e.REMINDER_UNANSWERED_WORKING_DAYS.split(',').map((d) => Number.parseInt(d.trim(), 10))
        : DEFAULT_REMINDER_POLICY.unansweredReminderDays,
      unansweredEscalationDays:
        e.ESCALATION_UNANSWERED_WORKING_DAYS ?? DEFAULT_REMINDER_POLICY.unansweredEscalationDays,
      overdueReminderEveryDays:
        e.OVERDUE_REMINDER_EVERY_WORKING_DAYS ?? DEFAULT_REMINDER_POLICY.overdueReminderEveryDays,
      overdueReminderMax: e.OVERDUE_REMINDER_MAX ?? DEFAULT_REMINDER_POLICY.overdueReminderMax,
      reminderHour: e.REMINDER_HOUR ?? DEFAULT_REMINDER_POLICY.reminderHour,
    },
    reopenWindowDays: e.REOPEN_WINDOW_DAYS ?? DEFAULT_REOPEN_WINDOW_DAYS,
  };
}

/** How the client and the worker connect to Temporal (plain, mTLS, or an API key over TLS). */
export function temporalConnectionOptions(config: Config, address: string) {
  const { tls, apiKey } = config.temporal;
  const tlsOption = tls
    ? {
        clientCertPair: { crt: tls.clientCert, key: tls.clientKey },
        serverRootCACertificate: tls.serverRootCACertificate,
      }
    : apiKey
      ? true // an API key is only ever sent over TLS
      : undefined;
  return { address, ...(tlsOption !== undefined && { tls: tlsOption }), ...(apiKey && { apiKey }) };
}
