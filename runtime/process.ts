/**
 * One service process (`npm run api`, `npm run worker`) against an existing PostgreSQL and Temporal,
 * stopped cleanly on SIGINT/SIGTERM.
 */
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
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      log('stopping ...');
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
