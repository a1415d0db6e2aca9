/**
 * A local Temporal dev server with its Web UI, state kept in a SQLite file so that a restart keeps
 * every workflow, and the project's search attributes registered at launch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../workflows/definitions';
import { stopLeftover } from './processes';
import { startServerProcess } from './server-process';
import { resolveTemporalBinary } from './temporal-binaries';

export interface DevServerOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Register the project's search attributes at launch (default); false for a bare server. */
  searchAttributes?: boolean;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  /** Stops the server: SIGTERM (default), or e.g. SIGKILL for a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  // One lazy connection without the SDK's retry interceptor: Connection.connect() retries its first
  // call from a timer that can fire after a failed connect closed the channel, and throw then.
  const connection = Connection.lazy({ address, interceptors: [] });
  const until = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await connection.withDeadline(Date.now() + 1000, () => connection.workflowService.getSystemInfo({}));
        return;
      } catch (error) {
        if (Date.now() > until) {
          throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${String(error)}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await connection.close();
  }
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = `http://localhost:${options.uiPort}`;
  const binary = resolveTemporalBinary('cli', { install: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--db-filename',
    path.join(options.dataDir, 'temporal.sqlite'),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    '--ui-disable-news-fetch',
    ...(options.searchAttributes === false
      ? []
      : SEARCH_ATTRIBUTE_DEFINITIONS.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`])),
  ];

  if (!binary) {
    // No local binary: let the SDK download the CLI (needs internet access).
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const { defineSearchAttributeKey } = await import('@temporalio/common');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port: options.port,
        ui: true,
        uiPort: options.uiPort,
        dbFilename: path.join(options.dataDir, 'temporal.sqlite'),
        namespace: options.namespace,
        searchAttributes: SEARCH_ATTRIBUTE_DEFINITIONS.map((a) =>
          defineSearchAttributeKey(a.name, ({ Keyword: 'KEYWORD', Datetime: 'DATETIME', Int: 'INT' } as const)[a.type]),
        ),
      },
    });
    return { address, uiUrl, stop: () => env.teardown() };
  }

  const pidFile = path.join(options.dataDir, 'temporal.pid');
  await stopLeftover(pidFile, 'start-dev');
  // In a process group of its own, so that a terminal's Ctrl-C (SIGINT to the whole foreground
  // group) does not stop it under the worker and the API: npm start stops it itself, after them.
  // It never outlives us (see server-process.ts). Its graceful stop takes 2-3 s; within npm start's
  // 5 s it gets 3, then it is killed (its SQLite state survives a kill, as the chaos script checks).
  const server = await startServerProcess(binary, args, {
    logPath: path.join(options.dataDir, 'temporal.log'),
    stopSignal: 'SIGTERM',
    forceSignal: 'SIGKILL',
    forceAfterMs: 3000,
  });
  fs.writeFileSync(pidFile, `${server.pid}\n`);
  try {
    await Promise.race([
      waitForTemporal(address, 60_000),
      server.exited.then(() => {
        throw new Error(`temporal server start-dev exited early; see ${path.join(options.dataDir, 'temporal.log')}`);
      }),
    ]);
  } catch (error) {
    await server.stop('SIGKILL');
    throw error;
  }
  return {
    address,
    uiUrl,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      await server.stop(signal);
      fs.rmSync(pidFile, { force: true });
    },
  };
}
