/**
 * How a worker is sized and stops. One place, used by the license-request worker and by the
 * benchmark's bare worker (bench/), so that the baseline runs with exactly the same settings.
 */
import type { WorkerOptions } from '@temporalio/worker';
import { DEFAULT_WORKER_SIZING, type WorkerSizing } from '../config/env';

export type WorkerTuning = Pick<
  WorkerOptions,
  | 'maxCachedWorkflows'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'shutdownGraceTime'
>;

export function workerTuning(sizing: WorkerSizing = DEFAULT_WORKER_SIZING): WorkerTuning {
  return {
    maxCachedWorkflows: sizing.maxCachedWorkflows,
    maxConcurrentActivityTaskExecutions: sizing.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: sizing.maxConcurrentWorkflowTasks,
    // Let in-flight activities (a mail being sent) finish on SIGTERM before the worker stops.
    shutdownGraceTime: '10 seconds',
  };
}
