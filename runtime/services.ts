/**
 * Wires the long-running parts together against a database and a Temporal server that already
 * run: migrations, the worker and the API. Used by `npm start` (with the local dev services) and by
 * the end-to-end tests (with their own).
 */
import { Client } from '@temporalio/client';
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { ConfigError, temporalConnectionOptions, type Config } from '../config/env';
import { createDatabase, type Db } from '../db/database';
import { migrateToLatest } from '../db/migrator';
import { createMailboxMailer, createSmtpMailer, type Mailer } from '../activities/mailer';
import { createWebhookDeliverer } from '../activities/webhook-delivery';
import { createPortalMailSender } from '../activities/portal-mail';
import { createWebhookSender } from '../activities/webhook-sender';
import { getLicenseRequest } from '../db/repositories/license-requests';
import { createSecretBox } from '../db/secret-box';
import { toLicenseRequestView } from '../services/license-request-view';
import { startApi } from '../api/server';
import { workerTuning } from '../worker/options';
import { createLicenseRequestWorker } from '../worker/worker';
import { silentLogger, type Logger } from '../observability/logger';
import { STATUS_PAGE_KEY_MISSING } from './status-page-key';
import { connectTemporal } from './temporal-connection';

export interface ServicesOptions {
  config: Config;
  databaseUrl: string;
  temporalAddress: string;
  adminToken: string;
  /** Seals and opens webhook signing secrets; default WEBHOOK_SECRET_KEY (npm start: a dev key). */
  webhookSecretKey?: Buffer;
  /** Signs and checks the status-page links; default STATUS_PAGE_KEY (npm start: a dev key). */
  statusPageKey?: Buffer;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Start the worker (default) and/or the API (default). */
  worker?: boolean;
  api?: boolean;
  logger?: Logger;
  /**
   * How long work in progress may take to finish once stop() is called: API requests, then the
   * worker's activities (then cancelled, and abandoned a second later). Default: 3 s for requests
   * and the worker's own 10 s; npm start, which promises to stop within 5 s, gives 1 s.
   */
  stopGraceMs?: number;
}

export interface RunningServices {
  apiUrl: string | undefined;
  /** The worker's state (RUNNING while it polls), or undefined without a worker. */
  workerState(): string | undefined;
  db: Db;
  /** Where the worker's mail goes (a mailbox folder or an SMTP server), for people; undefined without a worker. The API sends the portal's own mail the same way. */
  mail: string | undefined;
  /** The API's Temporal client; undefined in a worker-only process, which starts and updates nothing. */
  client: Client | undefined;
  stop(): Promise<void>;
}

export const WEBHOOK_SECRET_KEY_MISSING =
  'WEBHOOK_SECRET_KEY must be set: 32 random bytes in base64 (`openssl rand -base64 32`), the same for the API and every worker.';

function createMailer(config: Config): Mailer {
  return config.mail.smtpUrl ? createSmtpMailer(config.mail.smtpUrl) : createMailboxMailer(config.mail.mailboxDir);
}

export async function startServices(options: ServicesOptions): Promise<RunningServices> {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const webhookSecretKey = options.webhookSecretKey ?? config.webhooks.secretKey;
  if (!webhookSecretKey) throw new ConfigError(WEBHOOK_SECRET_KEY_MISSING);
  const statusPageKey = options.statusPageKey ?? config.statusPage.key;
  if (!statusPageKey) throw new ConfigError(STATUS_PAGE_KEY_MISSING);
  const db = createDatabase(options.databaseUrl, {
    onPoolError: (error) => logger.warn({ err: error }, 'database pool: an idle connection failed'),
  });
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
  // Each process builds only what it runs: the worker a mailer for its activities, the API a client
  // for Temporal and a mailer for the portal's sign-in links.
  const stops: Array<() => Promise<void>> = [];
  let workerRun: Promise<void> | undefined;
  let workerState: () => string | undefined = () => undefined;
  let mail: string | undefined;
  if (options.worker !== false) {
    const mailer = createMailer(config);
    mail = mailer.description;
    const webhookSender = createWebhookSender({ allowInsecure: config.webhooks.allowInsecure });
    const workerConnection = await NativeConnection.connect(temporalConnectionOptions(config, options.temporalAddress));
    const worker = await createLicenseRequestWorker({
      connection: workerConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      db,
      mailer,
      config: {
        from: config.mail.from,
        supportEmail: config.mail.supportEmail,
        publicUrl: config.publicUrl,
        contactLocale: config.mail.contactLocale,
        statusPageKey,
      },
      reminders: config.reminders,
      reopenWindowDays: config.reopenWindowDays,
      webhooks: {
        deliverer: createWebhookDeliverer({ db, secrets: createSecretBox(webhookSecretKey), sender: webhookSender }),
        // An event carries the request as the API shows it.
        represent: async (requestId) => {
          const row = await getLicenseRequest(db, requestId);
          return row && toLicenseRequestView(row);
        },
      },
      workflowBundle: options.workflowBundle,
      tuning: {
        ...workerTuning(config.worker),
        ...(options.stopGraceMs !== undefined && {
          shutdownGraceTime: options.stopGraceMs,
          shutdownForceTime: options.stopGraceMs + 1000,
        }),
      },
    });
    workerRun = worker.run();
    workerState = () => worker.getState();
    let stopping = false;
    // A worker that stops while we did not ask it to leaves the API accepting work nobody does.
    workerRun.then(
      () => stopping || logger.error('worker stopped unexpectedly'),
      (error: unknown) => logger.error({ err: error }, 'worker stopped'),
    );
    stops.push(async () => {
      stopping = true;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun?.catch(() => undefined);
      await workerConnection.close();
      mailer.close();
      webhookSender.close();
      logger.info('worker stopped');
    });
  }

  let apiUrl: string | undefined;
  let client: Client | undefined;
  if (options.api !== false) {
    const temporalClient = await connectTemporal(temporalConnectionOptions(config, options.temporalAddress));
    // The portal's sign-in links and invitations go straight from the API (activities/portal-mail.ts).
    const portalMailer = createMailer(config);
    client = new Client({ connection: temporalClient.connection, namespace: config.temporal.namespace });
    const api = await startApi(
      {
        db,
        temporal: client,
        taskQueue: config.temporal.taskQueue,
        adminToken: options.adminToken,
        rateLimitPerMinute: config.rateLimitPerMinute,
        failedAuthPerMinute: config.failedAuthPerMinute,
        trustProxy: config.trustProxy,
        logger,
        metricsToken: config.observability.metricsToken,
        publicUrl: config.publicUrl,
        portalMail: createPortalMailSender({
          mailer: portalMailer,
          from: config.mail.from,
          supportEmail: config.mail.supportEmail,
          logger,
        }),
        webhooks: { secretKey: webhookSecretKey, allowInsecure: config.webhooks.allowInsecure },
        statusPageKey,
      },
      config.port,
      undefined,
      options.stopGraceMs,
    );
    apiUrl = api.url;
    // The API stops first, so no new work arrives while the worker drains.
    stops.unshift(async () => {
      await api.close();
      await temporalClient.close();
      portalMailer.close();
    });
  }

  return {
    apiUrl,
    workerState: () => workerState(),
    db,
    mail,
    client,
    async stop() {
      for (const stop of stops) await stop();
      await db.destroy();
    },
  };
}
