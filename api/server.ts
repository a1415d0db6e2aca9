/** Listening and shutting down the HTTP API. */
import type { Server } from 'node:http';
import { createApp, type AppDeps } from './app';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export async function startApi(deps: AppDeps, port: number, host = '0.0.0.0'): Promise<RunningApi> {
  const app = createApp(deps);
  const server: Server = await new Promise((resolve, reject) => {
    // Express 5 hands listen errors (e.g. the port is taken) to this callback.
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://localhost:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Stop accepting, let requests in progress finish, then drop idle keep-alive connections.
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 3000).unref();
      }),
  };
}
