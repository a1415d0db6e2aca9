/** Listening and shutting down the HTTP API. */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createApp, type AppDeps } from './app';

export interface RunningApi {
  url: string;
  /** Stops accepting; requests in progress get the close grace (default 3 s), then their connections are dropped. */
  close(): Promise<void>;
}

export async function startApi(
  deps: AppDeps,
  port: number,
  host = '0.0.0.0',
  closeGraceMs = 3000,
): Promise<RunningApi> {
  const app = createApp(deps);
  const server: Server = await new Promise((resolve, reject) => {
    // Express 5 hands listen errors (e.g. the port is taken) to this callback.
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  server.on('clientError', answerUnparsableRequest);
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://localhost:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Stop accepting, let requests in progress finish, then drop idle keep-alive connections.
        server.close(() => {
          deps.logger?.info('API stopped');
          resolve();
        });
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), closeGraceMs).unref();
      }),
  };
}

/**
 * Requests Node cannot parse (headers over its 16 KiB limit, broken request lines) never reach
 * Express; without this, Node answers them with a bare status line. Give them the contract's error
 * body like every other refusal, then close the connection (its stream is in an unknown state).
 */
function answerUnparsableRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
    // A response is already under way on this connection (or it is gone): only closing is left.
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'The request headers are larger than 16 KiB.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request_timeout', 'The request was not received in time.']
        : [400, 'Bad Request', 'bad_request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
