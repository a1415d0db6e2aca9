/**
 * The baseline's worker process (`node --import tsx bench/bare-worker.ts`): the bare workflow and
 * its no-op activities on TEMPORAL_TASK_QUEUE, sized exactly like the license-request worker
 * (worker/options.ts, from the same environment variables), with the same SDK runtime.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig, temporalConnectionOptions } from '../config/env';
import { createLogger } from '../observability/logger';
import { installTemporalRuntime } from '../runtime/telemetry';
import { workerTuning } from '../worker/options';
import { createBareActivities } from './bare-activities';

async function main() {
  const config = loadConfig();
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS must be set.');
  // The same SDK runtime as the service's processes (logging, the SDK's metrics exporter).
  const logger = createLogger({ service: 'bare-worker', level: config.observability.logLevel });
  await installTemporalRuntime({ logger, sdkMetricsPort: config.observability.sdkMetricsPort });
  const connection = await NativeConnection.connect(temporalConnectionOptions(config, config.temporal.address));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('./bare-workflow'),
    activities: createBareActivities(),
    ...workerTuning(config.worker),
  });
  const stop = () => worker.getState() === 'RUNNING' && worker.shutdown();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`[bare-worker] polling task queue ${config.temporal.taskQueue}`);
  await worker.run();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
