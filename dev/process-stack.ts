/**
 * The service as a deployment runs it, on one machine: its own PostgreSQL (embedded, on its own
 * port and data directory), a file-backed Temporal dev server, an SMTP listener, a partners'
 * webhook receiver (HTTPS), the migration, and the API and the workers as separate processes. Every part can be stopped, killed and
 * started again on the same ports and state, which is what the chaos and bench scripts need.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { createDatabase, type Db } from '../db/database';
import { connectTemporal, type ClosableConnection } from '../runtime/temporal-connection';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database';
import { freePort } from './processes';
import { runScript, spawnService, type ServiceProcess } from './service-process';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from './smtp-listener';
import { startDevServer, type DevServer } from './temporal-dev-server';
import { selfSignedCertificate, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export interface ProcessStackOptions {
  /** Everything's state goes here (PostgreSQL, Temporal's SQLite file, logs). */
  dataDir: string;
  workers?: number;
  taskQueue?: string;
  /** Extra environment for the API and the workers. */
  env?: Record<string, string>;
  smtp?: SmtpServerOptions;
  /** The webhook receiver answers each delivery this long after it arrived (default at once). */
  webhookAnswerDelayMs?: number;
  /** PostgreSQL server settings (`-c name=value`), e.g. the bench's statement statistics. */
  databaseSettings?: Record<string, string>;
  /** Extra arguments for node in the API and worker processes (e.g. --cpu-prof). */
  nodeArgs?: string[];
  log?: (line: string) => void;
}

export interface ProcessStack {
  readonly adminToken: string;
  readonly apiUrl: string;
  readonly taskQueue: string;
  readonly databaseUrl: string;
  readonly temporalAddress: string;
  readonly smtp: TestSmtpServer;
  /** A partners' webhook receiver on loopback, over HTTPS with a certificate the services trust. */
  readonly webhooks: WebhookReceiver;
  /** A pool of this process's own, for checks against the read model. */
  readonly db: Db;
  /** A Temporal client of this process's own. */
  readonly client: Client;
  api: ServiceProcess | undefined;
  workers: Array<ServiceProcess | undefined>;
  /** The environment the API and the workers get. */
  serviceEnv(): Record<string, string>;
  startApi(): Promise<ServiceProcess>;
  startWorker(index: number): Promise<ServiceProcess>;
  stopDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  /** Stops (by default: kills) the Temporal dev server. */
  stopTemporal(signal?: NodeJS.Signals): Promise<void>;
  startTemporal(): Promise<void>;
  /** Pids of the infrastructure processes (PostgreSQL's postmaster, the dev server). */
  infrastructurePids(): { postgres: number | undefined; temporal: number | undefined };
  stop(): Promise<void>;
}

const ADMIN_TOKEN = 'stack-admin-token-at-least-32-characters';
/** Seals the partners' webhook secrets; the same for the API and every worker, as in production. */
const WEBHOOK_SECRET_KEY = Buffer.alloc(32, 'stack-webhook-secret-key').toString('base64');
/** Signs the status-page links (workers) and checks them (API): the same everywhere, as in production. */
const STATUS_PAGE_KEY = Buffer.alloc(32, 'stack-status-page-key').toString('base64');

async function waitUntil(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startProcessStack(options: ProcessStackOptions): Promise<ProcessStack> {
  const log = options.log ?? (() => undefined);
  const { dataDir } = options;
  fs.mkdirSync(dataDir, { recursive: true });
  const taskQueue = options.taskQueue ?? 'license-requests';
  const [pgPort, temporalPort, uiPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const workerHealthPorts = await Promise.all(Array.from({ length: options.workers ?? 2 }, () => freePort()));

  log('starting PostgreSQL, the Temporal dev server, the SMTP listener and the webhook receiver');
  let database: EmbeddedDatabase | undefined;
  let temporal: DevServer | undefined;
  const devServerOptions = { dataDir, port: temporalPort, uiPort, namespace: 'default' };
  // The services trust the receiver's certificate the way Node trusts any extra authority.
  const certificate = selfSignedCertificate();
  const receiverCaFile = path.join(dataDir, 'webhook-receiver-ca.pem');
  fs.writeFileSync(receiverCaFile, certificate.cert);
  const [db0, temporal0, smtp, webhooks] = await Promise.all([
    startEmbeddedDatabase(dataDir, { port: pgPort, settings: options.databaseSettings }),
    startDevServer(devServerOptions),
    startSmtpServer(options.smtp),
    startWebhookReceiver({ certificate, answerDelayMs: options.webhookAnswerDelayMs }),
  ]);
  database = db0;
  temporal = temporal0;
  const databaseUrl = database.url;
  // The scripts' own pool: bulk inserts and plans, not activity work, so minutes rather than seconds.
  const db = createDatabase(databaseUrl, {
    maxConnections: 4,
    onPoolError: () => undefined,
    statementTimeoutMs: 600_000,
  });
  const temporalConnection: ClosableConnection = await connectTemporal({ address: temporal.address });
  const client = new Client({ connection: temporalConnection.connection });

  const serviceEnv = (): Record<string, string> => ({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal0.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ADMIN_TOKEN,
    WEBHOOK_SECRET_KEY,
    STATUS_PAGE_KEY,
    SMTP_URL: smtp.url,
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://licenses.skolon.test',
    MAIL_FROM: 'Skolon <no-reply@skolon.test>',
    SUPPORT_EMAIL: 'support@skolon.test',
    // The scripts drive far more than a person does: the per-token limit is not what is measured.
    RATE_LIMIT_PER_MINUTE: '100000000',
    // The partners' receiver is on loopback, which only a development or test stack may deliver to.
    WEBHOOK_ALLOW_INSECURE: 'true',
    NODE_EXTRA_CA_CERTS: receiverCaFile,
    ...options.env,
  });
  log('migrating');
  try {
    runScript('scripts/migrate.ts', serviceEnv());
  } catch (error) {
    // Nothing may stay running behind a start that failed.
    await temporalConnection.close();
    await db.destroy();
    await smtp.close();
    await webhooks.close();
    await temporal0.stop('SIGTERM');
    await db0.stop();
    throw error;
  }

  const stack: ProcessStack = {
    adminToken: ADMIN_TOKEN,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    taskQueue,
    databaseUrl,
    temporalAddress: temporal0.address,
    smtp,
    webhooks,
    db,
    client,
    api: undefined,
    workers: workerHealthPorts.map(() => undefined),
    serviceEnv,
    async startApi() {
      const api = await spawnService({
        name: 'api',
        script: 'runtime/api-process.ts',
        nodeArgs: options.nodeArgs,
        env: { ...serviceEnv(), PORT: String(apiPort) },
        ready: /"msg":"API listening"/,
      });
      stack.api = api;
      return api;
    },
    async startWorker(index) {
      const healthPort = workerHealthPorts[index];
      if (healthPort === undefined) throw new Error(`there is no worker ${index}`);
      const worker = await spawnService({
        name: `worker-${index + 1}`,
        script: 'runtime/worker-process.ts',
        nodeArgs: options.nodeArgs,
        env: { ...serviceEnv(), WORKER_HEALTH_PORT: String(healthPort) },
        ready: /"msg":"worker polling"/,
      });
      await waitUntil(
        `worker ${index + 1} ready`,
        () =>
          fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        30_000,
      );
      stack.workers[index] = worker;
      return worker;
    },
    async stopDatabase() {
      await database?.stop();
      database = undefined;
    },
    async startDatabase() {
      database = await startEmbeddedDatabase(dataDir, { port: pgPort, settings: options.databaseSettings });
    },
    async stopTemporal(signal = 'SIGKILL') {
      await temporal?.stop(signal);
      temporal = undefined;
    },
    async startTemporal() {
      temporal = await startDevServer(devServerOptions);
    },
    infrastructurePids() {
      const pidIn = (file: string) => {
        try {
          return Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0] ?? '', 10) || undefined;
        } catch {
          return undefined;
        }
      };
      return {
        postgres: database ? pidIn(path.join(database.dataDir, 'postmaster.pid')) : undefined,
        temporal: temporal ? pidIn(path.join(dataDir, 'temporal.pid')) : undefined,
      };
    },
    async stop() {
      await Promise.all([stack.api, ...stack.workers].map((p) => (p ? p.stop('SIGTERM') : Promise.resolve(0))));
      await temporalConnection.close();
      await db.destroy();
      await smtp.close();
      await webhooks.close();
      await temporal?.stop('SIGTERM');
      await database?.stop();
    },
  };
  log('starting the API and the workers');
  try {
    await Promise.all([stack.startApi(), ...workerHealthPorts.map((_, i) => stack.startWorker(i))]);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}
