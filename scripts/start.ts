/**
 * `npm start`: everything on one machine. Starts what is not configured (an embedded PostgreSQL
 * when DATABASE_URL is unset, a Temporal dev server with its Web UI when TEMPORAL_ADDRESS is unset),
 * applies the migrations, runs the worker and the API, and stops it all on SIGINT/SIGTERM.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/env';
import { startEmbeddedDatabase } from '../dev/embedded-database';
import { startDevServer } from '../dev/temporal-dev-server';
import { createLogger } from '../observability/logger';
import { startServices } from '../runtime/services';
import { installTemporalRuntime } from '../runtime/telemetry';
import { devWebhookSecretKey } from '../runtime/webhook-secret-key';
import { devStatusPageKey } from '../runtime/status-page-key';

const log = (line: string) => console.log(`[start] ${line}`);

/** Where the dev admin token is kept, under DATA_DIR. */
const devAdminTokenFile = (dataDir: string) => path.join(dataDir, 'dev-admin-token');

/** Without ADMIN_TOKEN a dev token is made once and kept under DATA_DIR, so restarts keep it. */
function devAdminToken(dataDir: string): string {
  const file = devAdminTokenFile(dataDir);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const token = `dev_${crypto.randomBytes(32).toString('base64url')}`;
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

async function main() {
  // Stopped in order: the API, then the worker (services.stop()), then the servers they use, both at
  // once. The servers run in process groups of their own (dev/server-process.ts), so a terminal's
  // Ctrl-C reaches only us and nothing goes down under the services; we stop the servers ourselves,
  // and they never outlive this process, however it ends.
  let stopServices: (() => Promise<void>) | undefined;
  const stopServers: Array<() => Promise<void>> = [];
  let stopping = false;
  async function stopAll(code: number) {
    // One Ctrl-C can arrive twice (from the terminal and forwarded by npm): the first one counts.
    if (stopping) return;
    stopping = true;
    const began = Date.now();
    log('Stopping ...');
    // The README promises 5 s. Exiting stops what is left (the servers' exit hooks).
    const force = setTimeout(() => {
      log('Did not stop within 5 s; exiting anyway.');
      process.exit(1);
    }, 4500);
    const attempt = (stop: () => Promise<void>) =>
      stop().catch((error: unknown) => log(`while stopping: ${String(error)}`));
    if (stopServices) await attempt(stopServices);
    await Promise.all(stopServers.map(attempt));
    clearTimeout(force);
    log(`Stopped in ${((Date.now() - began) / 1000).toFixed(1)} s.`);
    process.exit(code);
  }
  // Before anything is started, so that no signal finds us without them.
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  // A closed terminal.
  process.on('SIGHUP', () => void stopAll(0));
  // npm runs us under `sh -c`, and a SIGTERM to npm alone reaches only that shell, which dies at once
  // and leaves us without a signal: our parent changes, and we stop as if we had had one.
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphaned);
    if (stopping) return;
    log('The process that started us is gone.');
    void stopAll(0);
  }, 500).unref();

  const config = loadConfig();
  // A dev token lying in a file is for a developer's machine, never for production.
  if (process.env.NODE_ENV === 'production' && !config.adminToken) {
    throw new ConfigError(
      'ADMIN_TOKEN must be set when NODE_ENV=production (at least 32 characters); npm start makes a dev token only outside production.',
    );
  }
  if (process.env.NODE_ENV === 'production' && !config.webhooks.secretKey) {
    throw new ConfigError(
      'WEBHOOK_SECRET_KEY must be set when NODE_ENV=production; npm start makes a dev key only outside production.',
    );
  }
  if (process.env.NODE_ENV === 'production' && !config.statusPage.key) {
    throw new ConfigError(
      'STATUS_PAGE_KEY must be set when NODE_ENV=production; npm start makes a dev key only outside production.',
    );
  }
  // The services log JSON lines (pino) as in production; the lines prefixed [start] are this script's.
  const logger = createLogger({ service: 'license-request-service', level: config.observability.logLevel });
  // The SDK's info lines (bundling, worker state) drown the banner; warnings and errors still show.
  await installTemporalRuntime({ logger, sdkMetricsPort: config.observability.sdkMetricsPort, sdkLogLevel: 'warn' });
  fs.mkdirSync(config.dataDir, { recursive: true });

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      log(`Starting an embedded PostgreSQL under ${config.dataDir} ...`);
      const database = await startEmbeddedDatabase(config.dataDir);
      stopServers.push(async () => {
        await database.stop();
        log('PostgreSQL stopped.');
      });
      databaseUrl = database.url;
    }

    let temporalAddress = config.temporal.address;
    let webUi = '(the Web UI of your Temporal cluster)';
    if (!temporalAddress) {
      log('Starting a local Temporal dev server ...');
      const server = await startDevServer({
        dataDir: config.dataDir,
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
      });
      stopServers.push(async () => {
        await server.stop();
        log('Temporal dev server stopped.');
      });
      temporalAddress = server.address;
      webUi = server.uiUrl;
    }

    const adminToken = config.adminToken ?? devAdminToken(config.dataDir);
    log('Starting the worker and the API ...');
    const webhookSecretKey = config.webhooks.secretKey ?? devWebhookSecretKey(config.dataDir);
    const statusPageKey = config.statusPage.key ?? devStatusPageKey(config.dataDir);
    const services = await startServices({
      config,
      databaseUrl,
      temporalAddress,
      adminToken,
      webhookSecretKey,
      statusPageKey,
      logger,
      stopGraceMs: 1000,
    });
    stopServices = () => services.stop();

    console.log(
      [
        '',
        'License-request service is running.',
        `  API:              ${services.apiUrl}  (health: ${services.apiUrl}/health)`,
        `  Partner portal:   ${services.apiUrl}/portal/  (partner staff sign in with their e-mail address)`,
        `  Temporal Web UI:  ${webUi}  (server ${temporalAddress}, namespace ${config.temporal.namespace})`,
        `  Database:         ${config.databaseUrl ? 'DATABASE_URL' : `embedded PostgreSQL in ${path.join(config.dataDir, 'postgres')}`}`,
        `  Mail:             ${services.mail}`,
        // Never the token itself: terminals and their logs are read by more people than the API is.
        config.adminToken
          ? '  Admin token:      from ADMIN_TOKEN'
          : `  Admin token:      in ${devAdminTokenFile(config.dataDir)}  (dev token; set ADMIN_TOKEN to choose one)`,
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    await stopAll(1);
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
