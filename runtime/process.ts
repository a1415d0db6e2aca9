/**
 * One service process (`npm run api`, `npm run worker`) against an existing PostgreSQL and Temporal,
 * stopped cleanly on SIGINT/SIGTERM.
 */
import http from 'node:http';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../config/env';
import { startServices } from './services';

export async function runProcess(role: 'api' | 'worker'): Promise<void> {
  const log = (line: string) => console.log(`[${role}] ${line}`);
  try {
    const config = loadConfig();
    if (!config.databaseUrl)
      throw new ConfigError('DATABASE_URL must be set (npm start runs an embedded database itself).');
    if (!config.temporal.address)
      throw new ConfigError('TEMPORAL_ADDRESS must be set (npm start runs a dev server itself).');
    if (role === 'api' && !config.adminToken) throw new ConfigError('ADMIN_TOKEN must be set.');
    // Our own handlers stop things in order (API, then worker): the SDK must not stop the worker on its own.
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
    const services = await startServices({
      config,
      databaseUrl: config.databaseUrl,
      temporalAddress: config.temporal.address,
      adminToken: config.adminToken ?? '',
      api: role === 'api',
      worker: role === 'worker',
      log,
    });
    log(role === 'api' ? `listening on ${services.apiUrl}` : `polling task queue ${config.temporal.taskQueue}`);
    // A worker has no API: with WORKER_HEALTH_PORT it answers /livez and /readyz (ready while polling).
    const healthPort = Number(process.env.WORKER_HEALTH_PORT ?? '');
    const health =
      role === 'worker' && healthPort > 0
        ? http
            .createServer((req, res) => {
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
      log('stopping ...');
      health?.close();
      setTimeout(() => process.exit(1), 30_000).unref();
      services.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
