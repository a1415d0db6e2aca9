/**
 * A Temporal client connection that can be closed without a crash afterwards. The SDK retries
 * failed calls from a timer; a retry that fires after the channel was closed throws "Channel has
 * been shut down" out of that timer. Here retries stop once closing starts, backoff is capped at
 * one second, and close() waits out any retry already scheduled before closing the channel.
 */
import {
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';

const MAX_RETRY_INTERVAL_MS = 1000;

export interface ClosableConnection {
  connection: Connection;
  close: () => Promise<void>;
}

export async function connectTemporal(options: ConnectionOptions): Promise<ClosableConnection> {
  let closing = false;
  const retry = defaultGrpcRetryOptions({ maxIntervalMs: () => MAX_RETRY_INTERVAL_MS });
  const connection = await Connection.connect({
    ...options,
    interceptors: [
      makeGrpcRetryInterceptor({
        ...retry,
        retryableDecider: (attempt, status) => !closing && retry.retryableDecider(attempt, status),
      }),
    ],
  });
  return {
    connection,
    close: async () => {
      closing = true;
      // A retry scheduled just before now fires within the capped interval (plus jitter); only
      // then is the channel closed, so that retry finds it open and, being refused, just ends.
      await new Promise((resolve) => setTimeout(resolve, MAX_RETRY_INTERVAL_MS * 1.3).unref());
      setTimeout(() => void connection.close().catch(() => undefined), MAX_RETRY_INTERVAL_MS * 5).unref();
    },
  };
}
