/**
 * One service process (`npm run api`, `npm run worker`) against an existing PostgreSQL and Temporal,
 * stopped cleanly on SIGINT/SIGTERM.
 */
import http from 'node:http';
import { ConfigError, loadConfig } from '../config/env';
import { createLogger } from '../observability/logger';
import { METRICS_CONTENT_TYPE, metricsText } from '../observability/metrics';
import { bearerMatches } from '../api/auth';
import { startServices, WEBHOOK_SECRET_KEY_MISSING } from './services';
import { STATUS_PAGE_KEY_MISSING } from './status-page-key';
import { installTemporalRuntime } from './telemetry';

export async function runProcess(role: 'api' | 'worker'): Promise<void> {
  // Before the configuration is read, a bad LOG_LEVEL must not stop us from saying what is wrong.
  let logger = createLogger({ service: role });
  try {
    const config = loadConfig();
    logger = createLogger({ service: role, level: config.observability.logLevel });
    if (!config.databaseUrl)
      throw new ConfigError('DATABASE_URL must be set (npm start runs an embedded database itself).');
    if (!config.temporal.address)
      throw new ConfigError('TEMPORAL_ADDRESS must be set (npm start runs a dev server itself).');
    if (role === 'api' && !config.adminToken) throw new ConfigError('ADMIN_TOKEN must be set.');
    // The address partners and their browsers use: the portal's origin check and Secure cookies
    // depend on it, so a production API never guesses it from PORT.
    if (role === 'api' && !config.publicUrlSet) {
      throw new ConfigError('PUBLIC_URL must be set for the API (e.g. https://licenses.example.com).');
    }
    if (!config.webhooks.secretKey) throw new ConfigError(WEBHOOK_SECRET_KEY_MISSING);
    if (!config.statusPage.key) throw new ConfigError(STATUS_PAGE_KEY_MISSING);
    await installTemporalRuntime({ logger, sdkMetricsPort: config.observability.sdkMetricsPort });
    const services = await startServices({
      config,
      databaseUrl: config.databaseUrl,
      temporalAddress: config.temporal.address,
      adminToken: config.adminToken ?? '',
      api: role === 'api',
      worker: role === 'worker',
      logger,
    });
    if (role === 'api') logger.info({ url: services.apiUrl }, 'API listening');
    else logger.info({ taskQueue: config.temporal.taskQueue }, 'worker polling');
    // A worker has no API: with WORKER_HEALTH_PORT it answers /livez, /readyz (ready while polling)
    // and /metrics (its business counters and the Temporal SDK's worker metrics).
    const healthPort = Number(process.env.WORKER_HEALTH_PORT ?? '');
    const health =
      role === 'worker' && healthPort > 0
        ? http
            .createServer((req, res) => {
              if (req.url === '/metrics') {
                const token = config.observability.metricsToken;
                if (token && !bearerMatches(req.headers.authorization, token)) {
                  res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized"}}');
                  return;
                }
                void metricsText().then((text) =>
                  res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
                );
                return;
              }
              const ready = services.workerState() === 'RUNNING';
              const ok = req.url === '/livez' || (req.url === '/readyz' && ready);
              res.writeHead(req.url === '/livez' || req.url === '/readyz' ? (ok ? 200 : 503) : 404, {
                'content-type': 'application/json',
              });
              res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', worker: services.workerState() }));
            })
            .listen(healthPort)
        : undefined;
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      logger.info('stopping');
      health?.close();
      setTimeout(() => process.exit(1), 30_000).unref();
      services.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'stopping failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    // A configuration mistake is for the person starting the process: plain text on stderr.
    if (error instanceof ConfigError) console.error(error.message);
    else logger.fatal({ err: error }, 'could not start');
    // pino writes synchronously to stdout, so the line is out before the exit.
    process.exit(1);
  }
}
