/**
 * The Temporal SDK's process-wide runtime: its log lines go through our pino logger (JSON, like
 * ours), and its worker metrics (task slots, poll and schedule-to-start latencies, sticky cache ...)
 * are exported by the SDK's own Prometheus endpoint on a loopback port, which our `/metrics` reads
 * and appends, so one scrape shows both.
 */
import { Runtime } from '@temporalio/worker';
import { freePort } from './ports';
import { temporalLogger, type Logger } from '../observability/logger';
import { appendMetricsFrom } from '../observability/metrics';

/** Installs the SDK runtime once per process, before any connection or worker is made. */
export async function installTemporalRuntime(options: {
  logger: Logger;
  sdkMetricsPort?: number;
  /** The SDK's own lines below this level are dropped (default: the logger's level). */
  sdkLogLevel?: string;
}): Promise<void> {
  const port = options.sdkMetricsPort || (await freePort());
  const sdkLogger = options.logger.child(
    { component: 'temporal-sdk' },
    options.sdkLogLevel ? { level: options.sdkLogLevel } : {},
  );
  Runtime.install({
    logger: temporalLogger(sdkLogger),
    // Our own handlers stop things in order (API, then worker): the SDK must not stop the worker on its own.
    shutdownSignals: [],
    telemetryOptions: {
      // The SDK's native side logs through the same logger instead of straight to the console.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true, unitSuffix: true } },
    },
  });
  appendMetricsFrom(() => fetchSdkMetrics(port));
}

async function fetchSdkMetrics(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : `# Temporal SDK metrics unavailable: HTTP ${res.status}\n`;
  } catch (error) {
    return `# Temporal SDK metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`;
  }
}
