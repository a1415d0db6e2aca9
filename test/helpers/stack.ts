/**
 * The whole service for end-to-end tests: a real Temporal dev server (file-backed, on free ports),
 * a fresh PostgreSQL database, a real SMTP listener, and the worker and API wired as in production.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type Config } from '../../config/env';
import { freePort } from '../../dev/processes';
import { startDevServer, type DevServer } from '../../dev/temporal-dev-server';
import { createLogger, temporalLoggerFrom, type Logger } from '../../observability/logger';
import type { Client } from '@temporalio/client';
import { startServices, type RunningServices } from '../../runtime/services';
import { createTestDatabase, type TestDatabase } from './database';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from './smtp';

export const ADMIN_TOKEN = 'test-admin-token-at-least-32-characters';
/** WEBHOOK_SECRET_KEY of the test stacks: 32 bytes, base64. */
export const WEBHOOK_SECRET_KEY = Buffer.alloc(32, 'test-webhook-secret-key').toString('base64');
/** Signs the status-page links in the contacts' mail (tests make the same tokens with it). */
export const STATUS_PAGE_KEY = Buffer.alloc(32, 'test-status-page-key');

export interface TestStack {
  config: Config;
  database: TestDatabase;
  smtp: TestSmtpServer;
  temporal: DevServer;
  /** The API and the worker in one process, as npm start runs them: with the API's Temporal client. */
  services: RunningServices & { client: Client };
  apiUrl: string;
  /** Stops and starts the worker and the API (and optionally the Temporal server) on the same state. */
  restart(options?: { temporal?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** The SDK's info lines drown the test output; warnings and errors still show. */
export function quietRuntime(): void {
  // Tests that keep a mail server away see an activity retried hundreds of times in skipped time:
  // its first two failures are shown, the rest would bury the output (tens of thousands of lines).
  const sdk = new DefaultLogger('WARN');
  const logger = temporalLoggerFrom((level, message, meta) => {
    if (message === 'Activity failed' && Number(meta?.attempt) > 2) return;
    sdk.log(level, message, meta);
  });
  try {
    Runtime.install({ logger, shutdownSignals: [] });
  } catch {
    // already installed in this process
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: silentLogger });
  return bundle;
}

const silentLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

export async function startStack(
  options: {
    smtp?: SmtpServerOptions;
    env?: Record<string, string>;
    /** The services' logger; by default unexpected errors only (LOG_LEVEL to see more). */
    logger?: Logger;
  } = {},
): Promise<TestStack> {
  const logger = options.logger ?? createLogger({ service: 'test', level: process.env.LOG_LEVEL ?? 'error' });
  quietRuntime();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-e2e-'));
  const [database, smtp, port, uiPort] = await Promise.all([
    createTestDatabase(),
    startSmtpServer(options.smtp),
    freePort(),
    freePort(),
  ]);
  const config: Config = {
    ...loadConfig({
      DATA_DIR: dataDir,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Skolon <no-reply@skolon.test>',
      SUPPORT_EMAIL: 'support@skolon.test',
      PUBLIC_URL: 'https://licenses.skolon.test',
      TEMPORAL_TASK_QUEUE: `e2e-${path.basename(dataDir)}`,
      // The suites send many bad tokens from one address on purpose (the fuzz test thousands); the
      // per-address limit has tests of its own (test/e2e/rate-limits.test.ts).
      RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '1000000',
      WEBHOOK_SECRET_KEY,
      STATUS_PAGE_KEY: STATUS_PAGE_KEY.toString('base64'),
      ...options.env,
    }),
    port: 0,
  };
  const devServerOptions = { dataDir, port, uiPort, namespace: config.temporal.namespace };
  let temporal = await startDevServer(devServerOptions);
  const start = async () => {
    const running = await startServices({
      config,
      databaseUrl: database.url,
      temporalAddress: temporal.address,
      adminToken: ADMIN_TOKEN,
      workflowBundle: await workflowBundle(),
      logger,
    });
    const { client } = running;
    if (!client) throw new Error('startServices with the API gave no Temporal client');
    return { ...running, client };
  };
  let services = await start();
  const stack: TestStack = {
    config,
    database,
    smtp,
    temporal,
    services,
    apiUrl: services.apiUrl!,
    async restart(options = {}) {
      await services.stop();
      if (options.temporal) {
        await temporal.stop();
        temporal = await startDevServer(devServerOptions);
        stack.temporal = temporal;
      }
      services = await start();
      stack.services = services;
      stack.apiUrl = services.apiUrl!;
    },
    async stop() {
      await services.stop();
      await temporal.stop();
      await stack.smtp.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** A small HTTP client for the API. */
export function api(stack: Pick<TestStack, 'apiUrl'>) {
  return async function call(
    method: string,
    urlPath: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await fetch(`${stack.apiUrl}${urlPath}`, {
      method,
      headers: {
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...((options.body !== undefined || options.rawBody !== undefined) && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers };
  };
}
